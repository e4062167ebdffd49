import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";

export type LossPoint = { id: number; step: number; kind: "train" | "eval"; loss: number };

const POLL_MS = 2000;

/**
 * The run's loss points, fetched incrementally (only rows after the last id) every 2 s while the run
 * is active, and once more when it stops so the final points arrive.
 */
export function useRunMetrics(runId: string, active: boolean): { points: LossPoint[]; error: unknown } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [points, setPoints] = useState<LossPoint[]>([]);
  const [error, setError] = useState<unknown>(null);
  const afterId = useRef(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function tick() {
      try {
        const rows = await queryClient.fetchQuery({
          ...trpc.training.listRunMetrics.queryOptions({ runId, afterId: afterId.current }),
          staleTime: 0,
          gcTime: 0,
        });
        if (stopped) return;
        setError(null);
        const fresh = rows.filter((r) => r.id > afterId.current);
        if (fresh.length) {
          afterId.current = fresh[fresh.length - 1]!.id;
          setPoints((all) => [
            ...all,
            ...fresh.map(({ id, step, kind, loss }) => ({ id, step, kind, loss })),
          ]);
        }
      } catch (err) {
        if (!stopped) setError(err);
      }
      if (!stopped && active) timer = setTimeout(tick, POLL_MS);
    }
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [runId, active, trpc, queryClient]);

  return { points, error };
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";

export function CancelRunButton({ runId, requested }: { runId: string; requested: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const cancel = useMutation(
    trpc.training.cancelRun.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.training.getRun.queryKey({ id: runId }) }),
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  return (
    <div className="row">
      <button
        type="button"
        className="danger"
        disabled={requested || cancel.isPending}
        onClick={() => {
          if (!window.confirm("Cancel this training run? Its progress is lost.")) return;
          setError(null);
          cancel.mutate({ id: runId });
        }}
      >
        {requested ? "Cancelling…" : "Cancel run"}
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </div>
  );
}

"use client";

import "uplot/dist/uPlot.min.css";
import { useEffect, useMemo, useRef } from "react";
import type uPlot from "uplot";
import type { LossPoint } from "./use-run-metrics";

const HEIGHT = 260;

/** Steps on x; train and eval loss as two series aligned on the union of their steps. */
function toSeries(points: LossPoint[]): uPlot.AlignedData {
  const byStep = new Map<number, { train: number | null; eval: number | null }>();
  for (const p of points) {
    const row = byStep.get(p.step) ?? { train: null, eval: null };
    row[p.kind] = p.loss;
    byStep.set(p.step, row);
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  return [steps, steps.map((s) => byStep.get(s)!.train), steps.map((s) => byStep.get(s)!.eval)];
}

/** Training and validation loss, redrawn as points arrive; uPlot is loaded in the browser only. */
export function LossChart({ points }: { points: LossPoint[] }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => toSeries(points), [points]);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void import("uplot").then(({ default: UPlot }) => {
      const el = container.current;
      if (disposed || !el) return;
      plot.current = new UPlot(
        {
          width: el.clientWidth || 600,
          height: HEIGHT,
          scales: { x: { time: false } },
          axes: [{ label: "step" }, { label: "loss" }],
          series: [
            { label: "step" },
            { label: "train loss", stroke: "#2f5bea", width: 1.5, spanGaps: true, points: { show: false } },
            {
              label: "eval loss",
              stroke: "#d2691e",
              width: 2,
              spanGaps: true,
              points: { show: true, size: 6 },
            },
          ],
        },
        latestData.current,
        el,
      );
      observer = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: HEIGHT }));
      observer.observe(el);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  const lastTrain = points.findLast((p) => p.kind === "train");
  const lastEval = points.findLast((p) => p.kind === "eval");
  return (
    <figure className="loss-chart panel">
      <div ref={container} role="img" aria-label="Training and validation loss by step" />
      <figcaption className="muted" data-testid="loss-summary">
        {points.length === 0
          ? "No loss points yet: they appear once training starts."
          : [
              lastTrain && `train loss ${lastTrain.loss.toFixed(3)} at step ${lastTrain.step}`,
              lastEval && `eval loss ${lastEval.loss.toFixed(3)} at step ${lastEval.step}`,
            ]
              .filter(Boolean)
              .join(" · ")}
      </figcaption>
    </figure>
  );
}

/** Display helpers shared by the training and models pages. */

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return Math.round(n).toLocaleString("en-US");
}

/** 135000000 → "135M": parameter counts read better rounded. */
export function formatCompact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${s % 60} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  const date = value instanceof Date ? value : new Date(value);
  return date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return "—";
  const date = value instanceof Date ? value : new Date(value);
  return date.toLocaleDateString("en-GB", { dateStyle: "medium" });
}

export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "—";
  const date = value instanceof Date ? value : new Date(value);
  return date.toLocaleTimeString("en-GB", { timeStyle: "short" });
}

/** "1 pair", "2 pairs", "1,200 pairs" (nouns with a regular plural unless one is given). */
export function formatCountOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? singular : plural}`;
}

export function formatScore(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return value.toFixed(digits);
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${(value * 100).toFixed(1)} %`;
}

/** A setting or metric value of unknown type, shown as plainly as possible. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") {
    if (Number.isInteger(value)) return formatCount(value);
    return Math.abs(value) < 0.01 ? value.toExponential(2) : value.toFixed(4).replace(/0+$/, "");
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export function runDurationSeconds(run: {
  startedAt: Date | null;
  finishedAt: Date | null;
  status: string;
}): number | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ?? (run.status === "running" ? new Date() : null);
  return end ? (end.getTime() - run.startedAt.getTime()) / 1000 : null;
}

export const ACTIVE_RUN_STATUSES = ["queued", "running"];
export const isActiveRun = (status: string | undefined) => !!status && ACTIVE_RUN_STATUSES.includes(status);

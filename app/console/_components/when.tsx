"use client";

import { formatDateTime } from "@/app/console/_training/format";

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];
const relative = new Intl.RelativeTimeFormat("en-GB", { numeric: "auto" });

/** "3 hours ago", "yesterday": how long ago, in words. */
export function formatRelative(date: Date, now = new Date()): string {
  const seconds = (date.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  return "just now";
}

/** A moment as the console shows it everywhere: relative, with the exact date and time on hover. */
export function When({ date }: { date: Date | string | null | undefined }) {
  if (!date) return <>—</>;
  const d = date instanceof Date ? date : new Date(date);
  return (
    <time dateTime={d.toISOString()} title={formatDateTime(d)} suppressHydrationWarning>
      {formatRelative(d)}
    </time>
  );
}

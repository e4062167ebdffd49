/** The trainer's last log lines, newest last, as it printed them. */
export function RunLog({ lines }: { lines: string[] }) {
  if (lines.length === 0) return <p className="muted">No log lines yet.</p>;
  return (
    <pre className="run-log panel" data-testid="run-log">
      {lines.join("\n")}
    </pre>
  );
}

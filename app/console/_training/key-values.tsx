import { describeEntries, METRICS, SETTINGS } from "./labels";

/**
 * A definition list of name → value pairs (settings, metrics) in people's words and units, wrapping
 * into columns on wide screens.
 */
export function KeyValues({
  entries,
  label,
  kind = "metrics",
}: {
  entries: [string, unknown][];
  label: string;
  kind?: "metrics" | "settings";
}) {
  if (entries.length === 0) return <p className="muted">None recorded.</p>;
  const described = describeEntries(entries, kind === "settings" ? SETTINGS : METRICS);
  return (
    <dl className="key-values" aria-label={label}>
      {described.map(({ key, label, value, note }) => (
        <div key={key}>
          <dt title={key}>{label}</dt>
          <dd>
            {value}
            {note && <span className="muted kn-small"> {note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

import { formatValue } from "./format";

/** A definition list of name → value pairs (settings, metrics), wrapping into columns on wide screens. */
export function KeyValues({ entries, label }: { entries: [string, unknown][]; label: string }) {
  if (entries.length === 0) return <p className="muted">None recorded.</p>;
  return (
    <dl className="key-values" aria-label={label}>
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{humanize(key)}</dt>
          <dd>{formatValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** learningRate / val_loss → "learning rate" / "val loss". */
export function humanize(key: string): string {
  return key
    .replace(/_/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

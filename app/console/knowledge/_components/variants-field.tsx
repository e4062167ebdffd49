"use client";

import { type KeyboardEvent, useRef, useState } from "react";

/**
 * Paraphrases of the question. Type one and press Enter to add it; the box stays focused so
 * several can be added in a row. Backspace in the empty box takes the last one back for editing.
 */
export function VariantsField({
  variants,
  onChange,
}: {
  variants: string[];
  onChange: (next: string[]) => void;
}) {
  const [draft, setDraft] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  const add = () => {
    const text = draft.trim();
    if (!text) return;
    if (!variants.some((v) => v.toLowerCase() === text.toLowerCase())) onChange([...variants, text]);
    setDraft("");
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" && !e.metaKey && !e.ctrlKey) {
      e.preventDefault();
      add();
    } else if (e.key === "Backspace" && draft === "" && variants.length) {
      e.preventDefault();
      setDraft(variants.at(-1) ?? "");
      onChange(variants.slice(0, -1));
    }
  };
  return (
    <fieldset className="kn-variants">
      <legend>Variants (other ways customers ask this)</legend>
      <ul>
        {variants.map((v, i) => (
          <li key={v} data-testid="variant">
            <span>{v}</span>
            <button
              type="button"
              className="secondary kn-remove"
              aria-label={`Remove variant “${v}”`}
              onClick={() => {
                onChange(variants.filter((_, j) => j !== i));
                inputRef.current?.focus();
              }}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="row">
        <input
          ref={inputRef}
          aria-label="New variant"
          placeholder="Type a paraphrase and press Enter"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={add}
        />
        <button type="button" className="secondary" onClick={add} disabled={!draft.trim()}>
          Add variant
        </button>
      </div>
    </fieldset>
  );
}

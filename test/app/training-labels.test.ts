import { expect, it } from "vitest";
import {
  describeEntries,
  METRICS,
  phaseLabel,
  SETTINGS,
  settingsForMethod,
} from "@/app/console/_training/labels";

it("shows trainer metrics with labels and units, and unknown ones in words", () => {
  const shown = describeEntries(
    [
      ["tokens_per_s", 900.2656],
      ["padding_ratio", 0.00477],
      ["train_time_s", 367],
      ["peak_memory_mb", 2048],
      ["val_loss", 1.23456],
      ["someNewMetric", 3],
    ],
    METRICS,
  );
  expect(shown.map(({ label, value }) => [label, value])).toEqual([
    ["Training speed", "900 tokens/s"],
    ["Padding in batches", "0.5 %"],
    ["Training time", "6 min 7 s"],
    ["Peak memory", "2.0 GB"],
    ["Held-out loss", "1.235"],
    ["some new metric", "3"],
  ]);
  expect(shown.find((s) => s.label === "Held-out loss")?.note).toMatch(/may rise/);
});

it("shows only the settings of the method used", () => {
  const full = { method: "full", epochs: 6, loraRank: 16, learningRate: 0.0003 };
  expect(settingsForMethod(full).map(([k]) => k)).toEqual(["method", "epochs", "learningRate"]);
  expect(settingsForMethod({ ...full, method: "lora" }).map(([k]) => k)).toContain("loraRank");
  expect(describeEntries([["learningRate", 0.0003]], SETTINGS)[0]?.value).toBe("3.0e-4");
});

it("names phases for people", () => {
  expect(phaseLabel("evaluating")).toBe("Evaluating answers");
  expect(phaseLabel(undefined)).toBe("—");
});

/**
 * onnxruntime-node alone, as a benchmark runner: the least any engine must do on the main thread
 * (feed the prompt, then chain each step's present.* into the next step's past, greedy argmax).
 * No tokenizer, scheduler, processors or worker: the reference for what this host's onnxruntime
 * gives on this model, so the engine's numbers can be read against it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { kvShapeOf } from "../../server/inference/bundle";
import { sessionOptions } from "../../server/inference/decoder-io";
import type { Runner, StreamTiming } from "./measure";

export async function openOnnxruntime(
  bundleDir: string,
  precision: "fp32" | "int8",
  prompts: number[][],
  threads: number,
  spinWait = false,
): Promise<Runner> {
  const {
    numLayers: layers,
    kvHeads,
    headDim,
  } = kvShapeOf(JSON.parse(await readFile(join(bundleDir, "config.json"), "utf8")));
  const file = precision === "int8" ? "model.int8.onnx" : "model.onnx";
  const session = await ort.InferenceSession.create(
    join(bundleDir, file),
    sessionOptions({ threads, spinWait }),
  );
  const int64 = (values: number[]) => new BigInt64Array(values.map((v) => BigInt(v)));

  const stream = async (prompt: number, maxNewTokens: number): Promise<StreamTiming> => {
    const timing: StreamTiming = { start: performance.now(), tokens: [] };
    let past: Record<string, ort.Tensor> = {};
    for (let l = 0; l < layers; l++)
      for (const kind of ["key", "value"])
        past[`past_key_values.${l}.${kind}`] = new ort.Tensor("float32", new Float32Array(0), [
          1,
          kvHeads,
          0,
          headDim,
        ]);
    let ids = prompts[prompt % prompts.length]!;
    let length = 0;
    for (let step = 0; step < maxNewTokens; step++) {
      const out = await session.run({
        input_ids: new ort.Tensor("int64", int64(ids), [1, ids.length]),
        attention_mask: new ort.Tensor("int64", int64(Array(length + ids.length).fill(1)), [
          1,
          length + ids.length,
        ]),
        position_ids: new ort.Tensor("int64", int64(ids.map((_, i) => length + i)), [1, ids.length]),
        ...past,
      });
      length += ids.length;
      past = {};
      for (let l = 0; l < layers; l++)
        for (const kind of ["key", "value"])
          past[`past_key_values.${l}.${kind}`] = out[`present.${l}.${kind}`]!;
      const logits = out.logits!.data as Float32Array;
      const vocab = out.logits!.dims[2]!;
      const last = logits.subarray(logits.length - vocab);
      let best = 0;
      for (let v = 1; v < vocab; v++) if (last[v]! > last[best]!) best = v;
      timing.tokens.push(performance.now());
      ids = [best];
    }
    return timing;
  };
  await stream(0, 2); // warm-up
  return { name: `onnxruntime alone ${precision}`, stream, close: () => session.release() };
}

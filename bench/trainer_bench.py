"""Trainer benchmark: SmolLM2-135M shape (random init), seq 256, on this machine's CPU.

Measures training tokens/s and peak memory for full / LoRA x fp32 / bf16 through the trainer's
own step code, matmul peak FLOP/s for comparison, and padded vs packed on a 60-pair support set
(ecommerce-faq rendered in ChatML with the real SmolLM2 tokenizer).
Each configuration runs in its own process: thread settings must precede torch's import and
peak RSS is per process. Needs ../shared (the repo's sibling); says so and exits 0 if absent.

usage: /usr/bin/python3 bench/trainer_bench.py [--steps N] [--quick]
"""

import argparse
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
SMOL = os.path.join(SHARED, "models", "smollm2-135m-tokenizer")
FAQ = os.path.join(SHARED, "datasets", "ecommerce-faq", "Ecommerce_FAQ_Chatbot_dataset.json")
SEQ = 256
SYSTEM = "You are a helpful customer support assistant."
THREADS = {"fp32": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "2"}, "bf16": {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "1"}}

TOKENIZE_JS = """
import { Tokenizer } from "@huggingface/tokenizers";
import fs from "node:fs";
const [dir, faqPath, system, n] = process.argv.slice(1);
const t = new Tokenizer(JSON.parse(fs.readFileSync(dir + "/tokenizer.json", "utf8")), {});
const faq = JSON.parse(fs.readFileSync(faqPath, "utf8"));
const pairs = Object.values(faq).flat().slice(0, Number(n));
const enc = (s) => t.encode(s).ids;
for (const p of pairs) {
  const prompt = enc(`<|im_start|>system\\n${system}<|im_end|>\\n<|im_start|>user\\n${p.question}<|im_end|>\\n<|im_start|>assistant\\n`);
  const answer = enc(`${p.answer}<|im_end|>`);
  console.log(JSON.stringify({ input_ids: [...prompt, ...answer], labels: [...prompt.map(() => -100), ...answer] }));
}
"""


def support_set(path: str, n: int = 60) -> str:
    res = subprocess.run(["node", "--input-type=module", "-e", TOKENIZE_JS, SMOL, FAQ, SYSTEM, str(n)], capture_output=True, text=True, cwd=REPO, check=True)
    with open(path, "w") as f:
        f.write(res.stdout)
    return path


CORES = 2  # the configurations below use 2 threads (OpenMP or OpenBLAS)


def cpu_seconds() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# ---------------------------------------------------------------- child: one configuration
def child(spec: dict) -> dict:
    import resource

    import torch

    sys.path.insert(0, REPO)
    from trainer.config import ModelConfig
    from trainer.data import Batches, load_examples
    from trainer.lora import apply_lora, freeze_to
    from trainer.model import LlamaForCausalLM
    from trainer.train import RunConfig, batch_loss, make_optimizer

    precision, method = spec["precision"], spec["method"]
    cpu = torch.device("cpu")
    out = {**spec, "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}}

    # Matmul peak in this process's thread setting: the ceiling the training FLOP/s is compared to.
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    peak = peak_cpu = 0.0
    for m_, k_, n_ in ((1024, 576, 1536), (2048, 2048, 2048)):
        a, b = torch.randn(m_, k_, dtype=dtype), torch.randn(k_, n_, dtype=dtype)
        a @ b
        t0, c0, reps = time.perf_counter(), cpu_seconds(), 0
        while time.perf_counter() - t0 < 1.5:
            a @ b
            reps += 1
        flops = 2 * m_ * k_ * n_ * reps
        peak = max(peak, flops / (time.perf_counter() - t0))
        peak_cpu = max(peak_cpu, flops / ((cpu_seconds() - c0) / CORES))
    out["matmul_peak_gflops"] = peak / 1e9
    out["matmul_peak_gflops_cpu_time"] = peak_cpu / 1e9

    with open(os.path.join(SMOL, "config.json")) as f:
        cfg = ModelConfig.from_hf(json.load(f))
    torch.manual_seed(0)
    model = LlamaForCausalLM(cfg).init_weights(0)
    if method == "lora":
        apply_lora(model, 8, 16, 0.0, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        if precision == "bf16":
            freeze_to(model, torch.bfloat16)  # as train.py does
    model.train()
    opt = make_optimizer(model, RunConfig(train_file="-", output_dir="-", learning_rate=1e-4, weight_decay=0.1), cpu)
    params = [p for p in model.parameters() if p.requires_grad]

    if spec["data"] == "random":
        g = torch.Generator().manual_seed(0)
        rows = [{"input_ids": torch.randint(0, cfg.vocab_size, (SEQ,), generator=g).tolist()} for _ in range(4 * (spec["steps"] + 1))]
        path = spec["tmp"] + f"/rand-{os.getpid()}.jsonl"
        with open(path, "w") as f:
            f.writelines(json.dumps({**r, "labels": r["input_ids"]}) + "\n" for r in rows)
        ds = load_examples(path, SEQ, cfg.vocab_size)
        batches = Batches(ds, SEQ, False, 4, None, 0)
        order = list(range(len(batches)))[: spec["steps"] + 1]
    else:
        ds = load_examples(spec["data"], SEQ, cfg.vocab_size)
        mode = spec["mode"]
        n_useful = ds.n_tokens
        if mode == "padded":  # every example padded to the full 256
            for e in ds.examples:
                e.ids, e.targets = e.ids + [0] * (SEQ - len(e.ids)), e.targets + [-100] * (SEQ - len(e.targets))
        batches = Batches(ds, SEQ, mode == "packed", 4, None, 0)
        order = [0] + list(range(len(batches)))  # one warm-up step, then one epoch

    def step(mb):
        n_tgt = max(mb["n_targets"], 1)
        loss = batch_loss(model, mb, cpu, precision)
        (loss / n_tgt).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    step(batches.get(order[0]))  # warm-up: allocations, oneDNN kernel selection
    real = slots = 0
    t0, c0 = time.perf_counter(), cpu_seconds()
    for i in order[1:]:
        mb = batches.get(i)
        step(mb)
        real += mb["n_real"]
        slots += mb["n_slots"]
    dt, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    if spec["data"] != "random":
        real = n_useful  # one epoch; padding written into the examples must not count as useful
    n_linear = sum(p.numel() for n, p in model.named_parameters() if p.dim() == 2 and "embed" not in n and "lora_" not in n) + cfg.vocab_size * cfg.hidden_size
    attn = 4 * cfg.num_hidden_layers * SEQ * cfg.num_attention_heads * cfg.head_dim  # QK^T + AV per token, full TxT
    fwd = 2 * n_linear + attn
    flops_per_token = fwd * (3 if method == "full" else 2)  # LoRA skips the frozen weights' gradients
    out.update(
        seconds=dt, cpu_seconds=cpu, steps=len(order) - 1, tokens_per_s=real / dt,
        # What the 2 cores would give if this process had them to itself (other work shares them here).
        tokens_per_s_cpu_time=real / (cpu / CORES), slot_tokens_per_s=slots / dt, tokens=real, slots=slots,
        achieved_gflops=flops_per_token * slots / dt / 1e9, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        n_params=sum(p.numel() for p in model.parameters()), n_trainable=sum(p.numel() for p in params),
    )
    out["mfu_vs_matmul_peak"] = out["achieved_gflops"] / out["matmul_peak_gflops"]
    return out


def run_child(spec: dict) -> dict:
    env = {**os.environ, **THREADS[spec["precision"]], "OMP_WAIT_POLICY": "PASSIVE", "PYTHONPATH": REPO}
    res = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", json.dumps(spec)], capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise SystemExit(f"benchmark child failed: {spec}\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--steps", type=int, default=3, help="timed steps of 4 x 256 tokens per configuration")
    ap.add_argument("--quick", action="store_true", help="only the bf16 configurations")
    ap.add_argument("--configs", default="full-fp32,full-bf16,lora-fp32,lora-bf16", help="which throughput configurations")
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "trainer-results.json"))
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    if not (os.path.isdir(SMOL) and os.path.isfile(FAQ)):
        print(f"../shared not found next to the repo ({SHARED}): nothing to benchmark")
        return
    import tempfile

    tmp = tempfile.mkdtemp(prefix="trainer-bench-")
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[:3]
    results = {"machine": {"cpus": os.cpu_count(), "loadavg_before": load_before}, "throughput": [], "support_set": {}}
    precisions = ["bf16"] if args.quick else ["fp32", "bf16"]
    for method in ("full", "lora"):
        for precision in precisions:
            if f"{method}-{precision}" not in args.configs.split(","):
                continue
            r = run_child({"method": method, "precision": precision, "data": "random", "steps": args.steps, "tmp": tmp})
            results["throughput"].append(r)
            print(f"{method:4s} {precision}: {r['tokens_per_s']:7.1f} tok/s (CPU-time based {r['tokens_per_s_cpu_time']:6.1f})  peak RSS {r['peak_rss_mb']:6.0f} MB  "
                  f"{r['achieved_gflops']:6.1f} GFLOP/s = {100 * r['mfu_vs_matmul_peak']:4.1f}% of matmul peak {r['matmul_peak_gflops']:.0f} GFLOP/s", flush=True)

    data = support_set(os.path.join(tmp, "support60.jsonl"))
    n_tokens = sum(len(json.loads(x)["input_ids"]) for x in open(data))
    for mode in ("padded", "bucketed", "packed"):
        r = run_child({"method": "lora", "precision": "bf16", "data": data, "mode": mode, "steps": 0, "tmp": tmp})
        results["support_set"][mode] = r
        print(f"support set (60 pairs, {n_tokens} tokens), LoRA bf16, {mode:8s}: {r['slots']:6d} tokens processed "
              f"({r['steps']} steps) in {r['seconds']:6.1f} s = {r['tokens_per_s']:6.1f} useful tok/s (CPU-time based {r['tokens_per_s_cpu_time']:6.1f})", flush=True)
    s = results["support_set"]
    results["support_set"]["padded_over_packed_tokens"] = s["padded"]["slots"] / s["packed"]["slots"]
    results["support_set"]["packed_speedup_per_epoch"] = s["padded"]["seconds"] / s["packed"]["seconds"]
    print(f"padded-to-256 / packed tokens: {results['support_set']['padded_over_packed_tokens']:.2f}x; epoch time {results['support_set']['packed_speedup_per_epoch']:.2f}x faster packed")
    with open("/proc/loadavg") as f:
        results["machine"]["loadavg_after"] = f.read().split()[:3]
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()

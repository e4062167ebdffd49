"""Bundle export: HF files, ONNX decoder with KV cache (DESIGN.md contract), optional int8, self-check."""

import inspect
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import numpy as np
import torch
import torch.nn as nn

from . import CONTRACT_VERSION, __version__
from .errors import TrainerError
from .model import LlamaForCausalLM
from .modelio import copy_tokenizer_files, read_json, save_pretrained, special_token_ids, write_json
from .progress import log

OPSET = 17
PARITY_TOL = 1e-4
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class OnnxDecoder(nn.Module):
    """Flat positional signature for the exporter: (ids, mask, pos, k0, v0, k1, v1, ...)."""

    def __init__(self, model: LlamaForCausalLM):
        super().__init__()
        self.m = model

    def forward(self, input_ids, attention_mask, position_ids, *past):
        pkv = [(past[2 * i], past[2 * i + 1]) for i in range(len(past) // 2)]
        logits, presents = self.m(input_ids, position_ids=position_ids, attention_mask=attention_mask, past_key_values=pkv, use_cache=True)
        return (logits, *[t for kv in presents for t in kv])


def io_names(n_layers: int):
    past = [f"past_key_values.{i}.{k}" for i in range(n_layers) for k in ("key", "value")]
    present = [f"present.{i}.{k}" for i in range(n_layers) for k in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", *past], ["logits", *present]


def export_onnx(model: LlamaForCausalLM, path: str) -> None:
    cfg = model.config
    model = model.float().eval()
    inputs, outputs = io_names(cfg.num_hidden_layers)
    # Trace with non-trivial sizes (batch 2, past 2, seq 3) so no dimension gets baked in as 1 or 0.
    B, P, T = 2, 2, 3
    args = [
        torch.randint(0, cfg.vocab_size, (B, T)),
        torch.ones(B, P + T, dtype=torch.long),
        torch.arange(P, P + T)[None].expand(B, T).contiguous(),
    ]
    args += [torch.zeros(B, cfg.num_key_value_heads, P, cfg.head_dim) for _ in range(2 * cfg.num_hidden_layers)]
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"}, "position_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}}
    for n in inputs[3:]:
        dyn[n] = {0: "batch", 2: "past"}
    for n in outputs[1:]:
        dyn[n] = {0: "batch", 2: "total"}
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # torch 2.x: the contract is built on the TorchScript exporter
    with torch.no_grad():
        torch.onnx.export(
            OnnxDecoder(model), tuple(args), path, input_names=inputs, output_names=outputs, dynamic_axes=dyn,
            opset_version=OPSET, do_constant_folding=True, **kwargs,
        )
    if cfg.tie_word_embeddings:
        dedupe_tied_embedding(path, model.model.embed_tokens.weight.detach().numpy())


def dedupe_tied_embedding(path: str, embed: np.ndarray) -> None:
    """Constant folding stores the head as a transposed copy of the embedding; put back a Transpose node."""
    import onnx
    from onnx import helper, numpy_helper

    m = onnx.load(path)
    g = m.graph
    src = next((i.name for i in g.initializer if list(i.dims) == list(embed.shape) and np.array_equal(numpy_helper.to_array(i), embed)), None)
    dup = next((i for i in g.initializer if list(i.dims) == list(embed.shape[::-1]) and np.array_equal(numpy_helper.to_array(i), embed.T)), None)
    if src is None or dup is None:
        return
    g.initializer.remove(dup)
    g.node.insert(0, helper.make_node("Transpose", [src], [dup.name], perm=[1, 0], name="tied_lm_head_transpose"))
    onnx.save(m, path)


def node_binary() -> str:
    return os.environ.get("TUNEDESK_NODE") or shutil.which("node") or "node"


def run_onnx(model_path: str, cfg, steps: list) -> list:
    """Runs steps (prefill + cached) through onnxruntime-node; returns logits arrays."""
    with tempfile.TemporaryDirectory(prefix="onnx-check-") as tmp:
        spec = {"model": os.path.abspath(model_path), "num_layers": cfg.num_hidden_layers, "kv_heads": cfg.num_key_value_heads, "head_dim": cfg.head_dim, "out_dir": tmp, "steps": steps}
        spec_path = os.path.join(tmp, "spec.json")
        with open(spec_path, "w") as f:
            json.dump(spec, f)
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx_check.mjs")
        try:
            res = subprocess.run([node_binary(), script, spec_path], capture_output=True, text=True, timeout=600, cwd=REPO_ROOT)
        except FileNotFoundError:
            raise TrainerError("export_check_failed", f"node not found ({node_binary()}); set TUNEDESK_NODE") from None
        if res.returncode != 0:
            raise TrainerError("export_check_failed", f"onnxruntime-node failed: {res.stderr.strip()[-800:]}")
        shapes = json.loads(res.stdout.strip().splitlines()[-1])["shapes"]
        return [np.fromfile(os.path.join(tmp, f"logits_{k}.bin"), dtype=np.float32).reshape(s) for k, s in enumerate(shapes)]


def parity_inputs(cfg, seed: int = 0, n_decode: int = 2):
    """Batch 2 with left padding (lengths 6 and 3), then cached single-token steps."""
    g = torch.Generator().manual_seed(seed)
    lens, T = [6, 3], 6
    ids = torch.randint(0, cfg.vocab_size, (2, T), generator=g)
    mask = torch.zeros(2, T, dtype=torch.long)
    for b, n in enumerate(lens):
        mask[b, T - n :] = 1
    steps = []
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    steps.append({"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "position_ids": pos.tolist()})
    for _ in range(n_decode):
        nxt = torch.randint(0, cfg.vocab_size, (2, 1), generator=g)
        mask = torch.cat([mask, torch.ones(2, 1, dtype=torch.long)], dim=1)
        pos = mask.sum(-1, keepdim=True) - 1
        steps.append({"input_ids": nxt.tolist(), "attention_mask": mask.tolist(), "position_ids": pos.tolist()})
    return steps


@torch.no_grad()
def torch_steps(model: LlamaForCausalLM, steps: list) -> list:
    model = model.float().eval()
    past, outs = None, []
    for s in steps:
        logits, past = model(torch.tensor(s["input_ids"]), position_ids=torch.tensor(s["position_ids"]), attention_mask=torch.tensor(s["attention_mask"]), past_key_values=past, use_cache=True)
        outs.append(logits.numpy())
    return outs


def compare(ref: list, got: list, steps: list) -> tuple:
    """Max |diff| over real (unpadded) positions, and top-1 agreement there."""
    worst, agree, total = 0.0, 0, 0
    for r, g, s in zip(ref, got, steps):
        T = r.shape[1]
        valid = np.array(s["attention_mask"])[:, -T:].astype(bool)
        worst = max(worst, float(np.abs(r[valid] - g[valid]).max()))
        agree += int((r[valid].argmax(-1) == g[valid].argmax(-1)).sum())
        total += int(valid.sum())
    return worst, agree / max(total, 1)


def check_parity(model: LlamaForCausalLM, onnx_path: str, tol: float | None = PARITY_TOL) -> dict:
    steps = parity_inputs(model.config)
    worst, agree = compare(torch_steps(model, steps), run_onnx(onnx_path, model.config, steps), steps)
    if tol is not None and not worst <= tol:
        raise TrainerError("export_check_failed", f"ONNX logits differ from PyTorch by {worst:.3g} (> {tol}) on prefill + cached steps")
    return {"max_abs_diff": worst, "top1_agreement": agree}


def fused_parity_inputs(cfg, seed: int = 0, n_decode: int = 3) -> dict:
    """Two prompts (7 tokens, read in chunks of 4, and 3), then batched single-token steps."""
    rng = np.random.default_rng(seed)
    prompts = [rng.integers(0, cfg.vocab_size, n).tolist() for n in (7, 3)]
    decode = [rng.integers(0, cfg.vocab_size, len(prompts)).tolist() for _ in range(n_decode)]
    return {"prompts": prompts, "chunk": 4, "decode": decode}


@torch.no_grad()
def torch_fused_reference(model: LlamaForCausalLM, spec: dict) -> list:
    """What the fused graph must give: each prompt's last logits, then each decode step's, per row."""
    model = model.float().eval()
    per_row = []
    for r, prompt in enumerate(spec["prompts"]):
        logits, past = model(torch.tensor([prompt]), use_cache=True)
        row = [logits[0, -1].numpy()]
        for ids in spec["decode"]:
            logits, past = model(torch.tensor([[ids[r]]]), position_ids=torch.tensor([[past[0][0].shape[2]]]), past_key_values=past, use_cache=True)
            row.append(logits[0, -1].numpy())
        per_row.append(row)
    return [np.stack([row[k] for row in per_row]) for k in range(len(spec["decode"]) + 1)]


def run_fused(model_path: str, cfg, spec: dict) -> list:
    with tempfile.TemporaryDirectory(prefix="fused-check-") as tmp:
        full = {**spec, "model": os.path.abspath(model_path), "num_layers": cfg.num_hidden_layers, "heads": cfg.num_attention_heads, "kv_heads": cfg.num_key_value_heads, "head_dim": cfg.head_dim, "rope_theta": cfg.rope_theta, "out_dir": tmp}
        spec_path = os.path.join(tmp, "spec.json")
        with open(spec_path, "w") as f:
            json.dump(full, f)
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fused_check.mjs")
        res = subprocess.run([node_binary(), script, spec_path], capture_output=True, text=True, timeout=600, cwd=REPO_ROOT)
        if res.returncode != 0:
            raise TrainerError("export_check_failed", f"onnxruntime-node failed on the fused decoder: {res.stderr.strip()[-800:]}")
        rows = len(spec["prompts"])
        return [np.fromfile(os.path.join(tmp, f"logits_{k}.bin"), dtype=np.float32).reshape(rows, -1) for k in range(len(spec["decode"]) + 1)]


def check_fused_parity(model: LlamaForCausalLM, path: str, tol: float | None = PARITY_TOL) -> dict:
    """Chunked prefill, merged batch and cached steps of the fused graph against PyTorch."""
    spec = fused_parity_inputs(model.config)
    ref, got = torch_fused_reference(model, spec), run_fused(path, model.config, spec)
    worst = max(float(np.abs(r - g).max()) for r, g in zip(ref, got))
    agree = float(np.mean([(r.argmax(-1) == g.argmax(-1)).mean() for r, g in zip(ref, got)]))
    if tol is not None and not worst <= tol:
        raise TrainerError("export_check_failed", f"fused decoder logits differ from PyTorch by {worst:.3g} (> {tol})")
    return {"max_abs_diff": worst, "top1_agreement": agree}


def generation_config(src_dir: str, model_cfg) -> dict:
    gen = read_json(os.path.join(src_dir, "generation_config.json"))
    if gen:
        return gen
    ids = special_token_ids(src_dir, model_cfg)
    return {"bos_token_id": ids["bos"], "eos_token_id": ids["eos"], "pad_token_id": ids["pad"], "do_sample": False, "max_new_tokens": 256}


def probe_prompts(train_file: str | None, n: int = 16, max_len: int = 96) -> list:
    """Prompts of the first training examples (what precedes their first learned token)."""
    out = []
    if not train_file or not os.path.exists(train_file):
        return out
    with open(train_file) as f:
        for line in f:
            ex = json.loads(line)
            first = next((i for i, t in enumerate(ex.get("labels", [])) if t != -100), None)
            if first and first <= max_len:
                out.append(ex["input_ids"][:first])
            if len(out) >= n:
                break
    return out


@torch.no_grad()
def greedy_tokens(model: LlamaForCausalLM, prompt: list, n_new: int) -> list:
    logits, past = model(torch.tensor([prompt]), use_cache=True)
    out = []
    for _ in range(n_new):
        out.append(int(logits[0, -1].argmax()))
        logits, past = model(torch.tensor([[out[-1]]]), position_ids=torch.tensor([[len(prompt) + len(out) - 1]]), past_key_values=past, use_cache=True)
    return out


def greedy_agreement(model: LlamaForCausalLM, path: str, prompts: list, n_new: int = 16) -> float:
    """Share of prompts whose greedy continuation through the ONNX graph is PyTorch's, token for token.

    The graph reads PyTorch's own continuation (teacher forcing): its answer is identical exactly when
    its argmax equals PyTorch's next token at every step.
    """
    model = model.float().eval()
    answers = [greedy_tokens(model, p, n_new) for p in prompts]
    spec = {"prompts": prompts, "chunk": 64, "decode": [[a[k] for a in answers] for k in range(n_new - 1)]}
    got = run_fused(path, model.config, spec)  # step k: logits for token k of every answer
    same = [all(int(got[k][r].argmax()) == answers[r][k] for k in range(n_new)) for r in range(len(prompts))]
    return sum(same) / max(len(same), 1)


def export_fused_variants(model: LlamaForCausalLM, out_dir: str, prompts: list, check: bool) -> dict:
    """model.fused{,.int8,.int4}.onnx with their parity against PyTorch (fp32 strict, quantized recorded)."""
    from .fused_export import BLOCK_SIZE, FUSED_CONTRACT, export_fused, fused_file_name

    info = {"contract": FUSED_CONTRACT, "files": {}}
    rng = np.random.default_rng(1)
    prompts = prompts or [rng.integers(0, model.config.vocab_size, 12).tolist() for _ in range(8)]
    for precision, bits in (("fp32", None), ("int8", 8), ("int4", 4)):
        name = fused_file_name(bits)
        export_fused(model, os.path.join(out_dir, name), bits)
        entry = {"file": name, **({"bits": bits, "block_size": BLOCK_SIZE[bits]} if bits else {})}
        if check:
            entry["parity"] = check_fused_parity(model, os.path.join(out_dir, name), tol=PARITY_TOL if bits is None else None)
            entry["greedy_identical"] = greedy_agreement(model, os.path.join(out_dir, name), prompts)
            log(f"fused {precision}: max |diff| {entry['parity']['max_abs_diff']:.3g}, greedy answers identical {entry['greedy_identical']:.0%}")
        info["files"][precision] = entry
    return info


def write_bundle(model: LlamaForCausalLM, tokenizer_dir: str, out_dir: str, meta: dict, int8: bool = False, onnx: bool = True, save_dtype: str = "float32", cancelled=lambda: False, fused: bool = True, probe_prompts: list | None = None) -> dict:
    """Writes every bundle file into out_dir (the caller renames it into place); returns bundle.json."""
    model = model.float().eval()
    if save_dtype != "float32":
        # Round once, so the safetensors, the ONNX and every parity check see the very same weights.
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.to(getattr(torch, save_dtype)).float())
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.time()
    save_pretrained(model, out_dir, save_dtype)
    copy_tokenizer_files(tokenizer_dir, out_dir)
    write_json(os.path.join(out_dir, "generation_config.json"), generation_config(tokenizer_dir, model.config))
    files = ["config.json", "model.safetensors", "generation_config.json"] + sorted(f for f in os.listdir(out_dir) if f.startswith(("tokenizer", "special_tokens", "vocab", "merges", "chat_template")))
    onnx_info = None
    if onnx:
        if cancelled():
            from .errors import Cancelled
            raise Cancelled()
        path = os.path.join(out_dir, "model.onnx")
        export_onnx(model, path)
        files.append("model.onnx")
        if os.environ.get("TUNEDESK_ONNX_CHECK", "1") == "0":
            log("WARNING: ONNX parity check skipped (TUNEDESK_ONNX_CHECK=0)")
            onnx_info = {"opset": OPSET, "parity": "skipped"}
        else:
            onnx_info = {"opset": OPSET, "parity": check_parity(model, path), "parity_tolerance": PARITY_TOL}
            log(f"ONNX parity ok: max |diff| {onnx_info['parity']['max_abs_diff']:.2e}")
        if int8:
            from .quantize import quantize_int8

            qpath = os.path.join(out_dir, "model.int8.onnx")
            quantize_int8(path, qpath)
            files.append("model.int8.onnx")
            if onnx_info.get("parity") != "skipped":
                onnx_info["int8"] = check_parity(model, qpath, tol=None)
                log(f"int8 model: max |diff| {onnx_info['int8']['max_abs_diff']:.3g}, top-1 agreement {onnx_info['int8']['top1_agreement']:.3f}")
        if fused:
            onnx_info["fused"] = export_fused_variants(model, out_dir, probe_prompts or [], check=onnx_info.get("parity") != "skipped")
            files.extend(v["file"] for v in onnx_info["fused"]["files"].values())
    bundle = {
        "contract_version": CONTRACT_VERSION,
        "id": meta.get("id") or uuid.uuid4().hex,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "trainer_version": __version__,
        **{k: v for k, v in meta.items() if k not in ("id",)},
        "model": {
            "model_type": model.config.model_type,
            "n_params": model.num_params(),
            "num_hidden_layers": model.config.num_hidden_layers,
            "hidden_size": model.config.hidden_size,
            "vocab_size": model.config.vocab_size,
            "weights_dtype": save_dtype,
        },
        "onnx": onnx_info,
        "files": files + ["bundle.json"],
    }
    write_json(os.path.join(out_dir, "bundle.json"), bundle)
    log(f"bundle written in {time.time() - t0:.1f}s")
    return bundle

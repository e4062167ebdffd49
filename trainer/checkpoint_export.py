"""`export`: a base directory or a training checkpoint -> a complete bundle (atomically)."""

import os
import signal

from . import safetensors_io
from .config import ModelConfig
from .errors import TrainerError
from .export import write_bundle
from .lora import apply_lora, merge_lora
from .model import LlamaForCausalLM
from .modelio import load_pretrained, load_state_into, read_json
from .progress import log
from .train import _raise_cancel, atomic_bundle


def load_for_export(src: str):
    """Returns (merged fp32 model, tokenizer dir, checkpoint meta or None)."""
    if not os.path.isdir(src):
        raise TrainerError("missing_file", f"checkpoint directory not found: {src}")
    meta = read_json(os.path.join(src, "checkpoint.json"))
    if meta is None:
        return load_pretrained(src), src, None
    best = os.path.join(src, "best.safetensors")
    if meta["method"] == "lora":
        model = load_pretrained(meta["base_dir"])
        lc = meta["lora"]
        apply_lora(model, lc["rank"], lc["alpha"], 0.0, lc["target_modules"])
        adapters = safetensors_io.load_file(best if os.path.isfile(best) else os.path.join(src, "adapter.safetensors"))
        params = dict(model.named_parameters())
        for k, v in adapters.items():
            if k not in params or params[k].shape != v.shape:
                raise TrainerError("shape_mismatch", f"adapter tensor {k} does not fit the base model")
            params[k].data.copy_(v)
        merge_lora(model)
    else:
        model = LlamaForCausalLM(ModelConfig.from_hf(read_json(os.path.join(src, "config.json"))))
        state = safetensors_io.load_file(os.path.join(src, "model.safetensors"))
        if os.path.isfile(best):
            state.update(safetensors_io.load_file(best))  # the best evaluation's weights win
        load_state_into(model, state, src)
    if os.path.isfile(best):
        log(f"exporting the best weights (step {meta.get('best_step')}) of {src}")
    return model, src, meta


def export_cli(src: str, out_dir: str, int8: bool, extra_meta: dict) -> dict:
    signal.signal(signal.SIGTERM, _raise_cancel)
    if os.path.exists(out_dir) and (not os.path.isdir(out_dir) or os.listdir(out_dir)):
        raise TrainerError("config", f"--out already exists and is not empty: {out_dir}")
    model, tok_dir, meta = load_for_export(src)
    info = {"base_model": os.path.basename(os.path.abspath(src)), **extra_meta}
    if meta:
        info["metrics"] = {"val_loss": meta.get("best_val"), "steps": meta.get("step"), "best_step": meta.get("best_step")}
    result = {}
    atomic_bundle(out_dir, lambda tmp: result.update(write_bundle(model, tok_dir, tmp, info, int8=int8)))
    return {"output_dir": os.path.abspath(out_dir), "bundle_id": result["id"], "onnx": result["onnx"]}

"""Training checkpoints: self-describing directories, written atomically, for resume and export."""

import inspect
import os
import random
import shutil

import torch

from . import safetensors_io
from .config import RunConfig
from .errors import TrainerError
from .lora import lora_state_dict
from .modelio import copy_tokenizer_files, read_json, save_pretrained, write_json


def trainable_state(model) -> dict:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.named_parameters() if v.requires_grad}


def load_trainable(model, state: dict) -> None:
    params = dict(model.named_parameters())
    with torch.no_grad():
        for k, v in state.items():
            if k not in params or params[k].shape != v.shape:
                raise TrainerError("shape_mismatch", f"checkpoint tensor {k} does not fit the model")
            params[k].copy_(v)


def save_checkpoint(path: str, model, optimizer, cfg: RunConfig, tok_dir: str, state: dict, best: dict | None) -> None:
    """Self-describing and atomic: written beside `path`, then renamed over it."""
    tmp = path + f".tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    if cfg.method == "lora":
        safetensors_io.save_file(lora_state_dict(model), os.path.join(tmp, "adapter.safetensors"))
        write_json(os.path.join(tmp, "config.json"), model.config.to_hf())
    else:
        save_pretrained(model, tmp)
    copy_tokenizer_files(tok_dir, tmp)
    gen = read_json(os.path.join(tok_dir, "generation_config.json"))
    if gen:
        write_json(os.path.join(tmp, "generation_config.json"), gen)
    if best:
        safetensors_io.save_file(best, os.path.join(tmp, "best.safetensors"))
    torch.save({"optimizer": optimizer.state_dict(), "torch_rng": torch.get_rng_state(), "python_rng": random.getstate()}, os.path.join(tmp, "optimizer.pt"))
    write_json(os.path.join(tmp, "checkpoint.json"), {
        "kind": "tunedesk-checkpoint", "method": cfg.method, "base_dir": cfg.base_dir and os.path.abspath(cfg.base_dir),
        "lora": cfg.to_dict()["lora"] if cfg.method == "lora" else None, "tokenizer_dir": os.path.abspath(tok_dir), **state,
    })
    old = path + f".old-{os.getpid()}"
    if os.path.exists(path):
        os.rename(path, old)
    os.rename(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


def load_checkpoint(path: str, model, optimizer, cfg: RunConfig):
    """Restores weights, optimizer and RNG state in place; returns (best weights or None, checkpoint.json)."""
    meta = read_json(os.path.join(path, "checkpoint.json"))
    if meta.get("method") != cfg.method:
        raise TrainerError("config", f"checkpoint was trained with method {meta.get('method')!r}, run asks for {cfg.method!r}")
    weights = safetensors_io.load_file(os.path.join(path, "adapter.safetensors" if cfg.method == "lora" else "model.safetensors"))
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    load_trainable(model, {k: v for k, v in weights.items() if k in trainable})
    # Our own file; torch >= 2.6 would otherwise refuse the RNG state tuples (weights_only).
    kw = {"weights_only": False} if "weights_only" in inspect.signature(torch.load).parameters else {}
    state = torch.load(os.path.join(path, "optimizer.pt"), **kw)
    optimizer.load_state_dict(state["optimizer"])
    torch.set_rng_state(state["torch_rng"])
    random.setstate(state["python_rng"])
    best_path = os.path.join(path, "best.safetensors")
    best = safetensors_io.load_file(best_path) if os.path.isfile(best_path) else None
    return best, meta

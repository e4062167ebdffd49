"""Loading and saving HF-layout model directories (config.json + safetensors + tokenizer files)."""

import json
import os
import shutil

import torch

from . import safetensors_io
from .config import ModelConfig, load_model_config
from .errors import TrainerError
from .model import LlamaForCausalLM

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt", "chat_template.jinja")
_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def load_state_into(model: LlamaForCausalLM, state: dict, source: str) -> None:
    expected = model.state_dict()
    state = {k: v for k, v in state.items() if not k.endswith("rotary_emb.inv_freq")}
    if model.lm_head is None:
        state.pop("lm_head.weight", None)  # some tied checkpoints store the head anyway
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise TrainerError(
            "shape_mismatch",
            f"{source}: weights do not match the config (missing {missing[:4]}{'...' if len(missing) > 4 else ''}, "
            f"unexpected {unexpected[:4]}{'...' if len(unexpected) > 4 else ''})",
        )
    for name, t in expected.items():
        if tuple(state[name].shape) != tuple(t.shape):
            raise TrainerError("shape_mismatch", f"{source}: {name} has shape {tuple(state[name].shape)}, config implies {tuple(t.shape)}")
    with torch.no_grad():
        for name, t in expected.items():
            t.copy_(state[name].to(t.dtype))


def load_pretrained(model_dir: str) -> LlamaForCausalLM:
    if not os.path.isdir(model_dir):
        raise TrainerError("missing_file", f"model directory not found: {model_dir}")
    cfg = load_model_config(model_dir)
    model = LlamaForCausalLM(cfg)
    load_state_into(model, safetensors_io.load_checkpoint_dir(model_dir), model_dir)
    return model


def hf_state_dict(model: LlamaForCausalLM, dtype: str = "float32") -> dict:
    return {k: v.detach().to(_DTYPES[dtype]) for k, v in model.state_dict().items()}


def save_pretrained(model: LlamaForCausalLM, out_dir: str, dtype: str = "float32") -> None:
    os.makedirs(out_dir, exist_ok=True)
    cfg = model.config.to_hf()
    cfg["torch_dtype"] = dtype
    write_json(os.path.join(out_dir, "config.json"), cfg)
    safetensors_io.save_file(hf_state_dict(model, dtype), os.path.join(out_dir, "model.safetensors"), {"format": "pt"})


def copy_tokenizer_files(src_dir: str, out_dir: str) -> None:
    if not os.path.isfile(os.path.join(src_dir, "tokenizer.json")):
        raise TrainerError("missing_file", f"tokenizer.json not found in {src_dir}")
    for name in TOKENIZER_FILES:
        p = os.path.join(src_dir, name)
        if os.path.isfile(p):
            shutil.copyfile(p, os.path.join(out_dir, name))


def write_json(path: str, obj) -> None:
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def read_json(path: str, default=None):
    if not os.path.isfile(path):
        return default
    with open(path) as f:
        return json.load(f)


def special_token_ids(tok_dir: str, model_cfg: ModelConfig | None = None) -> dict:
    """eos (list), pad and bos ids, resolved from the tokenizer files; never hard-coded."""
    tok = read_json(os.path.join(tok_dir, "tokenizer.json"), {}) or {}
    tcfg = read_json(os.path.join(tok_dir, "tokenizer_config.json"), {}) or {}
    gen = read_json(os.path.join(tok_dir, "generation_config.json"), {}) or {}
    vocab = dict((tok.get("model") or {}).get("vocab") or {})
    for added in tok.get("added_tokens", []):
        vocab[added["content"]] = added["id"]

    def tok_id(key):
        v = tcfg.get(key)
        if isinstance(v, dict):
            v = v.get("content")
        return vocab.get(v) if isinstance(v, str) else None

    hf = model_cfg.hf if model_cfg else {}
    eos = gen.get("eos_token_id", tok_id("eos_token") if tok_id("eos_token") is not None else hf.get("eos_token_id"))
    eos = [eos] if isinstance(eos, int) else list(eos or [])
    pad = gen.get("pad_token_id", tok_id("pad_token"))
    if pad is None:
        pad = hf.get("pad_token_id", eos[0] if eos else 0)
    bos = gen.get("bos_token_id", tok_id("bos_token"))
    return {"eos": eos, "pad": pad, "bos": bos}

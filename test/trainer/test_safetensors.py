import json
import struct

import pytest
import torch

from trainer import safetensors_io
from trainer.errors import TrainerError
from trainer.modelio import load_pretrained


def test_round_trip_all_dtypes(tmp_path):
    tensors = {
        "a": torch.randn(3, 5),
        "b": torch.randn(4).to(torch.bfloat16),
        "c": torch.randn(2, 2).half(),
        "d": torch.arange(6, dtype=torch.int64).reshape(2, 3),
        "e": torch.zeros(0, 4),
    }
    p = tmp_path / "x.safetensors"
    safetensors_io.save_file(tensors, str(p), {"format": "pt"})
    back = safetensors_io.load_file(str(p))
    assert set(back) == set(tensors)
    for k, v in tensors.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape and torch.equal(back[k], v)
    raw = p.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    assert n % 8 == 0 and header["__metadata__"] == {"format": "pt"} and header["b"]["dtype"] == "BF16"


def test_corrupt_and_missing_files(tmp_path):
    with pytest.raises(TrainerError) as e:
        safetensors_io.load_file(str(tmp_path / "nope.safetensors"))
    assert e.value.code == "missing_file"
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x01\x02")
    with pytest.raises(TrainerError) as e:
        safetensors_io.load_file(str(bad))
    assert e.value.code == "shape_mismatch"


def hf_names(n_layers, untied):
    """Parameter names as transformers' LlamaForCausalLM writes them (written out independently here)."""
    names = ["model.embed_tokens.weight", "model.norm.weight"] + (["lm_head.weight"] if untied else [])
    for i in range(n_layers):
        p = f"model.layers.{i}."
        names += [p + f"self_attn.{x}_proj.weight" for x in "qkvo"] + [p + f"mlp.{x}_proj.weight" for x in ("gate", "up", "down")]
        names += [p + "input_layernorm.weight", p + "post_attention_layernorm.weight"]
    return names


def test_hf_named_sharded_bf16_checkpoint_loads(tmp_path):
    V, C, H, L, nh, nkv = 50, 32, 64, 2, 4, 2
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": V, "hidden_size": C, "intermediate_size": H,
           "num_hidden_layers": L, "num_attention_heads": nh, "num_key_value_heads": nkv, "rope_theta": 10000.0,
           "rms_norm_eps": 1e-5, "tie_word_embeddings": False, "torch_dtype": "bfloat16"}
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    hd = C // nh
    shapes = {"embed_tokens": (V, C), "lm_head": (V, C), "norm": (C,), "q_proj": (nh * hd, C), "k_proj": (nkv * hd, C),
              "v_proj": (nkv * hd, C), "o_proj": (C, nh * hd), "gate_proj": (H, C), "up_proj": (H, C), "down_proj": (C, H)}
    torch.manual_seed(0)
    state = {}
    for n in hf_names(L, untied=True):
        key = next(k for k in shapes if f"{k}.weight" in n or n.endswith(f"{k}.weight")) if "layernorm" not in n else None
        shape = shapes[key] if key else (C,)
        state[n] = torch.randn(shape).to(torch.bfloat16)
    state["model.layers.0.self_attn.rotary_emb.inv_freq"] = torch.ones(hd // 2)  # old transformers wrote this buffer
    names = sorted(state)
    shard1, shard2 = names[: len(names) // 2], names[len(names) // 2 :]
    safetensors_io.save_file({k: state[k] for k in shard1}, str(tmp_path / "model-00001-of-00002.safetensors"))
    safetensors_io.save_file({k: state[k] for k in shard2}, str(tmp_path / "model-00002-of-00002.safetensors"))
    weight_map = {k: "model-00001-of-00002.safetensors" for k in shard1} | {k: "model-00002-of-00002.safetensors" for k in shard2}
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))
    model = load_pretrained(str(tmp_path))
    loaded = model.state_dict()
    for n in hf_names(L, untied=True):
        assert torch.equal(loaded[n], state[n].float()), n
    with torch.no_grad():
        assert torch.isfinite(model(torch.tensor([[1, 2, 3]]))).all()


def test_shape_mismatch_is_reported(tmp_path, tiny_base):
    cfg = json.loads((tiny_base / "config.json").read_text())
    cfg["intermediate_size"] += 8
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    (tmp_path / "model.safetensors").write_bytes((tiny_base / "model.safetensors").read_bytes())
    with pytest.raises(TrainerError) as e:
        load_pretrained(str(tmp_path))
    assert e.value.code == "shape_mismatch" and "gate_proj" in e.value.message

"""`init-base`: a from-scratch base model directory (random weights + our byte-level BPE tokenizer)."""

import json
import os

from .config import ModelConfig
from .model import LlamaForCausalLM
from .modelio import save_pretrained, write_json
from .tokenizer import SPECIALS, build_tokenizer, tokenizer_config

# tiny: ~0.25M params, a whole train + export takes seconds (tests). starter: ~5M params, trains
# on a few hundred support pairs on 2 CPU cores in minutes.
PRESETS = {
    "tiny": dict(merges=250, hidden_size=64, intermediate_size=192, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512),
    "starter": dict(merges=2000, hidden_size=256, intermediate_size=768, num_hidden_layers=6, num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024),
}


def init_base(preset: str, out_dir: str, seed: int = 0) -> dict:
    p = dict(PRESETS[preset])
    tok = build_tokenizer(p.pop("merges"))
    vocab = tok["model"]["vocab"]
    ids = {t: vocab[t] for t in SPECIALS}
    n_tokens = len(vocab)
    hf = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "vocab_size": -(-n_tokens // 64) * 64,  # rounded up: matmul-friendly; the extra rows are never produced by the tokenizer
        "hidden_act": "silu",
        "rope_theta": 10000.0,
        "rms_norm_eps": 1e-5,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "initializer_range": 0.02,
        "bos_token_id": ids["<|im_start|>"],
        "eos_token_id": ids["<|im_end|>"],
        "pad_token_id": ids["<|endoftext|>"],
        "torch_dtype": "float32",
        **p,
    }
    model = LlamaForCausalLM(ModelConfig.from_hf(hf)).init_weights(seed)
    os.makedirs(out_dir, exist_ok=True)
    save_pretrained(model, out_dir)
    with open(os.path.join(out_dir, "tokenizer.json"), "w") as f:
        json.dump(tok, f, ensure_ascii=False)
    write_json(os.path.join(out_dir, "tokenizer_config.json"), tokenizer_config(p["max_position_embeddings"]))
    write_json(os.path.join(out_dir, "generation_config.json"), {
        "bos_token_id": ids["<|im_start|>"],
        "eos_token_id": [ids["<|im_end|>"], ids["<|endoftext|>"]],
        "pad_token_id": ids["<|endoftext|>"],
        "do_sample": False,
        "max_new_tokens": 256,
    })
    return {"preset": preset, "out": os.path.abspath(out_dir), "n_params": model.num_params(), "vocab_size": hf["vocab_size"], "n_tokens": n_tokens}

"""Greedy generation in PyTorch with the KV cache; the reference the serving engine is compared to."""

import torch

from .errors import TrainerError
from .modelio import load_pretrained, special_token_ids


@torch.no_grad()
def greedy(model, prompts: list, max_new_tokens: int, pad_id: int, eos: list | None = None) -> list:
    """prompts: lists of ids (any lengths, left-padded here as the ONNX contract does)."""
    model = model.float().eval()
    B, T = len(prompts), max(len(p) for p in prompts)
    ids = torch.full((B, T), pad_id, dtype=torch.long)
    mask = torch.zeros(B, T, dtype=torch.long)
    for b, p in enumerate(prompts):
        ids[b, T - len(p) :] = torch.tensor(p, dtype=torch.long)
        mask[b, T - len(p) :] = 1
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    out = [[] for _ in range(B)]
    done = [False] * B
    past = None
    for _ in range(max_new_tokens):
        logits, past = model(ids, position_ids=pos, attention_mask=mask, past_key_values=past, use_cache=True)
        nxt = logits[:, -1].argmax(-1)  # (B,)
        for b in range(B):
            if not done[b]:
                out[b].append(int(nxt[b]))
                done[b] = bool(eos) and int(nxt[b]) in eos
        if all(done):
            break
        ids = nxt[:, None]
        mask = torch.cat([mask, torch.ones(B, 1, dtype=torch.long)], dim=1)
        pos = mask.sum(-1, keepdim=True) - 1
    return out


def generate_cli(model_dir: str, input_ids: list, max_new_tokens: int, stop_at_eos: bool) -> list:
    if not isinstance(input_ids, list) or not input_ids or not all(isinstance(p, list) and p and all(isinstance(i, int) for i in p) for p in input_ids):
        raise TrainerError("config", "--input-ids-json must be a non-empty list of non-empty lists of token ids")
    model = load_pretrained(model_dir)
    if any(not 0 <= i < model.config.vocab_size for p in input_ids for i in p):
        raise TrainerError("shape_mismatch", f"token ids must be in [0, {model.config.vocab_size})")
    ids = special_token_ids(model_dir, model.config)
    return greedy(model, input_ids, max_new_tokens, ids["pad"], ids["eos"] if stop_at_eos else None)

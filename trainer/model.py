"""Llama-family decoder (Llama, SmolLM2, Qwen2-style q/k/v bias, Mistral without sliding window).

Parameter names match Hugging Face's LlamaForCausalLM, so state dicts load and save without
renaming. One code path serves training (packed segments), cached generation and ONNX export.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from .config import ModelConfig

_HAS_SDPA = hasattr(F, "scaled_dot_product_attention")
IGNORE_INDEX = -100


class RMSNorm(nn.Module):
    # Not torch.nn.RMSNorm: torch 1.13 lacks it, and its eps/dtype handling differs from HF's.
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        x = self.weight * x.to(dtype)
        # Under autocast, hand the next matmuls their input dtype once: otherwise q/k/v/gate/up
        # (and each LoRA branch) cast the same activation separately, and backward adds it all up.
        low = _autocast_dtype(x.device.type)
        return x.to(low) if low is not None else x


def _autocast_dtype(device_type: str):
    if device_type == "cuda":
        enabled = torch.is_autocast_enabled()
    elif device_type == "cpu":
        enabled = torch.is_autocast_cpu_enabled()
    else:
        return None
    if not enabled:
        return None
    if hasattr(torch, "get_autocast_dtype"):  # torch >= 2.4; the per-device getters are deprecated there
        return torch.get_autocast_dtype(device_type)
    return torch.get_autocast_gpu_dtype() if device_type == "cuda" else torch.get_autocast_cpu_dtype()


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class Rotary(nn.Module):
    def __init__(self, head_dim: int, theta: float):
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, position_ids):
        # Always fp32: bf16 angles lose whole radians at positions in the hundreds.
        freqs = position_ids[..., None].float() * self.inv_freq.float()  # (B, T, hd/2)
        emb = torch.cat((freqs, freqs), dim=-1)  # (B, T, hd)
        return emb.cos()[:, None], emb.sin()[:, None]  # (B, 1, T, hd)


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_head, self.n_kv, self.hd = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
        C = cfg.hidden_size
        self.q_proj = nn.Linear(C, self.n_head * self.hd, bias=cfg.qkv_bias)
        self.k_proj = nn.Linear(C, self.n_kv * self.hd, bias=cfg.qkv_bias)
        self.v_proj = nn.Linear(C, self.n_kv * self.hd, bias=cfg.qkv_bias)
        self.o_proj = nn.Linear(self.n_head * self.hd, C, bias=cfg.o_bias)

    def forward(self, x, cos, sin, mask, past=None):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.n_head, self.hd).transpose(1, 2)  # (B, nh, T, hd)
        k = self.k_proj(x).view(B, T, self.n_kv, self.hd).transpose(1, 2)  # (B, nkv, T, hd)
        v = self.v_proj(x).view(B, T, self.n_kv, self.hd).transpose(1, 2)  # (B, nkv, T, hd)
        q = q * cos.to(q.dtype) + rotate_half(q) * sin.to(q.dtype)
        k = k * cos.to(k.dtype) + rotate_half(k) * sin.to(k.dtype)
        if past is not None:
            k = torch.cat((past[0].to(k.dtype), k), dim=2)  # (B, nkv, S, hd)
            v = torch.cat((past[1].to(v.dtype), v), dim=2)
        present = (k, v)
        rep = self.n_head // self.n_kv
        if rep > 1:
            S = k.shape[2]
            k = k[:, :, None].expand(B, self.n_kv, rep, S, self.hd).reshape(B, self.n_head, S, self.hd)
            v = v[:, :, None].expand(B, self.n_kv, rep, S, self.hd).reshape(B, self.n_head, S, self.hd)
        if _HAS_SDPA and not torch.onnx.is_in_onnx_export():
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=mask is None)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.hd))  # (B, nh, T, S)
            if mask is None:
                mask = torch.ones(T, k.shape[2], dtype=torch.bool, device=x.device).tril()
            # finfo.min, not -inf: a fully masked row must not produce NaN.
            att = att.masked_fill(~mask, torch.finfo(att.dtype).min)
            att = F.softmax(att, dim=-1, dtype=torch.float32).to(q.dtype)
            y = att @ v  # (B, nh, T, hd)
        y = y.transpose(1, 2).reshape(B, T, self.n_head * self.hd)
        return self.o_proj(y), present


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        C, H = cfg.hidden_size, cfg.intermediate_size
        self.gate_proj = nn.Linear(C, H, bias=False)
        self.up_proj = nn.Linear(C, H, bias=False)
        self.down_proj = nn.Linear(H, C, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.self_attn = Attention(cfg)
        self.mlp = MLP(cfg)
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x, cos, sin, mask, past=None):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, past)
        x = x + a
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, present


class Backbone(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


def build_mask(T: int, S: int, device, attention_mask=None, segment_ids=None):
    """Boolean (B|1, 1, T, S) mask, True = may attend; None means plain causal.

    attention_mask (B, S) marks real tokens of past+current (left padding). segment_ids (B, T)
    separate packed documents so they never see each other. Each query always sees itself, so
    no row is fully masked (padding rows would otherwise turn into NaN and poison the cache).
    """
    if attention_mask is None and segment_ids is None and S == T:
        return None  # SDPA's is_causal (and tril) align top-left: only right when nothing is cached
    q_idx = torch.arange(T, device=device) + (S - T)  # absolute positions of the queries
    k_idx = torch.arange(S, device=device)
    causal = k_idx[None, :] <= q_idx[:, None]  # (T, S)
    diag = k_idx[None, :] == q_idx[:, None]
    mask = causal[None, None]  # (1, 1, T, S)
    if attention_mask is not None:
        mask = mask & attention_mask[:, None, None, :].bool()
    if segment_ids is not None:
        mask = mask & (segment_ids[:, None, :, None] == segment_ids[:, None, None, :])
    return mask | diag[None, None]


class LlamaForCausalLM(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.config = cfg
        self.model = Backbone(cfg)
        self.rotary = Rotary(cfg.head_dim, cfg.rope_theta)
        self.lm_head = None if cfg.tie_word_embeddings else nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
        self.gradient_checkpointing = False

    def head_weight(self):
        return self.model.embed_tokens.weight if self.lm_head is None else self.lm_head.weight

    def forward(self, input_ids, position_ids=None, attention_mask=None, segment_ids=None, past_key_values=None, use_cache=False, targets=None):
        """input_ids (B, T) -> logits (B, T, V) [, presents: per layer (k, v) each (B, nkv, S, hd)].

        With targets (B, T) it returns the summed cross-entropy instead (a method of the module,
        so DDP sees it as the forward pass).
        """
        B, T = input_ids.shape
        past_len = 0 if past_key_values is None else past_key_values[0][0].shape[2]
        if position_ids is None:
            position_ids = torch.arange(past_len, past_len + T, device=input_ids.device)[None].expand(B, T)
        mask = build_mask(T, past_len + T, input_ids.device, attention_mask, segment_ids)
        x = self.model.embed_tokens(input_ids).float()  # (B, T, C); fp32 residual stream even from a bf16 table
        cos, sin = self.rotary(position_ids)
        presents = []
        for i, layer in enumerate(self.model.layers):
            past = None if past_key_values is None else past_key_values[i]
            if self.gradient_checkpointing and self.training:
                x, present = checkpoint(layer, x, cos, sin, mask, past, use_reentrant=False)
            else:
                x, present = layer(x, cos, sin, mask, past)
            presents.append(present)
        x = self.model.norm(x)
        if targets is not None:
            # Only positions with a target go through the vocab-wide head: in SFT most are prompt.
            keep = targets != IGNORE_INDEX
            logits = F.linear(x[keep], self.head_weight())  # (N, V)
            return F.cross_entropy(logits.float(), targets[keep], reduction="sum")
        # The tied head reads the embedding matrix itself, so it exists once in every export.
        logits = F.linear(x, self.head_weight())  # (B, T, V)
        return (logits, presents) if use_cache else logits

    def init_weights(self, seed: int | None = None):
        """Random init (normal, initializer_range); residual projections scaled by 1/sqrt(2L) as in GPT-2."""
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        std = self.config.initializer_range
        for name, p in self.named_parameters():
            if name.endswith("norm.weight"):
                nn.init.ones_(p)
            elif name.endswith(".bias"):
                nn.init.zeros_(p)
            else:
                s = std / math.sqrt(2 * self.config.num_hidden_layers) if name.endswith(("o_proj.weight", "down_proj.weight")) else std
                with torch.no_grad():
                    p.copy_(torch.randn(p.shape, generator=gen) * s)
        return self

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

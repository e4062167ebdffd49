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


def rotate_half(x, half: int):
    # `half` is a Python int, so the exported Slice has constant bounds instead of a shape computation.
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotate_half_matrix(head_dim: int) -> torch.Tensor:
    """R with x @ R == rotate_half(x): one MatMul node in the exported graph instead of five."""
    half = head_dim // 2
    r = torch.zeros(head_dim, head_dim)
    r[half:, :half] = -torch.eye(half)
    r[:half, half:] = torch.eye(half)
    return r


class Rotary(nn.Module):
    def __init__(self, head_dim: int, theta: float):
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.register_buffer("rotate_matrix", rotate_half_matrix(head_dim), persistent=False)

    def forward(self, position_ids):
        # Always fp32: bf16 angles lose whole radians at positions in the hundreds.
        freqs = position_ids[..., None].float() * self.inv_freq.float()  # (B, T, hd/2)
        emb = torch.cat((freqs, freqs), dim=-1)  # (B, T, hd)
        return RotaryTables(emb.cos()[:, None], emb.sin()[:, None], self.rotate_matrix)  # (B, 1, T, hd)


class RotaryTables:
    """cos/sin per position (B, 1, T, hd), computed once per forward and shared by every layer.

    Layers read the batch and sequence sizes from these tables rather than from their own inputs:
    in the exported graph every layer then reshapes with one shared shape computation.
    """

    def __init__(self, cos, sin, rotate_matrix):
        self.cos, self.sin, self.rotate_matrix = cos, sin, rotate_matrix

    def sizes(self):
        return self.cos.shape[0], self.cos.shape[2]  # B, T

    def apply(self, x):
        """x (..., T, hd) with the head axes before T; cos/sin broadcast over them."""
        cos, sin = self.cos, self.sin
        while cos.dim() < x.dim():
            cos, sin = cos[:, None], sin[:, None]
        if torch.onnx.is_in_onnx_export():
            rotated = x @ self.rotate_matrix.to(x.dtype)
        else:
            rotated = rotate_half(x, x.shape[-1] // 2)
        return x * cos.to(x.dtype) + rotated * sin.to(x.dtype)


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_head, self.n_kv, self.hd = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
        self.rep = self.n_head // self.n_kv
        C = cfg.hidden_size
        self.q_proj = nn.Linear(C, self.n_head * self.hd, bias=cfg.qkv_bias)
        self.k_proj = nn.Linear(C, self.n_kv * self.hd, bias=cfg.qkv_bias)
        self.v_proj = nn.Linear(C, self.n_kv * self.hd, bias=cfg.qkv_bias)
        self.o_proj = nn.Linear(self.n_head * self.hd, C, bias=cfg.o_bias)

    def forward(self, x, rope: "RotaryTables", mask, past=None):
        B, T = rope.sizes()
        nkv, rep, hd = self.n_kv, self.rep, self.hd
        q, k, v = self._project_qkv(x)
        k = rope.apply(k.view(B, T, nkv, hd).transpose(1, 2))  # (B, nkv, T, hd)
        v = v.view(B, T, nkv, hd).transpose(1, 2)  # (B, nkv, T, hd)
        if past is not None:
            k = torch.cat((past[0].to(k.dtype), k), dim=2)  # (B, nkv, S, hd)
            v = torch.cat((past[1].to(v.dtype), v), dim=2)
        present = (k, v)
        # Query heads grouped by the key/value head they share (HF's repeat_kv order): (B, nkv, rep, T, hd).
        q = rope.apply(q.view(B, T, nkv, rep, hd).permute(0, 2, 3, 1, 4))
        if _HAS_SDPA and not torch.onnx.is_in_onnx_export():
            y = self._sdpa(q, k, v, mask)
        else:
            y = self._grouped_attention(q, k, v, mask, B, T)  # (B, nkv, rep, T, hd)
        y = y.permute(0, 3, 1, 2, 4).reshape(B, T, self.n_head * hd)
        return self.o_proj(y), present

    def _project_qkv(self, x):
        if not torch.onnx.is_in_onnx_export():
            return self.q_proj(x), self.k_proj(x), self.v_proj(x)
        # Exported as one MatMul over weights concatenated at export time: fewer kernels per decode step.
        projections = (self.q_proj, self.k_proj, self.v_proj)
        weight = torch.cat([p.weight for p in projections])
        bias = torch.cat([p.bias for p in projections]) if self.q_proj.bias is not None else None
        return F.linear(x, weight, bias).split([p.out_features for p in projections], dim=-1)

    def _grouped_attention(self, q, k, v, mask, B, T):
        """Each key/value head serves its query group in one matmul: the cache is never copied per query head."""
        nkv, rep, hd = self.n_kv, self.rep, self.hd
        att = (q.reshape(B, nkv, rep * T, hd) @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))  # (B, nkv, rep*T, S)
        att = att.view(B, nkv, rep, T, -1)  # (B, nkv, rep, T, S)
        if mask is None:
            mask = torch.ones(T, k.shape[2], dtype=torch.bool, device=q.device).tril()[None, None]
        # finfo.min, not -inf: a fully masked row must not produce NaN.
        att = att.masked_fill(~mask[:, :, None], torch.finfo(att.dtype).min)
        att = F.softmax(att, dim=-1, dtype=torch.float32).to(q.dtype)
        y = att.view(B, nkv, rep * T, -1) @ v  # (B, nkv, rep*T, hd)
        return y.view(B, nkv, rep, T, hd)

    def _sdpa(self, q, k, v, mask):
        B, nkv, rep, T, hd = q.shape
        S = k.shape[2]
        q = q.reshape(B, nkv * rep, T, hd)
        if rep > 1:
            k = k[:, :, None].expand(B, nkv, rep, S, hd).reshape(B, nkv * rep, S, hd)
            v = v[:, :, None].expand(B, nkv, rep, S, hd).reshape(B, nkv * rep, S, hd)
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=mask is None)  # (B, nh, T, hd)
        return y.view(B, nkv, rep, T, hd)


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        C, H = cfg.hidden_size, cfg.intermediate_size
        self.gate_proj = nn.Linear(C, H, bias=False)
        self.up_proj = nn.Linear(C, H, bias=False)
        self.down_proj = nn.Linear(H, C, bias=False)

    def forward(self, x):
        if torch.onnx.is_in_onnx_export():
            # One MatMul for both projections (weights concatenated at export time), as in attention.
            gate, up = F.linear(x, torch.cat((self.gate_proj.weight, self.up_proj.weight))).split([self.up_proj.out_features] * 2, dim=-1)
        else:
            gate, up = self.gate_proj(x), self.up_proj(x)
        return self.down_proj(F.silu(gate) * up)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.self_attn = Attention(cfg)
        self.mlp = MLP(cfg)
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x, rope, mask, past=None):
        a, present = self.self_attn(self.input_layernorm(x), rope, mask, past)
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
        rope = self.rotary(position_ids)
        presents = []
        for i, layer in enumerate(self.model.layers):
            past = None if past_key_values is None else past_key_values[i]
            if self.gradient_checkpointing and self.training:
                x, present = checkpoint(layer, x, rope, mask, past, use_reentrant=False)
            else:
                x, present = layer(x, rope, mask, past)
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

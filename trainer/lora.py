"""LoRA: W x + (alpha/r) B A dropout(x), with W frozen; merged into W at export."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .errors import TrainerError


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float):
        super().__init__()
        self.base = base
        self.rank, self.scale = rank, alpha / rank
        self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))  # zero: training starts from the base model
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    @property
    def weight(self):
        return self.base.weight

    def forward(self, x):  # (..., in) -> (..., out)
        # The scale goes on A (r x in), not on the (tokens x out) product: one less full-size pass.
        return self.base(x) + F.linear(F.linear(self.dropout(x), self.lora_A * self.scale), self.lora_B)

    def merged(self) -> nn.Linear:
        lin = self.base
        with torch.no_grad():
            delta = (self.lora_B.float() @ self.lora_A.float()) * self.scale
            lin.weight.copy_((lin.weight.float() + delta).to(lin.weight.dtype))
        return lin


def apply_lora(model: nn.Module, rank: int, alpha: float, dropout: float, target_modules: list) -> list:
    """Freezes everything, wraps the target Linear layers; returns the wrapped module names."""
    for p in model.parameters():
        p.requires_grad_(False)
    wrapped = []
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.Linear) and child_name in target_modules:
                setattr(module, child_name, LoRALinear(child, rank, alpha, dropout))
                wrapped.append(f"{name}.{child_name}" if name else child_name)
    if not wrapped:
        raise TrainerError("config", f"lora.target_modules {target_modules} matched no Linear layer of the model")
    return wrapped


def merge_lora(model: nn.Module) -> nn.Module:
    """Replaces every LoRALinear by its base Linear with B A folded in; the state dict is plain HF again."""
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, LoRALinear):
                setattr(module, child_name, child.merged())
    for p in model.parameters():
        p.requires_grad_(True)
    return model


def lora_state_dict(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items() if "lora_" in k}


def freeze_to(model: nn.Module, dtype: torch.dtype) -> int:
    """Stores the frozen matrices (base weights, embedding) in `dtype`; returns how many.

    Under bf16 autocast they are cast to bf16 for every matmul anyway, so this changes no
    result but saves a full cast of the model per step and half their memory. Norms stay fp32.
    """
    n = 0
    for p in model.parameters():
        if not p.requires_grad and p.dim() == 2 and p.dtype != dtype:
            p.data = p.data.to(dtype)
            n += 1
    return n

"""Weight-only block quantization in onnxruntime's MatMulNBits layout (4 or 8 bits).

A linear layer's weight W (N, K) (PyTorch's (out, in)) is cut along K into blocks of `block_size`;
each block gets its own scale and zero point (asymmetric, min/max), so one outlier spoils only
its block. onnxruntime dequantizes as (q - zero_point) * scale.

Layout (contrib op MatMulNBits): B uint8 (N, k_blocks, block_size * bits / 8), two 4-bit values
per byte with the lower index in the low nibble; scales float (N * k_blocks,); zero points uint8,
per row of N packed like B ((k_blocks + 1) // 2 bytes per row at 4 bits, k_blocks at 8).
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class PackedWeight:
    """One weight in MatMulNBits form, with what its node's attributes need."""

    packed: np.ndarray  # uint8 (N, k_blocks, blob)
    scales: np.ndarray  # float32 (N * k_blocks,)
    zero_points: np.ndarray | None  # uint8 (N, zp_bytes_per_row); None: symmetric, onnxruntime's default 2**(bits-1)
    n: int
    k: int
    bits: int
    block_size: int

    def dequantized(self) -> np.ndarray:
        """W (N, K) as onnxruntime reconstructs it (tests compare it with the original)."""
        q = unpack(self.packed, self.bits).reshape(self.n, -1).astype(np.float32)  # (N, k_blocks * block)
        k_blocks = self.packed.shape[1]
        if self.zero_points is None:
            zp = np.full((self.n, k_blocks), 1 << (self.bits - 1), np.float32)
        else:
            zp = unpack(self.zero_points.reshape(self.n, -1), self.bits)[:, :k_blocks].astype(np.float32)  # (N, k_blocks)
        scale = self.scales.reshape(self.n, k_blocks)
        w = (q.reshape(self.n, k_blocks, self.block_size) - zp[..., None]) * scale[..., None]
        return w.reshape(self.n, -1)[:, : self.k]


def pack(values: np.ndarray, bits: int) -> np.ndarray:
    """uint8 values below 2**bits along the last axis -> bytes (two per byte at 4 bits, low nibble first)."""
    v = values.astype(np.uint8)
    if bits == 8:
        return v
    if v.shape[-1] % 2:
        v = np.concatenate([v, np.zeros(v.shape[:-1] + (1,), np.uint8)], axis=-1)
    return (v[..., 0::2] | (v[..., 1::2] << 4)).astype(np.uint8)


def unpack(packed: np.ndarray, bits: int) -> np.ndarray:
    if bits == 8:
        return packed
    out = np.empty(packed.shape[:-1] + (packed.shape[-1] * 2,), np.uint8)
    out[..., 0::2] = packed & 0x0F
    out[..., 1::2] = packed >> 4
    return out


def quantize_blockwise(w: np.ndarray, bits: int, block_size: int, symmetric: bool = False) -> PackedWeight:
    """W (N, K) float -> PackedWeight; K is zero-padded to whole blocks (the padding dequantizes to 0)."""
    if bits not in (4, 8):
        raise ValueError(f"bits must be 4 or 8, not {bits}")
    if block_size < 16 or block_size & (block_size - 1):
        raise ValueError(f"block_size must be a power of two of at least 16, not {block_size}")
    n, k = w.shape
    k_blocks = -(-k // block_size)
    padded = np.zeros((n, k_blocks * block_size), np.float32)
    padded[:, :k] = w
    blocks = padded.reshape(n, k_blocks, block_size)  # (N, k_blocks, block)
    qmax = (1 << bits) - 1
    if symmetric:
        # Zero point 2**(bits-1) for every block (left out of the graph): one code less on the positive side.
        amax = np.abs(blocks).max(-1)
        scale = np.where(amax > 0, amax / ((1 << (bits - 1)) - 1), 1.0).astype(np.float32)
        zp = np.full(scale.shape, 1 << (bits - 1), np.uint8)
    else:
        # The range always includes 0, so zero is exact and zero padding stays zero.
        lo = np.minimum(blocks.min(-1), 0.0)
        hi = np.maximum(blocks.max(-1), 0.0)
        scale = np.where(hi > lo, (hi - lo) / qmax, 1.0).astype(np.float32)  # (N, k_blocks)
        zp = np.clip(np.round(-lo / scale), 0, qmax).astype(np.uint8)
    q = np.clip(np.round(blocks / scale[..., None]) + zp[..., None], 0, qmax).astype(np.uint8)
    return PackedWeight(
        packed=pack(q, bits),
        scales=scale,
        zero_points=None if symmetric else pack(zp, bits),
        n=n,
        k=k,
        bits=bits,
        block_size=block_size,
    )

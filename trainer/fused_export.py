"""The serving decoder for onnxruntime: fused contrib ops and weight-only 4/8-bit MatMuls.

Built node by node from the weights with the `onnx` package (no tracing), the way
onnxruntime-genai's model builder lays out a Llama for its CPU kernels:

  Gather(embed) ─► per layer: [Skip]SimplifiedLayerNormalization ─► one q|k|v MatMul
  ─► GroupQueryAttention (rotary inside, KV cache [B, kv_heads, len, head_dim] whose rows start at
  position 0) ─► o MatMul ─► SkipSimplifiedLayerNormalization ─► gate, up MatMuls, SiLU ─► down
  ─► final norm on the last position only ─► head

Every MatMul is MatMulNBits (`bits` 4 or 8, int8 compute) or, at `bits=None`, a plain MatMul: the
fp32 graph, which must match PyTorch within 1e-4. The graph's contract (`FUSED_CONTRACT`) differs
from model.onnx's: positions come from `seqlens_k` (each row's real tokens after this call, minus
one) and `total_sequence_length` (the longest row's); a row's cache holds its tokens from column 0;
each layer returns its q|k|v projection (`qkv.{i}`) instead of the whole present cache, and the
caller appends the keys (rotated) and values to its cache (server/inference/cache-layout.mjs);
logits are the last position's only, so one sequence is prefilled per call (any batch decodes).
"""

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .nbits import quantize_blockwise

FUSED_CONTRACT = "gqa-qkv-1"
MS_DOMAIN = "com.microsoft"
# MatMulNBits computes in int8 (activations quantized per block at run time): the VNNI path.
ACCURACY_INT8 = 4
# Block sizes by bits, chosen by measurement on the 135M shape (2 cores, onnxruntime 1.30): decode
# speed was the same for 32 to 128 and for symmetric or not, within this host's noise; larger
# blocks read a 200-token prompt faster (int8: 123 ms at 128 against 145 ms at 32), while 4-bit
# weights lose more per block, so int4 keeps 64. Zero points per block (asymmetric) cost nothing.
BLOCK_SIZE = {8: 128, 4: 64}


def fused_file_name(bits) -> str:
    return {None: "model.fused.onnx", 8: "model.fused.int8.onnx", 4: "model.fused.int4.onnx"}[bits]


@dataclass(frozen=True)
class Quantization:
    """How MatMul weights are stored: bits None (fp32), 8 or 4, in blocks of `block_size` along K."""

    bits: int | None = None
    block_size: int = 0
    symmetric: bool = False


class _Graph:
    """Collects nodes and initializers; each helper returns its output name."""

    def __init__(self):
        self.nodes, self.inits = [], []

    def init(self, name: str, array: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list, outputs, name: str, domain: str = "", **attrs):
        outputs = [outputs] if isinstance(outputs, str) else outputs
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, domain=domain or None, **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    def linear(self, x: str, weight: np.ndarray, name: str, q: "Quantization", bias: np.ndarray | None = None, output: str | None = None) -> str:
        """x @ weight.T (+ bias), named `output` if given; weight (N, K) as PyTorch stores it."""
        n, k = weight.shape
        bits, block_size = q.bits, q.block_size
        if bits is None:
            y = self.node("MatMul", [x, self.init(f"{name}.weight_t", weight.T.astype(np.float32))], f"{name}/out", f"{name}/MatMul")
        else:
            packed = quantize_blockwise(weight, bits, block_size, q.symmetric)
            inputs = [x, self.init(f"{name}.qweight", packed.packed), self.init(f"{name}.scales", packed.scales)]
            if packed.zero_points is not None:
                inputs.append(self.init(f"{name}.zero_points", packed.zero_points))
            y = self.node(
                "MatMulNBits", inputs, f"{name}/out", f"{name}/MatMulNBits", MS_DOMAIN,
                K=k, N=n, bits=bits, block_size=block_size, accuracy_level=ACCURACY_INT8,
            )
        if bias is not None:
            y = self.node("Add", [y, self.init(f"{name}.bias", bias.astype(np.float32))], f"{name}/biased", f"{name}/Add")
        if output is not None:
            self.nodes[-1].output[0] = output
            y = output
        return y


def _np(t) -> np.ndarray:
    return t.detach().float().cpu().numpy()


def rotary_caches(cfg) -> tuple:
    """cos/sin (max_positions, head_dim / 2), the half-rotation layout GroupQueryAttention expects."""
    inv_freq = 1.0 / (cfg.rope_theta ** (np.arange(0, cfg.head_dim, 2, dtype=np.int64).astype(np.float32) / cfg.head_dim))
    freqs = np.arange(cfg.max_position_embeddings, dtype=np.float32)[:, None] * inv_freq[None]  # (P, hd/2)
    return np.cos(freqs).astype(np.float32), np.sin(freqs).astype(np.float32)


def build_fused_decoder(model, q: Quantization = Quantization()) -> onnx.ModelProto:
    cfg = model.config
    L, nh, nkv, hd, C = cfg.num_hidden_layers, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim, cfg.hidden_size
    g = _Graph()
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
        helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, ["batch"]),
        helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, []),
    ]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1, cfg.vocab_size])]
    for i in range(L):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kind}", TensorProto.FLOAT, ["batch", nkv, "past", hd]))
        outputs.append(helper.make_tensor_value_info(f"qkv.{i}", TensorProto.FLOAT, ["batch", "seq", (nh + 2 * nkv) * hd]))

    cos, sin = rotary_caches(cfg)
    g.init("cos_cache", cos)
    g.init("sin_cache", sin)
    embed = _np(model.model.embed_tokens.weight)  # (V, C)
    x = g.node("Gather", [g.init("embed_tokens.weight", embed), "input_ids"], "embeddings", "embed/Gather", axis=0)  # (B, T, C)
    eps = float(cfg.rms_norm_eps)

    residual, pending = x, None  # `pending` is the last block's output, not yet added to the residual
    for i, layer in enumerate(model.model.layers):
        p = f"layers.{i}"
        w_in = g.init(f"{p}.input_layernorm.weight", _np(layer.input_layernorm.weight))
        if pending is None:
            h = g.node("SimplifiedLayerNormalization", [residual, w_in], f"{p}/attn_norm", f"{p}/attn_norm", axis=-1, epsilon=eps, stash_type=1)
        else:
            h, _, _, residual = g.node(
                "SkipSimplifiedLayerNormalization", [pending, residual, w_in],
                [f"{p}/attn_norm", "", "", f"{p}/residual_in"], f"{p}/attn_norm", MS_DOMAIN, epsilon=eps,
            )
        attn = layer.self_attn
        qkv_w = np.concatenate([_np(attn.q_proj.weight), _np(attn.k_proj.weight), _np(attn.v_proj.weight)])  # (nh*hd + 2*nkv*hd, C)
        qkv_b = None if attn.q_proj.bias is None else np.concatenate([_np(attn.q_proj.bias), _np(attn.k_proj.bias), _np(attn.v_proj.bias)])
        # The projection is also a graph output: the engine appends its keys (rotated) and values to
        # its own cache, fed back as past. Returning GroupQueryAttention's whole present cache
        # instead cost half of each batched step, because onnxruntime-node copies every output
        # into a new JS buffer; slicing and rotating the keys in the graph cost 90 more nodes.
        qkv = g.linear(h, qkv_w, f"{p}.self_attn.qkv_proj", q, qkv_b, output=f"qkv.{i}")  # (B, T, (nh + 2 nkv) hd)
        a, _, _ = g.node(
            "GroupQueryAttention",
            [qkv, "", "", f"past_key_values.{i}.key", f"past_key_values.{i}.value", "seqlens_k", "total_sequence_length", "cos_cache", "sin_cache"],
            [f"{p}/attn", f"{p}/present_key", f"{p}/present_value"], f"{p}/GroupQueryAttention", MS_DOMAIN,
            num_heads=nh, kv_num_heads=nkv, do_rotary=1, rotary_interleaved=0, scale=1.0 / float(np.sqrt(hd)),
        )  # (B, T, nh*hd)
        o_b = None if attn.o_proj.bias is None else _np(attn.o_proj.bias)
        o = g.linear(a, _np(attn.o_proj.weight), f"{p}.self_attn.o_proj", q, o_b)
        w_post = g.init(f"{p}.post_attention_layernorm.weight", _np(layer.post_attention_layernorm.weight))
        h2, _, _, residual = g.node(
            "SkipSimplifiedLayerNormalization", [o, residual, w_post],
            [f"{p}/mlp_norm", "", "", f"{p}/residual_mid"], f"{p}/mlp_norm", MS_DOMAIN, epsilon=eps,
        )
        mlp = layer.mlp
        gate = g.linear(h2, _np(mlp.gate_proj.weight), f"{p}.mlp.gate_proj", q)
        up = g.linear(h2, _np(mlp.up_proj.weight), f"{p}.mlp.up_proj", q)
        silu = g.node("Mul", [gate, g.node("Sigmoid", [gate], f"{p}/gate_sigmoid", f"{p}/Sigmoid")], f"{p}/silu", f"{p}/silu")
        act = g.node("Mul", [silu, up], f"{p}/act", f"{p}/act")
        pending = g.linear(act, _np(mlp.down_proj.weight), f"{p}.mlp.down_proj", q)

    # Only the last position goes through the norm and the vocab-wide head: the engine samples from
    # it, and a 200-token prompt's other 199 rows of logits would cost more than the whole prompt.
    last = [g.node("Slice", [t, g.init(f"last/starts{j}", np.array([-1], np.int64)), g.init(f"last/ends{j}", np.array([np.iinfo(np.int64).max], np.int64)), g.init(f"last/axes{j}", np.array([1], np.int64))], f"last/{j}", f"last/Slice{j}") for j, t in enumerate((pending, residual))]
    final, _, _, _ = g.node(
        "SkipSimplifiedLayerNormalization", [last[0], last[1], g.init("norm.weight", _np(model.model.norm.weight))],
        ["final_norm", "", "", "final_residual"], "final_norm", MS_DOMAIN, epsilon=eps,
    )  # (B, 1, C)
    if model.lm_head is None and q.bits is None:
        # Gemm reads the tied embedding as stored (V, C): no transposed copy on disk or in memory.
        rows = g.node("Reshape", [final, g.init("head/rows_shape", np.array([-1, C], np.int64))], "head/rows", "head/Reshape")
        flat = g.node("Gemm", [rows, "embed_tokens.weight"], "head/logits", "lm_head/Gemm", transB=1)
        g.node("Reshape", [flat, g.init("head/shape", np.array([-1, 1, cfg.vocab_size], np.int64))], "logits", "head/Unflatten")
    else:
        head = embed if model.lm_head is None else _np(model.lm_head.weight)
        g.linear(final, head, "lm_head", q)
        g.nodes[-1].output[0] = "logits"

    graph = helper.make_graph(g.nodes, "tunedesk-fused-decoder", inputs, outputs, g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS_DOMAIN, 1)], producer_name="tunedesk-trainer")
    m.metadata_props.append(onnx.StringStringEntryProto(key="tunedesk.contract", value=FUSED_CONTRACT))
    return m


def export_fused(model, path: str, bits=None, block_size: int | None = None, symmetric: bool = False) -> None:
    """Writes the graph at `bits` (None: fp32); blocks of BLOCK_SIZE[bits] unless `block_size` says otherwise."""
    q = Quantization(bits, block_size or BLOCK_SIZE.get(bits, 0), symmetric)
    m = build_fused_decoder(model.float().eval(), q)
    # Over 2 GB a protobuf cannot hold the weights: keep them beside the graph.
    large = sum(i.ByteSize() for i in m.graph.initializer) > 1_800_000_000
    onnx.save_model(m, path, save_as_external_data=large, all_tensors_to_one_file=True, location=path.rsplit("/", 1)[-1] + ".data")

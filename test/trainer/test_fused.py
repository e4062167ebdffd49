"""The serving decoders (fused contrib ops, MatMulNBits), run through onnxruntime-node."""

import json
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from conftest import REPO
from test_onnx import make
from trainer.errors import TrainerError
from trainer.export import check_fused_parity, node_binary
from trainer.fused_export import MS_DOMAIN, export_fused
from trainer.nbits import pack, quantize_blockwise, unpack


@pytest.mark.parametrize("variant", [{}, {"model_type": "qwen2", "tie_word_embeddings": False, "attention_bias": True}, {"num_key_value_heads": 4}])
def test_fp32_graph_matches_pytorch_through_chunked_prefill_and_a_merged_batch(tmp_path, variant):
    m = make(**variant)
    path = str(tmp_path / "model.fused.onnx")
    export_fused(m, path)
    res = check_fused_parity(m, path)  # raises beyond 1e-4
    assert res["max_abs_diff"] <= 1e-4 and res["top1_agreement"] == 1.0
    ops = {n.op_type for n in onnx.load(path).graph.node}
    assert {"GroupQueryAttention", "SkipSimplifiedLayerNormalization"} <= ops and "MatMulNBits" not in ops


@pytest.mark.parametrize("bits", [8, 4])
def test_quantized_graphs_are_smaller_and_stay_close(tmp_path, bits):
    m = make(vocab_size=256, hidden_size=128, intermediate_size=256)
    fp32, quantized = tmp_path / "fp32.onnx", tmp_path / f"int{bits}.onnx"
    export_fused(m, str(fp32))
    export_fused(m, str(quantized), bits)
    nodes = onnx.load(str(quantized)).graph.node
    # Per layer q|k|v, o, gate, up, down; plus the head.
    assert sum(n.op_type == "MatMulNBits" for n in nodes) == 2 * 5 + 1
    assert quantized.stat().st_size < fp32.stat().st_size * (0.55 if bits == 8 else 0.4)  # the tied embedding stays fp32 for Gather
    res = check_fused_parity(m, str(quantized), tol=None)
    assert res["max_abs_diff"] < (0.02 if bits == 8 else 0.2) and res["top1_agreement"] >= 0.9


def test_a_changed_weight_fails_the_fused_check(tmp_path):
    m = make()
    path = str(tmp_path / "model.fused.onnx")
    export_fused(m, path)
    m.model.layers[1].mlp.down_proj.weight.data.mul_(1.05)
    with pytest.raises(TrainerError) as e:
        check_fused_parity(m, path)
    assert e.value.code == "export_check_failed"


@pytest.mark.parametrize("bits", [4, 8])
def test_block_quantization_error_is_within_half_a_step(bits):
    w = np.random.default_rng(0).normal(size=(24, 80)).astype(np.float32)  # K = 80: a partial last block
    q = quantize_blockwise(w, bits, 32)
    assert q.packed.shape == (24, 3, 32 * bits // 8) and q.scales.shape == (24, 3)
    step = np.repeat(q.scales.reshape(24, 3), 32, axis=1)[:, :80]
    assert np.all(np.abs(q.dequantized() - w) <= step / 2 + 1e-6)


def test_four_bit_packing_puts_the_lower_index_in_the_low_nibble():
    assert pack(np.array([[1, 2, 15, 0]]), 4).tolist() == [[0x21, 0x0F]]
    assert unpack(pack(np.arange(16)[None], 4), 4).tolist() == [list(range(16))]


@pytest.mark.parametrize("bits,symmetric", [(4, False), (8, False), (4, True), (8, True)])
def test_onnxruntime_reads_the_packed_layout_as_written(tmp_path, bits, symmetric):
    """One MatMulNBits node (fp32 compute) against numpy with the dequantized weight."""
    rng = np.random.default_rng(1)
    w = rng.normal(size=(24, 80)).astype(np.float32)
    a = rng.normal(size=(3, 80)).astype(np.float32)
    q = quantize_blockwise(w, bits, 32, symmetric)
    assert (q.zero_points is None) == symmetric
    inits = [numpy_helper.from_array(q.packed, "b"), numpy_helper.from_array(q.scales, "scales")]
    inits += [] if symmetric else [numpy_helper.from_array(q.zero_points, "zp")]
    node = helper.make_node("MatMulNBits", ["a", "b", "scales"] + ([] if symmetric else ["zp"]), ["y"], domain=MS_DOMAIN, K=80, N=24, bits=bits, block_size=32, accuracy_level=0)
    graph = helper.make_graph(
        [node], "one-matmul", [helper.make_tensor_value_info("a", TensorProto.FLOAT, [3, 80])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 24])], inits,
    )
    path = tmp_path / "matmul.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS_DOMAIN, 1)]), str(path))
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"model": str(path), "feeds": {"a": {"dims": [3, 80], "data": a.ravel().tolist()}}}))
    res = subprocess.run([node_binary(), str(REPO / "test/trainer/run_graph.mjs"), str(spec)], capture_output=True, text=True, cwd=REPO, check=True)
    y = np.array(json.loads(res.stdout)["y"]["data"], np.float32).reshape(3, 24)
    assert np.abs(y - a @ q.dequantized().T).max() < 1e-4

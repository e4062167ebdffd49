"""ONNX export contract and parity, run through onnxruntime-node (the serving runtime)."""

import onnx
import pytest
import torch

from trainer.config import ModelConfig
from trainer.errors import TrainerError
from trainer.export import check_parity, export_onnx
from trainer.model import LlamaForCausalLM
from trainer.quantize import quantize_int8


def make(**kw):
    d = dict(model_type="llama", vocab_size=300, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
             num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True, rope_theta=10000.0)
    d.update(kw)
    return LlamaForCausalLM(ModelConfig.from_hf(d)).init_weights(1)


@pytest.mark.parametrize("variant", [{}, {"model_type": "qwen2", "tie_word_embeddings": False}, {"num_key_value_heads": 4, "attention_bias": True}])
def test_parity_prefill_and_cached_steps_batch2_left_padding(tmp_path, variant):
    m = make(**variant)
    path = str(tmp_path / "model.onnx")
    export_onnx(m, path)
    res = check_parity(m, path)  # raises if any step differs by more than 1e-4
    assert res["max_abs_diff"] <= 1e-4 and res["top1_agreement"] == 1.0


def test_contract_names_dynamic_axes_and_tied_embedding_stored_once(tmp_path):
    m = make()
    path = str(tmp_path / "model.onnx")
    export_onnx(m, path)
    g = onnx.load(path)
    assert any(o.domain in ("", "ai.onnx") and o.version == 17 for o in g.opset_import)
    ins = {i.name: i for i in g.graph.input}
    outs = {o.name: o for o in g.graph.output}
    expected_in = ["input_ids", "attention_mask", "position_ids"] + [f"past_key_values.{i}.{k}" for i in range(2) for k in ("key", "value")]
    assert [i.name for i in g.graph.input] == expected_in
    assert list(outs) == ["logits"] + [f"present.{i}.{k}" for i in range(2) for k in ("key", "value")]

    def dims(v):
        return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]

    assert dims(ins["input_ids"]) == ["batch", "seq"] and ins["input_ids"].type.tensor_type.elem_type == onnx.TensorProto.INT64
    assert dims(ins["attention_mask"]) == ["batch", "total"]
    assert dims(ins["past_key_values.0.key"]) == ["batch", 2, "past", 16]
    assert dims(outs["logits"]) == ["batch", "seq", 300]
    stored = sum(int(torch.tensor(list(i.dims)).prod()) for i in g.graph.initializer if i.data_type == onnx.TensorProto.FLOAT)
    assert stored < m.num_params() + 300 * 64 // 2  # a second embedding copy would add 19,200 floats


def test_int8_model_is_smaller_and_close(tmp_path):
    m = make(vocab_size=256, hidden_size=128, intermediate_size=256)
    src, dst = tmp_path / "model.onnx", tmp_path / "model.int8.onnx"
    export_onnx(m, str(src))
    info = quantize_int8(str(src), str(dst))
    # Per layer: fused q/k/v, o, fused gate/up, down; plus the tied head. The rotary matrix stays fp32.
    assert info["matmuls"] == 2 * 4 + 1 and info["gathers"] == 1
    assert dst.stat().st_size < src.stat().st_size / 3
    res = check_parity(m, str(dst), tol=None)
    assert res["max_abs_diff"] < 0.05 and res["top1_agreement"] >= 0.9


def test_a_failed_parity_check_raises(tmp_path):
    m = make()
    path = str(tmp_path / "model.onnx")
    export_onnx(m, path)
    with torch.no_grad():
        m.model.norm.weight.mul_(1.01)
    with pytest.raises(TrainerError) as e:
        check_parity(m, path)
    assert e.value.code == "export_check_failed"

import pytest
import torch

from trainer.config import ModelConfig
from trainer.errors import TrainerError
from trainer.lora import LoRALinear, apply_lora, merge_lora
from trainer.model import LlamaForCausalLM


def model():
    torch.manual_seed(0)
    cfg = ModelConfig.from_hf(dict(model_type="llama", vocab_size=50, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True))
    return LlamaForCausalLM(cfg).init_weights(0)


def test_lora_trains_only_adapters_and_merges_exactly():
    m = model()
    before = {k: v.clone() for k, v in m.state_dict().items()}
    wrapped = apply_lora(m, rank=4, alpha=8, dropout=0.0, target_modules=["q_proj", "v_proj", "down_proj"])
    assert len(wrapped) == 6
    trainable = [n for n, p in m.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in n for n in trainable)
    opt = torch.optim.AdamW([p for p in m.parameters() if p.requires_grad], lr=1e-2)
    ids = torch.randint(0, 50, (2, 10))
    for _ in range(5):
        loss = torch.nn.functional.cross_entropy(m(ids[:, :-1]).flatten(0, 1), ids[:, 1:].flatten())
        loss.backward()
        opt.step()
        opt.zero_grad()
    base_now = {k.replace(".base.", "."): v for k, v in m.state_dict().items() if "lora_" not in k}
    assert all(torch.equal(base_now[k], before[k]) for k in before)
    assert any(m.get_submodule(n).lora_B.abs().sum() > 0 for n in wrapped)
    m.eval()
    with torch.no_grad():
        adapted = m(ids)
        merge_lora(m)
        assert not any(isinstance(x, LoRALinear) for x in m.modules())
        assert set(m.state_dict()) == set(before)
        merged = m(ids)
    assert torch.allclose(adapted, merged, atol=1e-5)
    changed = [k for k in before if not torch.equal(before[k], m.state_dict()[k])]
    assert changed and all(any(t in k for t in ("q_proj", "v_proj", "down_proj")) for k in changed)


def test_unknown_target_modules_is_a_config_error():
    with pytest.raises(TrainerError) as e:
        apply_lora(model(), 4, 8, 0.0, ["qkv"])
    assert e.value.code == "config"

import json

import pytest
import torch
import torch.nn.functional as F

from trainer.config import ModelConfig
from trainer.data import IGNORE, Batches, collate, load_examples, pack
from trainer.errors import TrainerError
from trainer.model import LlamaForCausalLM
from trainer.train import batch_loss


def write(tmp_path, rows, name="d.jsonl"):
    p = tmp_path / name
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(p)


def test_targets_are_shifted_per_example_and_never_cross_documents(tmp_path):
    rows = [{"input_ids": [5, 6, 7, 8], "labels": [-100, -100, 7, 8]}, {"input_ids": [9, 10, 11], "labels": [9, 10, 11]}]
    ds = load_examples(write(tmp_path, rows), 64, 32)
    mb = collate(ds.examples, [[0, 1]], pad_id=0)
    assert mb["input_ids"].tolist() == [[5, 6, 7, 8, 9, 10, 11]]
    # position 3 (last token of doc 1) must not be asked to predict doc 2's first token
    assert mb["targets"].tolist() == [[IGNORE, 7, 8, IGNORE, 10, 11, IGNORE]]
    assert mb["position_ids"].tolist() == [[0, 1, 2, 3, 0, 1, 2]]
    assert mb["segment_ids"].tolist() == [[0, 0, 0, 0, 1, 1, 1]]


def test_masked_labels_contribute_nothing(tmp_path):
    torch.manual_seed(0)
    cfg = ModelConfig.from_hf(dict(model_type="llama", vocab_size=40, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=4, num_key_value_heads=2))
    model = LlamaForCausalLM(cfg).init_weights(0)
    ids = torch.randint(0, 40, (12,)).tolist()
    ds = load_examples(write(tmp_path, [{"input_ids": ids, "labels": [-100] * 8 + ids[8:]}]), 64, 40)
    mb = collate(ds.examples, [[0]], pad_id=0)
    assert mb["n_targets"] == 4

    loss = batch_loss(model, mb, torch.device("cpu"), "fp32")
    logits = model(torch.tensor([ids]))[0]
    manual = F.cross_entropy(logits[7:11], torch.tensor(ids[8:12]), reduction="sum")
    assert torch.allclose(loss, manual, atol=1e-5)
    # Any masked position counted (even the ones whose predictions happen to be good) raises the sum.
    everything = F.cross_entropy(logits[:11], torch.tensor(ids[1:12]), reduction="sum")
    assert everything > manual + 1
    # The same holds for the gradient: only the 4 learned positions reach the hidden states.
    h = {}

    def keep(mod, inp, out):
        out.retain_grad()
        h["out"] = out

    handle = model.model.norm.register_forward_hook(keep)
    batch_loss(model, mb, torch.device("cpu"), "fp32").backward()
    handle.remove()
    g = h["out"].grad[0].abs().sum(-1)  # (T,)
    assert torch.all(g[:7] == 0) and torch.all(g[11:] == 0) and torch.all(g[7:11] > 0)


def test_bad_inputs(tmp_path):
    with pytest.raises(TrainerError) as e:
        load_examples(str(tmp_path / "missing.jsonl"), 64, 40)
    assert e.value.code == "missing_file"
    with pytest.raises(TrainerError) as e:
        load_examples(write(tmp_path, [{"input_ids": [1, 2], "labels": [-100, -100]}]), 64, 40)
    assert e.value.code == "empty_dataset"
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(TrainerError) as e:
        load_examples(str(tmp_path / "empty.jsonl"), 64, 40)
    assert e.value.code == "empty_dataset"
    with pytest.raises(TrainerError) as e:
        load_examples(write(tmp_path, [{"input_ids": [1, 99], "labels": [1, 99]}]), 64, 40)
    assert e.value.code == "shape_mismatch"
    with pytest.raises(TrainerError) as e:
        load_examples(write(tmp_path, [{"input_ids": [1, 2, 3], "labels": [1, 2]}]), 64, 40)
    assert e.value.code == "shape_mismatch"


def test_packing_fits_everything_once_and_saves_padding(tmp_path):
    import random

    rnd = random.Random(0)
    rows = []
    for _ in range(60):
        n = rnd.randint(20, 120)
        ids = [rnd.randrange(1, 40) for _ in range(n)]
        rows.append({"input_ids": ids, "labels": ids})
    ds = load_examples(write(tmp_path, rows), 256, 40)
    bins = pack(ds.examples, 256)
    assert sorted(i for b in bins for i in b) == list(range(60))
    assert all(sum(len(ds.examples[i].ids) for i in b) <= 256 for b in bins)
    packed = Batches(ds, 256, True, None, 1024, 0)
    padded = Batches(ds, 256, False, 4, None, 0)
    assert packed.n_real == padded.n_real == ds.n_tokens
    assert packed.padding_ratio < 0.1
    assert (60 * 256) / packed.n_slots >= 2.5
    assert padded.padding_ratio < 0.2  # length bucketing keeps similar lengths together

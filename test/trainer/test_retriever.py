"""The retriever trainer: featurizer parity with the server, tuning that learns and repeats itself
exactly, and the retriever directory's round trip through ONNX."""

import json
import os

import pytest
import torch

from trainer.retriever import bundle
from trainer.retriever.cli import tune
from trainer.retriever.corpus import intent_groups
from trainer.retriever.features import featurize
from trainer.retriever.model import RetrieverEncoder, batch_features, encode
from trainer.retriever.train import sample_rows

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "retriever-features.json")

GROUPS = [
    {"texts": ["How do I reset my password?", "forgot my password", "password reset link"], "answer": "Use Settings."},
    {"texts": ["Where is my invoice?", "download my bill", "invoice history"], "answer": "Billing, History."},
    {"texts": ["How long does delivery take?", "when will my parcel arrive", "shipping time"], "answer": "3 to 5 days."},
    {"texts": ["Can I cancel my plan?", "stop my subscription", "end membership"], "answer": "Billing, Plan."},
]


def test_featurizer_matches_the_fixture_the_server_is_checked_against():
    with open(FIXTURE) as f:
        fixture = json.load(f)
    for case in fixture["cases"]:
        ids, weights = featurize(case["text"], fixture["buckets"])
        assert ids == case["ids"], case["text"]
        assert weights == pytest.approx(case["weights"], abs=1e-7)


def _tune(tmp_path, name: str, steps: int = 150, base_dir: str | None = None) -> str:
    groups = tmp_path / "groups.jsonl"
    groups.write_text("\n".join(json.dumps(g) for g in GROUPS))
    out = tmp_path / name
    config = tmp_path / f"{name}.json"
    config.write_text(json.dumps({"groups_file": str(groups), "out_dir": str(out), "buckets": 2048, "dim": 16, "steps": steps, "batch_size": 4, "off_topic": ["tell me a joke"], "base_dir": base_dir}))
    tune(str(config))
    return str(out)


def test_tuning_brings_each_rewording_closest_to_its_own_pair(tmp_path):
    model, meta = bundle.load(_tune(tmp_path, "tuned"))
    assert meta["features"]["buckets"] == 2048 and meta["dim"] == 16 and meta["tuning"]["steps"] == 150
    questions = [g["texts"][0] for g in GROUPS]
    asked = ["i forgot the password", "when does my parcel come", "download the bill", "stop subscription please"]
    expected = [0, 2, 1, 3]
    scores = encode(model, asked) @ encode(model, questions).T  # (4, 4)
    assert scores.argmax(dim=1).tolist() == expected


def test_tuning_the_same_data_twice_gives_the_same_encoder(tmp_path):
    first, _ = bundle.load(_tune(tmp_path, "a", steps=60))
    second, _ = bundle.load(_tune(tmp_path, "b", steps=60))
    for (name, a), (_, b) in zip(first.state_dict().items(), second.state_dict().items()):
        assert torch.equal(a, b), name


def test_save_and_load_round_trip_the_weights_through_onnx(tmp_path):
    model = RetrieverEncoder(512, 8)
    torch.nn.init.normal_(model.gate.weight)
    bundle.save(model, str(tmp_path / "r"), {"kind": "general"})
    loaded, meta = bundle.load(str(tmp_path / "r"))
    assert meta["format"] == "tunedesk-retriever" and meta["pooling"] == "learned-weighted-mean"
    texts = ["hello there", "", "a much longer sentence with many words in it"]
    assert torch.allclose(encode(model, texts), encode(loaded, texts))


def test_training_pools_features_exactly_as_the_exported_graph_does():
    # Training pools each text as one bag; the exported graph gathers padded rows. Same numbers.
    torch.manual_seed(0)
    model = RetrieverEncoder(512, 8)
    torch.nn.init.normal_(model.gate.weight)
    texts = ["hello there", "", "a much longer sentence with many words in it " * 8, "card"]
    ids, weights = batch_features(texts, model.buckets)
    present = weights > 0
    logits = (model.gate(ids).squeeze(-1) + torch.log(weights.clamp_min(1e-9))).masked_fill(~present, -1e9)
    attention = torch.softmax(logits, -1) * present
    padded = (attention.unsqueeze(-1) * model.embed(ids)).sum(1)
    expected = torch.nn.functional.normalize(model.proj(padded), dim=-1, eps=1e-6)
    pooled = model(ids, weights)
    assert torch.allclose(pooled, expected, atol=1e-6)
    assert torch.count_nonzero(pooled[1]) == 0  # an empty text pools to zeros
    pooled.sum().backward()
    assert model.embed.weight.grad.is_sparse


def test_loading_something_else_is_a_clear_error(tmp_path):
    from trainer.errors import TrainerError

    with pytest.raises(TrainerError, match="not a retriever directory"):
        bundle.load(str(tmp_path))


def _intent_sets(root):
    os.makedirs(root / "banking77")
    (root / "banking77" / "train.csv").write_text(
        "text,category\nwhere is my card,card_arrival\ncard not here yet,card_arrival\nfreeze my card,card_freeze\n"
    )
    os.makedirs(root / "clinc150")
    (root / "clinc150" / "data_full.json").write_text(
        json.dumps(
            {
                "train": [["book a table", "restaurant"], ["table for two", "restaurant"]],
                "oos_train": [["how tall is everest", "oos"]],
            }
        )
    )


def test_pretraining_learns_intents_and_leaves_out_the_set_a_benchmark_evaluates(tmp_path):
    _intent_sets(tmp_path)
    groups, off_topic = intent_groups(str(tmp_path))
    assert {tuple(g["texts"]) for g in groups} == {
        ("card not here yet", "where is my card"),
        ("freeze my card",),
        ("book a table", "table for two"),
    }
    assert off_topic == ["how tall is everest"]
    groups, off_topic = intent_groups(str(tmp_path), exclude=("banking77", "clinc150"))
    assert groups == [] and off_topic == []


def test_a_batch_never_holds_one_repeated_group_twice():
    import random

    groups = [{"texts": ["a b", "a c"], "answer": None}, {"texts": ["d e", "d f"], "answer": None}] * 50
    rows = sample_rows(groups, 64, random.Random(0), answer_share=0.0)
    assert len(rows) == 2


def test_a_tuned_encoder_remembers_its_general_base_through_continued_tunings(tmp_path):
    general = str(tmp_path / "general")
    bundle.save(RetrieverEncoder(2048, 16), general, {"kind": "general"})
    _, general_meta = bundle.load(general)
    first = _tune(tmp_path, "first", steps=20, base_dir=general)
    second = _tune(tmp_path, "second", steps=20, base_dir=first)
    assert bundle.load(first)[1]["general_base"] == general_meta["created_at"]
    assert bundle.load(second)[1]["general_base"] == general_meta["created_at"]
    assert bundle.load(_tune(tmp_path, "scratch", steps=20))[1]["general_base"] is None


def test_continuing_a_tuned_encoder_learns_new_pairs_and_keeps_the_old_ones_where_they_were(tmp_path):
    first_dir = _tune(tmp_path, "first", steps=150)
    first, _ = bundle.load(first_dir)
    extra = {"texts": ["Do you sell gift cards?", "gift voucher", "buy a gift card"], "answer": "Yes, in the shop."}
    groups = tmp_path / "more.jsonl"
    groups.write_text("\n".join(json.dumps(g) for g in [*GROUPS, extra]))
    old_texts = [t for g in GROUPS for t in g["texts"]]

    def continued(name: str, **extra_config):
        config = tmp_path / f"{name}.json"
        out = tmp_path / name
        config.write_text(json.dumps({"groups_file": str(groups), "out_dir": str(out), "base_dir": first_dir, "batch_size": 5, "steps": 200, "learning_rate": 3e-2, "off_topic": ["tell me a joke"], **extra_config}))
        tune(str(config))
        model, _ = bundle.load(str(out))
        kept = (encode(first, old_texts) * encode(model, old_texts)).sum(-1).mean()  # mean cosine
        return model, float(kept)

    held, kept_held = continued("held")
    _, kept_free = continued("free", keep_weight=0)
    assert kept_held > 0.95 and kept_held > kept_free + 0.02
    questions = [g["texts"][0] for g in [*GROUPS, extra]]
    scores = encode(held, ["i forgot the password", "a gift voucher please"]) @ encode(held, questions).T
    assert scores.argmax(dim=1).tolist() == [0, 4]

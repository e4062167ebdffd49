"""End-to-end runs of `python3 -m trainer train` on a tiny model (CPU, fp32)."""

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from conftest import REPO, WORDS, make_run, run_cli, write_jsonl
from trainer import safetensors_io
from trainer.generate import greedy
from trainer.modelio import load_pretrained


def test_tiny_model_learns_toy_task_and_reports_progress(tmp_path, tiny_base, toy):
    run = make_run(tmp_path, tiny_base, toy, n_train=120, epochs=8, learning_rate=4e-3, batch_tokens=256, eval_every=60, export_int8=True)
    rc, events, err = run_cli(["train", "--config", run])
    assert rc == 0, err
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and "error" not in kinds
    start = events[0]
    for key in ("device", "precision", "n_params", "n_train_examples", "n_val_examples", "total_steps", "padding_ratio"):
        assert key in start, key
    assert start["device"] == "cpu" and start["precision"] == "fp32" and start["n_train_examples"] == 120
    steps = [e for e in events if e["event"] == "step"]
    assert len(steps) == start["total_steps"] and all({"step", "total_steps", "loss", "lr", "tokens_per_s"} <= set(s) for s in steps)
    assert sum(s["loss"] for s in steps[-10:]) / 10 < 0.25 * sum(s["loss"] for s in steps[:10]) / 10  # loss falls
    evals = [e for e in events if e["event"] == "eval"]
    assert len(evals) >= 3 and all("val_loss" in e for e in evals)
    m = events[-1]["metrics"]
    for key in ("val_loss", "val_perplexity", "train_loss", "tokens_per_s", "duration_s"):
        assert isinstance(m[key], float), key
    assert m["val_loss"] == min(e["val_loss"] for e in evals) and m["val_loss"] < 0.2
    bundle = tmp_path / "bundle"
    names = set(os.listdir(bundle))
    assert {"config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json", "model.safetensors", "model.onnx", "model.int8.onnx", "bundle.json"} <= names
    meta = json.loads((bundle / "bundle.json").read_text())
    assert meta["id"] == "test-bundle" and meta["dataset_snapshot_id"] == "snap-1" and meta["metrics"]["val_loss"] == m["val_loss"]
    assert meta["onnx"]["parity"]["max_abs_diff"] <= 1e-4
    fused = meta["onnx"]["fused"]["files"]
    assert {v["file"] for v in fused.values()} <= names and set(fused) == {"fp32", "int8", "int4"}
    assert fused["fp32"]["parity"]["max_abs_diff"] <= 1e-4 and fused["fp32"]["greedy_identical"] == 1.0
    # Quantized serving graphs answer as the trained model does on the training prompts.
    assert fused["int8"]["greedy_identical"] >= 0.95 and fused["int4"]["greedy_identical"] >= 0.95
    assert [p for p in os.listdir(tmp_path) if ".tmp" in p] == []
    # The model really learned the task: greedy answers on prompts shaped unlike most training ones.
    model = load_pretrained(str(bundle))
    right = sum(greedy(model, [toy.prompt(w, 2)], 12, 0, [toy.end])[0] == toy.answer(w) for w in WORDS)
    assert right >= 9


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_lora_run_changes_only_target_modules(tmp_path, tiny_base, toy, precision):
    lora = {"rank": 4, "alpha": 8, "dropout": 0.0, "target_modules": ["q_proj", "v_proj"]}
    run = make_run(tmp_path, tiny_base, toy, method="lora", lora=lora, max_steps=8, export_onnx=precision == "fp32", precision=precision)
    rc, events, err = run_cli(["train", "--config", run])
    assert rc == 0, err
    assert events[0]["n_trainable_params"] < events[0]["n_params"] / 10
    base = safetensors_io.load_file(str(tiny_base / "model.safetensors"))
    tuned = safetensors_io.load_file(str(tmp_path / "bundle" / "model.safetensors"))
    assert set(base) == set(tuned)
    changed = {k for k in base if not torch.equal(base[k], tuned[k])}
    assert changed and all(k.endswith(("q_proj.weight", "v_proj.weight")) for k in changed)


def test_sigterm_leaves_no_bundle_and_resume_matches_uninterrupted_run(tmp_path, tiny_base, toy):
    common = dict(max_steps=40, export_onnx=False, eval_every=1000, learning_rate=2e-3)
    straight = tmp_path / "straight"
    straight.mkdir()
    rc, _, err = run_cli(["train", "--config", make_run(straight, tiny_base, toy, **common)])
    assert rc == 0, err

    resumed = tmp_path / "resumed"
    resumed.mkdir()
    run = make_run(resumed, tiny_base, toy, checkpoint_dir=str(resumed / "ckpt"), resume=True, **common)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "trainer", "train", "--config", str(run)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    events = []
    for line in proc.stdout:
        events.append(json.loads(line))
        if events[-1]["event"] == "step" and events[-1]["step"] >= 5:
            proc.send_signal(signal.SIGTERM)
            break
    rest, err = proc.communicate(timeout=60)
    events += [json.loads(x) for x in rest.splitlines()]
    assert proc.returncode == 143, err
    assert events[-1]["event"] == "error" and events[-1]["code"] == "cancelled"
    assert any(e["event"] == "checkpoint" for e in events)
    stopped = max(e["step"] for e in events if e["event"] == "step")
    assert stopped < 40
    assert not (resumed / "bundle").exists()
    assert [p for p in os.listdir(resumed) if ".tmp" in p] == []

    rc, events, err = run_cli(["train", "--config", run])
    assert rc == 0, err
    assert events[0]["start_step"] == stopped
    a = safetensors_io.load_file(str(straight / "bundle" / "model.safetensors"))
    b = safetensors_io.load_file(str(resumed / "bundle" / "model.safetensors"))
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)


def expect_error(run_path, code, exit_code, preexec=None):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    res = subprocess.run([sys.executable, "-m", "trainer", "train", "--config", str(run_path)], capture_output=True, text=True, env=env, timeout=120, preexec_fn=preexec)
    events = [json.loads(x) for x in res.stdout.splitlines()]
    assert res.returncode == exit_code, res.stderr[-2000:]
    assert events[-1]["event"] == "error" and events[-1]["code"] == code and events[-1]["message"]
    return events[-1]["message"]


def test_error_events(tmp_path, tiny_base, toy):
    run = json.loads(make_run(tmp_path, tiny_base, toy).read_text())

    def variant(name, **changes):
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps({**run, "output_dir": str(tmp_path / name), **changes}))
        return p

    assert "train_file" in expect_error(variant("missing", train_file=str(tmp_path / "nope.jsonl")), "missing_file", 3)
    assert "nobase" in expect_error(variant("nobase", base_dir=str(tmp_path / "nobase")), "missing_file", 3)
    assert "learning_rate" in expect_error(variant("badlr", learning_rate="fast"), "config", 2)
    assert "unknown" in expect_error(variant("badfield", optimiser="sgd"), "config", 2)
    expect_error(variant("badmethod", method="qlora"), "config", 2)

    gpt2 = tmp_path / "gpt2"
    gpt2.mkdir()
    (gpt2 / "config.json").write_text(json.dumps({"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_embd": 64}))
    assert "gpt2" in expect_error(variant("arch", base_dir=str(gpt2)), "unknown_architecture", 4)

    wrong = tmp_path / "wrong"
    wrong.mkdir()
    cfg = json.loads((tiny_base / "config.json").read_text())
    (wrong / "config.json").write_text(json.dumps({**cfg, "hidden_size": 32}))
    for f in ("model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        (wrong / f).write_bytes((tiny_base / f).read_bytes())
    expect_error(variant("shape", base_dir=str(wrong)), "shape_mismatch", 5)

    (tmp_path / "empty.jsonl").write_text("")
    expect_error(variant("empty", train_file=str(tmp_path / "empty.jsonl")), "empty_dataset", 6)

    # Out of memory: a from-scratch run whose attention matrices cannot fit under a 3 GB address-space cap.
    ids = list(range(3, 400)) * 5
    long = tmp_path / "long.jsonl"
    long.write_text("".join(json.dumps({"input_ids": ids[:1800], "labels": ids[:1800]}) + "\n" for _ in range(8)))
    huge = variant("oom", base_dir=None, model_config=cfg, tokenizer_dir=str(tiny_base), train_file=str(long), val_file=None, max_seq_len=2048, batch_tokens=16384)
    limit = 3 * 2**30
    expect_error(huge, "out_of_memory", 7, preexec=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))


def test_from_scratch_run_with_early_stopping(tmp_path, tiny_base, toy):
    cfg = json.loads((tiny_base / "config.json").read_text())
    # learning_rate 0: the validation loss can never improve, so patience 2 stops at the 3rd evaluation.
    run = make_run(tmp_path, None, toy, base_dir=None, model_config=cfg, tokenizer_dir=str(tiny_base), learning_rate=0.0,
                   max_steps=40, eval_every=2, early_stopping_patience=2, export_onnx=False)
    rc, events, err = run_cli(["train", "--config", run])
    assert rc == 0, err
    assert [e["step"] for e in events if e["event"] == "eval"] == [2, 4, 6]
    done = events[-1]["metrics"]
    assert done["stopped_early"] is True and done["steps"] == 6 and done["best_step"] == 2
    assert json.loads((tmp_path / "bundle" / "bundle.json").read_text())["base_model"] is None


@pytest.mark.parametrize("restore_best", [True, False])
def test_restore_best_chooses_between_the_best_and_the_last_weights(tmp_path, tiny_base, toy, restore_best):
    # Validation answers contradict the training answers (each word answered with the next word):
    # the better the model learns the training pairs, the worse validation gets, as with held-out knowledge.
    contrary = []
    for i in range(30):
        word, wrong = WORDS[i % len(WORDS)], WORDS[(i + 1) % len(WORDS)]
        q, a = toy.prompt(word, 1 + i % 3), toy.answer(wrong)
        contrary.append({"input_ids": q + a, "labels": [-100] * len(q) + a})
    run = make_run(tmp_path, tiny_base, toy, epochs=8, learning_rate=4e-3, batch_tokens=256, eval_every=20,
                   restore_best=restore_best, export_onnx=False)
    write_jsonl(Path(json.loads(run.read_text())["val_file"]), contrary)
    rc, events, err = run_cli(["train", "--config", run])
    assert rc == 0, err
    evals = [e for e in events if e["event"] == "eval"]
    done = events[-1]["metrics"]
    assert done["best_step"] < done["steps"], "validation must get worse for this test to mean anything"
    assert ("restored the best weights" in err) is restore_best
    expected = min(e["val_loss"] for e in evals) if restore_best else evals[-1]["val_loss"]
    assert done["val_loss"] == pytest.approx(expected)

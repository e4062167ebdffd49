"""Shared fixtures: a tiny from-scratch base, a toy chat task, and a CLI runner."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

# Thread settings must be in place before torch loads (see trainer/__main__.py).
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # tiny matrices: a second BLAS thread only adds sync cost
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from trainer.init_base import init_base  # noqa: E402
from trainer.tokenizer import bytes_to_unicode  # noqa: E402

WORDS = ["refund", "order", "shipping", "password", "account", "invoice", "delivery", "return", "warranty", "billing"]


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("tiny-base")
    init_base("tiny", str(d), seed=0)
    return d


class Toy:
    """ChatML toy task: the user says a word (1-3 times), the assistant answers it in capitals."""

    def __init__(self, base: Path):
        tok = json.loads((base / "tokenizer.json").read_text())
        self.vocab = tok["model"]["vocab"]
        self.b2u = bytes_to_unicode()
        self.start, self.end = self.vocab["<|im_start|>"], self.vocab["<|im_end|>"]

    def enc(self, text: str) -> list:
        return [self.vocab[self.b2u[b]] for b in text.encode()]

    def prompt(self, word: str, n: int) -> list:
        return [self.start] + self.enc("user\n" + " ".join([word] * n)) + [self.end] + self.enc("\n") + [self.start] + self.enc("assistant\n")

    def answer(self, word: str) -> list:
        return self.enc(word.upper()) + [self.end]

    def examples(self, n: int, seed: int) -> list:
        rnd = random.Random(seed)
        rows = []
        for _ in range(n):
            w, k = rnd.choice(WORDS), rnd.randint(1, 3)
            q, a = self.prompt(w, k), self.answer(w)
            rows.append({"input_ids": q + a, "labels": [-100] * len(q) + a})
        return rows


@pytest.fixture(scope="session")
def toy(tiny_base) -> Toy:
    return Toy(tiny_base)


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def make_run(tmp: Path, base: Path, toy: Toy, n_train: int = 120, n_val: int = 30, **overrides) -> Path:
    run = {
        "base_dir": str(base),
        "train_file": str(write_jsonl(tmp / "train.jsonl", toy.examples(n_train, 1))),
        "val_file": str(write_jsonl(tmp / "val.jsonl", toy.examples(n_val, 2))),
        "output_dir": str(tmp / "bundle"),
        "bundle_meta": {"id": "test-bundle", "dataset_snapshot_id": "snap-1", "dataset_sha256": "0" * 64},
        "epochs": 1,
        "learning_rate": 3e-3,
        "max_seq_len": 64,
        "batch_tokens": 512,
        "precision": "fp32",
        "seed": 0,
    }
    run.update(overrides)
    path = tmp / "run.json"
    path.write_text(json.dumps(run))
    return path


def run_cli(args: list, timeout: float = 180, **popen) -> tuple:
    """Runs `python3 -m trainer ARGS`; returns (exit code, parsed stdout events, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    res = subprocess.run([sys.executable, "-m", "trainer", *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env, **popen)
    events = [json.loads(line) for line in res.stdout.splitlines()]  # every stdout line must be JSON
    return res.returncode, events, res.stderr

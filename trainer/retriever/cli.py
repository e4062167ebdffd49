"""The retriever's trainer commands: pretrain (general base), tune (each run), encode (parity checks)."""

import copy
import json
import math
import os
import random
import signal

import torch

from .. import progress
from ..errors import TrainerError
from . import bundle
from .corpus import SOURCES, build_corpus
from .model import RetrieverEncoder, encode
from .train import KEEP_WEIGHT, train_encoder

DEFAULT_BUCKETS = 1 << 17
DEFAULT_DIM = 128
# Tuning shows each pair about this many times (as anchor) whatever the knowledge base's size.
TUNE_SHOWINGS = 250
TUNE_STEPS = (300, 3000)
INTENT_REPEATS = 250
# Continuing from a previous run's tuned encoder: this many times fewer steps, at this much lower rate.
CONTINUE_SLOWDOWN = 3


def _cancellation():
    stop = {"requested": False}

    def handler(*_):
        stop["requested"] = True

    signal.signal(signal.SIGTERM, handler)
    return lambda: stop["requested"]


def pretrain(datasets_dir: str, out_dir: str, minutes: float, buckets: int, dim: int, seed: int, exclude: tuple = ()) -> dict:
    corpus = build_corpus(datasets_dir, exclude)
    if not corpus["replies"] and not corpus["intents"]:
        raise TrainerError("config", f"{datasets_dir} has none of {', '.join(SOURCES)}")
    # Openings and intents are few groups of many phrasings; repeating them gives them a fair share
    # of batches next to the ~100,000 single replies.
    groups = corpus["replies"] + corpus["other"] + corpus["openings"] * 200 + corpus["intents"] * INTENT_REPEATS
    used = [s for s in SOURCES if s not in exclude]
    progress.emit("start", groups=len(groups), minutes=minutes, buckets=buckets, dim=dim, sources=used)
    torch.manual_seed(seed)
    model = RetrieverEncoder(buckets, dim)
    stats = train_encoder(
        model,
        groups,
        minutes=minutes,
        batch_size=256,
        answer_share=1.0,
        off_topic=corpus["off_topic"],
        seed=seed,
        cancelled=_cancellation(),
    )
    meta = bundle.save(model, out_dir, {"kind": "general", "trained_on": used, "pretraining": stats})
    return {"out_dir": out_dir, **stats, "dim": meta["dim"]}


def tune(config_path: str) -> dict:
    """Tunes the base (or a fresh encoder) on one knowledge base's groups and writes it to out_dir."""
    with open(config_path) as f:
        cfg = json.load(f)
    with open(cfg["groups_file"]) as f:
        groups = [json.loads(line) for line in f if line.strip()]
    groups = [g for g in groups if g.get("texts")]
    off_topic = cfg.get("off_topic") or []
    # One thread: multithreaded sparse-gradient sums add in varying order, and over hundreds of
    # steps that makes two runs on the same data rank differently. Tuning is small; pretraining is not.
    torch.set_num_threads(1)
    torch.manual_seed(int(cfg.get("seed", 0)))
    base_dir = cfg.get("base_dir")
    continuing = False
    if base_dir:
        model, base_meta = bundle.load(base_dir)
        continuing = base_meta.get("kind") == "tuned"
        # The general base a tuned encoder descends from, kept through continued tunings, tells the
        # next run whether it may continue from this one.
        general = base_meta.get("created_at") if base_meta.get("kind") == "general" else base_meta.get("general_base")
        base = {
            "kind": "tuned",
            "base": base_meta.get("id") or os.path.basename(os.path.normpath(base_dir)),
            "general_base": general,
        }
    else:
        model = RetrieverEncoder(cfg.get("buckets", DEFAULT_BUCKETS), cfg.get("dim", DEFAULT_DIM))
        base = {"kind": "tuned", "base": None, "general_base": None}
    batch = int(cfg.get("batch_size", 128))
    steps = cfg.get("steps") or min(TUNE_STEPS[1], max(TUNE_STEPS[0], math.ceil(TUNE_SHOWINGS * len(groups) / batch)))
    lr = float(cfg.get("learning_rate", 3e-3))
    previous = None
    if continuing:
        # On from the previous run's encoder, held near its embeddings: a free tuning would move
        # what customers were answered right (bench:feedback).
        previous = copy.deepcopy(model).eval()
        for p in previous.parameters():
            p.requires_grad_(False)
        if not cfg.get("steps"):
            steps, lr = max(TUNE_STEPS[0] // 3, steps // CONTINUE_SLOWDOWN), lr / CONTINUE_SLOWDOWN
    progress.emit("start", groups=len(groups), total_steps=steps, base=base["base"])
    stats = train_encoder(
        model,
        groups,
        steps=steps,
        batch_size=batch,
        lr=lr,
        off_topic=off_topic,
        seed=int(cfg.get("seed", 0)),
        previous=previous,
        keep_weight=float(cfg.get("keep_weight", KEEP_WEIGHT)),
        cancelled=_cancellation(),
    )
    meta = bundle.save(model, cfg["out_dir"], {**base, "id": cfg.get("id"), "tuning": {**stats, "groups": len(groups)}})
    return {"out_dir": cfg["out_dir"], **stats, "dim": meta["dim"]}


def encode_cli(directory: str, texts: list) -> list:
    model, _ = bundle.load(directory)
    return encode(model, texts).tolist()


def _names(csv_list: str) -> tuple:
    names = tuple(n.strip() for n in csv_list.split(",") if n.strip())
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise TrainerError("config", f"--exclude: unknown data set {', '.join(unknown)} (known: {', '.join(SOURCES)})")
    return names


def add_commands(sub) -> None:
    p = sub.add_parser("retriever-pretrain", help="build the general retriever base from ../shared data")
    p.add_argument("--datasets", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--minutes", type=float, default=80)
    p.add_argument("--buckets", type=int, default=DEFAULT_BUCKETS)
    p.add_argument("--dim", type=int, default=DEFAULT_DIM)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--exclude", default="", help="comma-separated data sets to leave out (a benchmark's own)")
    p = sub.add_parser("retriever-tune", help="tune the retriever on a knowledge base (RUN.json)")
    p.add_argument("--config", required=True)
    p = sub.add_parser("retriever-encode", help="embed texts with a retriever directory (JSON out)")
    p.add_argument("--dir", required=True)
    p.add_argument("--texts-json", required=True)


def run(args) -> bool:
    """Runs a retriever command; False when args.cmd is not one."""
    if args.cmd == "retriever-pretrain":
        random.seed(args.seed)
        progress.emit("done", **pretrain(args.datasets, args.out, args.minutes, args.buckets, args.dim, args.seed, _names(args.exclude)))
    elif args.cmd == "retriever-tune":
        progress.emit("done", **tune(args.config))
    elif args.cmd == "retriever-encode":
        try:
            texts = json.loads(args.texts_json)
        except ValueError:
            raise TrainerError("config", "--texts-json is not valid JSON") from None
        progress._stdout.write(json.dumps({"embeddings": encode_cli(args.dir, texts)}) + "\n")
        progress._stdout.flush()
    else:
        return False
    return True

"""Contrastive training of the encoder: each row's anchor must be closer to its own positive than
to every other row's positive and to every off-topic text (InfoNCE with in-batch negatives)."""

import random
import time

import torch
import torch.nn.functional as F

from .. import progress
from .augment import noisy
from .model import RetrieverEncoder, batch_features

TEMPERATURE = 0.05
# Weight of staying near the previous encoder's embeddings when continuing from it.
KEEP_WEIGHT = 10.0


def sample_rows(groups: list, batch_size: int, rnd: random.Random, answer_share: float) -> list:
    """(anchor, positive) rows from distinct groups. A group is {"texts": [...], "answer": str|None};
    a group of one text pairs a noisy copy with the text itself, or with its answer."""
    rows, seen = [], set()
    # Groups repeated to weight a source are the same object: one row each, or a batch would hold
    # the same intent as its own negative.
    for g in rnd.sample(groups, min(batch_size, len(groups))):
        if id(g) in seen:
            continue
        seen.add(id(g))
        texts, answer = g["texts"], g.get("answer")
        anchor = rnd.choice(texts)
        others = [t for t in texts if t != anchor]
        if answer and (not others or rnd.random() < answer_share):
            positive = answer
        elif others:
            positive = rnd.choice(others)
        else:
            positive = anchor
        rows.append((noisy(anchor, rnd), positive))
    return rows


def contrastive_loss(
    model: RetrieverEncoder,
    rows: list,
    negatives: list,
    cache: dict,
    previous: RetrieverEncoder | None = None,
    keep_weight: float = KEEP_WEIGHT,
) -> torch.Tensor:
    # One forward pass for anchors, positives and negatives: the embedding then gets one sparse
    # gradient per step instead of two to add up.
    features = batch_features([a for a, _ in rows] + [p for _, p in rows] + negatives, model.buckets, cache)
    embedded = model(*features)  # (2B+N, C)
    anchors, targets = embedded[: len(rows)], embedded[len(rows) :]  # (B, C), (B+N, C)
    scores = anchors @ targets.T / TEMPERATURE  # (B, B+N)
    labels = torch.arange(len(rows))
    forward = F.cross_entropy(scores, labels)
    backward = F.cross_entropy(scores[:, : len(rows)].T, labels)
    loss = (forward + backward) / 2
    if previous is not None:
        # Continuing a previous run's encoder: texts keep close to where it put them (cosine), so
        # the new data teaches without moving what was already answered right.
        with torch.no_grad():
            before = previous(*features)  # (2B+N, C)
        after = embedded
        loss = loss + keep_weight * (1 - (after * before).sum(-1)).mean()
    return loss


def optimisers(model: RetrieverEncoder, lr: float) -> list:
    sparse = [model.embed.weight, model.gate.weight]
    dense = [p for n, p in model.named_parameters() if not n.startswith(("embed.", "gate."))]
    return [torch.optim.SparseAdam(sparse, lr=lr), torch.optim.Adam(dense, lr=lr)]


def train_encoder(
    model: RetrieverEncoder,
    groups: list,
    *,
    steps: int | None = None,
    minutes: float | None = None,
    batch_size: int = 128,
    lr: float = 3e-3,
    answer_share: float = 0.3,
    off_topic: list | None = None,
    off_topic_per_batch: int = 32,
    seed: int = 0,
    previous: RetrieverEncoder | None = None,
    keep_weight: float = KEEP_WEIGHT,
    cancelled=lambda: False,
) -> dict:
    """Trains for `steps`, or for `minutes` of wall time, decaying the rate linearly to a tenth."""
    if len(groups) < 2:
        return {"steps": 0, "loss": None, "seconds": 0.0}
    rnd = random.Random(seed)
    torch.manual_seed(seed)
    opts = optimisers(model, lr)
    cache: dict = {}
    started = time.monotonic()
    budget = minutes * 60 if minutes else None
    step, loss_value, last_report = 0, None, started
    model.train()
    while True:
        elapsed = time.monotonic() - started
        done = elapsed / budget if budget else step / max(1, steps or 1)
        if done >= 1 or cancelled():
            break
        for o in opts:
            for group in o.param_groups:
                group["lr"] = lr * max(0.1, 1 - done)
        rows = sample_rows(groups, batch_size, rnd, answer_share)
        negatives = rnd.sample(off_topic, min(off_topic_per_batch, len(off_topic))) if off_topic else []
        loss = contrastive_loss(model, rows, negatives, cache, previous, keep_weight)
        for o in opts:
            o.zero_grad()
        loss.backward()
        for o in opts:
            o.step()
        step += 1
        loss_value = float(loss)
        if time.monotonic() - last_report > 5:
            last_report = time.monotonic()
            progress.emit("step", step=step, loss=loss_value, lr=lr * max(0.1, 1 - done), elapsed_s=elapsed)
        if len(cache) > 500_000:
            cache.clear()
    return {"steps": step, "loss": loss_value, "seconds": round(time.monotonic() - started, 1)}

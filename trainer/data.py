"""Tokenized examples -> packed or length-bucketed micro-batches.

Targets are shifted per example *before* packing (targets[i] = labels[i+1], the last one -100),
so a packed row never asks one document to predict the next. Packed documents get their own
segment id and restart their position ids at 0, exactly as each would look at inference.
"""

import json
import math
import os
import random
from dataclasses import dataclass

import torch

from .errors import TrainerError

IGNORE = -100


@dataclass
class Example:
    ids: list
    targets: list


@dataclass
class Dataset:
    examples: list
    n_lines: int
    n_truncated: int
    n_dropped: int

    @property
    def n_tokens(self) -> int:
        return sum(len(e.ids) for e in self.examples)


def load_examples(path: str, max_seq_len: int, vocab_size: int, name: str = "train") -> Dataset:
    if not path or not os.path.isfile(path):
        raise TrainerError("missing_file", f"{name}_file not found: {path}")
    examples, n_lines, n_trunc, n_drop = [], 0, 0, 0
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            n_lines += 1
            try:
                rec = json.loads(line)
                ids, labels = rec["input_ids"], rec.get("labels", rec["input_ids"])
            except (json.JSONDecodeError, KeyError, TypeError):
                raise TrainerError("config", f"{path}:{lineno}: expected a JSON object with input_ids and labels") from None
            if not isinstance(ids, list) or not isinstance(labels, list) or len(ids) != len(labels):
                raise TrainerError("shape_mismatch", f"{path}:{lineno}: input_ids and labels must be lists of equal length")
            if not all(isinstance(i, int) and 0 <= i < vocab_size for i in ids):
                raise TrainerError("shape_mismatch", f"{path}:{lineno}: input_ids must be integers in [0, {vocab_size}) (the model's vocab_size)")
            if not all(isinstance(i, int) and (i == IGNORE or 0 <= i < vocab_size) for i in labels):
                raise TrainerError("shape_mismatch", f"{path}:{lineno}: labels must be -100 or token ids below {vocab_size}")
            if len(ids) > max_seq_len:
                n_trunc += 1
                ids, labels = ids[:max_seq_len], labels[: max_seq_len]
            targets = labels[1:] + [IGNORE]
            if len(ids) < 2 or all(t == IGNORE for t in targets):
                n_drop += 1  # nothing to learn from (e.g. truncation cut off the whole answer)
                continue
            examples.append(Example(ids, targets))
    if not examples:
        raise TrainerError("empty_dataset", f"{name}_file {path} has no usable examples ({n_lines} lines, {n_drop} without learnable tokens)")
    return Dataset(examples, n_lines, n_trunc, n_drop)


def pack(examples: list, capacity: int) -> list:
    """Best-fit-decreasing bin packing; returns rows as lists of example indices."""
    order = sorted(range(len(examples)), key=lambda i: -len(examples[i].ids))
    by_room = [[] for _ in range(capacity + 1)]  # by_room[r] = rows with exactly r free slots
    rows = []
    for i in order:
        n = len(examples[i].ids)
        room = next((r for r in range(n, capacity + 1) if by_room[r]), None)
        if room is None:
            rows.append([i])
            by_room[capacity - n].append(len(rows) - 1)
        else:
            row = by_room[room].pop()
            rows[row].append(i)
            by_room[room - n].append(row)
    return rows


def bucket(examples: list, batch_size: int | None, batch_tokens: int | None) -> list:
    """Padding mode: sort by length so each micro-batch holds similar lengths; returns batches of rows."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    batches, cur, cur_max = [], [], 0
    for i in order:
        n = len(examples[i].ids)
        fits = len(cur) < batch_size if batch_size else (len(cur) + 1) * max(cur_max, n) <= batch_tokens
        if cur and not fits:
            batches.append(cur)
            cur, cur_max = [], 0
        cur.append([i])
        cur_max = max(cur_max, n)
    if cur:
        batches.append(cur)
    return batches


def collate(examples: list, rows: list, pad_id: int) -> dict:
    """rows: list of lists of example indices -> tensors (B, T), right-padded to the longest row."""
    T = max(sum(len(examples[i].ids) for i in row) for row in rows)
    B = len(rows)
    ids = torch.full((B, T), pad_id, dtype=torch.long)
    tgt = torch.full((B, T), IGNORE, dtype=torch.long)
    pos = torch.zeros((B, T), dtype=torch.long)
    seg = torch.full((B, T), -1, dtype=torch.long)  # padding is its own segment
    real = 0
    for b, row in enumerate(rows):
        t = 0
        for s, i in enumerate(row):
            e = examples[i]
            n = len(e.ids)
            ids[b, t : t + n] = torch.tensor(e.ids)
            tgt[b, t : t + n] = torch.tensor(e.targets)
            pos[b, t : t + n] = torch.arange(n)
            seg[b, t : t + n] = s
            t += n
        real += t
    single = all(len(r) == 1 for r in rows) and real == B * T
    return {
        "input_ids": ids,
        "targets": tgt,
        "position_ids": pos,
        # Plain causal attention is enough (and lets SDPA use its fast path) when nothing is packed or padded.
        "segment_ids": None if single else seg,
        "n_real": real,
        "n_slots": B * T,
        "n_targets": int((tgt != IGNORE).sum()),
    }


class Batches:
    """Fixed micro-batch layout (rows) with a per-epoch shuffled order derived from the seed."""

    def __init__(self, ds: Dataset, max_seq_len: int, packing: bool, batch_size: int | None, batch_tokens: int | None, pad_id: int):
        self.examples, self.pad_id = ds.examples, pad_id
        if packing:
            rows = pack(ds.examples, max_seq_len)
            rows.sort(key=lambda r: -sum(len(ds.examples[i].ids) for i in r))
            per = batch_size or max(1, batch_tokens // max_seq_len)
            self.batches = [rows[k : k + per] for k in range(0, len(rows), per)]
        else:
            self.batches = bucket(ds.examples, batch_size, batch_tokens)
        self.n_real = ds.n_tokens
        self.n_slots = sum(len(b) * max(sum(len(ds.examples[i].ids) for i in r) for r in b) for b in self.batches)

    @property
    def padding_ratio(self) -> float:
        return 1.0 - self.n_real / self.n_slots

    def __len__(self):
        return len(self.batches)

    def epoch_order(self, epoch: int, seed: int, world: int = 1) -> list:
        order = list(range(len(self.batches)))
        random.Random(seed * 1000003 + epoch).shuffle(order)
        # Every rank must run the same number of micro-batches, so wrap around to a multiple of world.
        while len(order) % world:
            order.append(order[len(order) % len(self.batches)])
        return order

    def get(self, index: int) -> dict:
        return collate(self.examples, self.batches[index], self.pad_id)


class Schedule:
    """Maps a global optimizer step to this rank's micro-batches: stateless, so resume is trivial."""

    def __init__(self, batches: Batches, grad_accum: int, world: int, rank: int, seed: int, epochs: float, max_steps: int | None):
        self.batches, self.accum, self.world, self.rank, self.seed = batches, grad_accum, world, rank, seed
        per_rank = math.ceil(len(batches) / world)
        self.steps_per_epoch = max(1, math.ceil(per_rank / grad_accum))
        self.total_steps = max_steps if max_steps else max(1, math.ceil(epochs * self.steps_per_epoch))
        self._orders = {}

    def micro_batches(self, step: int) -> list:
        epoch, k = divmod(step, self.steps_per_epoch)
        if epoch not in self._orders:
            self._orders = {epoch: self.batches.epoch_order(epoch, self.seed, self.world)}
        order = self._orders[epoch]
        group = order[k * self.accum * self.world : (k + 1) * self.accum * self.world]
        return [self.batches.get(i) for i in group[self.rank :: self.world]]

    def epoch_of(self, step: int) -> float:
        return step / self.steps_per_epoch

"""The retriever directory: retriever.json (what the encoder is) + encoder.onnx (its graph and
weights, the one copy of them: tuning reads the weights back from the initializers)."""

import json
import os
import time
import warnings

import onnx
import torch
from onnx import numpy_helper

from ..errors import TrainerError
from .features import MAX_WORD_CHARS, MAX_WORDS, PAIR_WEIGHT
from .model import RetrieverEncoder, batch_features

FORMAT = "tunedesk-retriever"
VERSION = 1
ONNX_FILE = "encoder.onnx"
META_FILE = "retriever.json"
# Graph names the server relies on (server/assistant/retriever/encoder.ts).
INPUTS = ["feature_ids", "feature_weights"]
OUTPUT = "embeddings"
PARAMS = {"embed.weight", "gate.weight", "proj.weight", "proj.bias"}


def features_spec(buckets: int) -> dict:
    return {
        "kind": "hashed-ngrams",
        "hash": "fnv1a32",
        "buckets": buckets,
        "char_ngrams": [3, 5],
        "max_words": MAX_WORDS,
        "max_word_chars": MAX_WORD_CHARS,
        "word_pair_weight": PAIR_WEIGHT,
    }


def _export(model: RetrieverEncoder, path: str) -> None:
    ids, weights = batch_features(["example question", "a second, longer example question"], model.buckets)
    dynamic = {0: "batch", 1: "features"}
    with warnings.catch_warnings():
        # torch 1.13's exporter warns about shape inference of constants; tests check the graph.
        warnings.simplefilter("ignore", UserWarning)
        torch.onnx.export(
            model,
            (ids, weights),
            path,
            input_names=INPUTS,
            output_names=[OUTPUT],
            dynamic_axes={INPUTS[0]: dynamic, INPUTS[1]: dynamic, OUTPUT: {0: "batch"}},
            opset_version=17,
            do_constant_folding=True,
        )


def save(model: RetrieverEncoder, out_dir: str, meta: dict) -> dict:
    """Writes encoder.onnx and retriever.json into out_dir (created) and returns the metadata."""
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    tmp = os.path.join(out_dir, ONNX_FILE + ".tmp")
    _export(model, tmp)
    os.replace(tmp, os.path.join(out_dir, ONNX_FILE))
    full = {
        "format": FORMAT,
        "version": VERSION,
        "dim": model.dim,
        "pooling": "learned-weighted-mean",
        "normalize": "l2",
        "features": features_spec(model.buckets),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **meta,
    }
    with open(os.path.join(out_dir, META_FILE), "w") as f:
        json.dump(full, f, indent=2)
    return full


def load(directory: str) -> tuple:
    """(model, metadata) from a retriever directory written by save()."""
    meta_path = os.path.join(directory, META_FILE)
    if not os.path.exists(meta_path):
        raise TrainerError("config", f"{directory} is not a retriever directory (no {META_FILE})")
    with open(meta_path) as f:
        meta = json.load(f)
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise TrainerError("config", f"{meta_path} is not a {FORMAT} v{VERSION} retriever")
    graph = onnx.load(os.path.join(directory, ONNX_FILE))
    tensors = {t.name: numpy_helper.to_array(t) for t in graph.graph.initializer}
    missing = PARAMS - tensors.keys()
    if missing:
        raise TrainerError("config", f"{directory}/{ONNX_FILE} lacks the weights {sorted(missing)}")
    model = RetrieverEncoder(meta["features"]["buckets"], meta["dim"])
    model.load_state_dict({k: torch.from_numpy(tensors[k].copy()) for k in PARAMS})
    return model, meta

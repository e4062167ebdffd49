"""Text -> hashed feature ids and prior weights. server/assistant/retriever/features.ts is the same
function in TypeScript; test/fixtures/retriever-features.json pins both to identical output."""

import re
import unicodedata

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
MAX_WORDS = 64
MAX_WORD_CHARS = 32
# Words and the n-grams of one word weigh alike; a word pair weighs half a word.
PAIR_WEIGHT = 0.5

_WORD = re.compile(r"[^\W_]+")


def fnv1a(text: str) -> int:
    h = FNV_OFFSET
    for b in text.encode("utf-8"):
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFF
    return h


def words(text: str) -> list:
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())[:MAX_WORDS]


def featurize(text: str, buckets: int, min_n: int = 3, max_n: int = 5) -> tuple:
    """(ids, weights): one feature per word, its character n-grams sharing one word's weight, and
    each adjacent word pair. Empty text gives no features."""
    ws = words(text)
    ids, weights = [], []
    for w in ws:
        ids.append(fnv1a("w:" + w) % buckets)
        weights.append(1.0)
        marked = "<" + w[:MAX_WORD_CHARS] + ">"
        grams = [marked[i : i + n] for n in range(min_n, max_n + 1) for i in range(len(marked) - n + 1)]
        for g in grams:
            ids.append(fnv1a("c:" + g) % buckets)
            weights.append(1.0 / len(grams))
    for a, b in zip(ws, ws[1:]):
        ids.append(fnv1a("b:" + a + " " + b) % buckets)
        weights.append(PAIR_WEIGHT)
    return ids, weights

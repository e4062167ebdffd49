"""General pre-training groups from ../shared/datasets (only the sets the answer benchmark never asks):
- each customer turn of Schema-Guided Dialogue with the assistant's reply (response selection, as
  ConveRT learned from Reddit threads);
- the opening turns of single-service dialogues, grouped by service: many people asking for the
  same thing in their own words;
- alpaca seed tasks with their answers, abcd guideline flows with their descriptions;
- the train splits of the intent sets (banking77, clinc150, dstc11): customers asking for one thing
  in many words, the closest public stand-in for a knowledge pair's phrasings. Benchmarks build
  their base without the set they evaluate (`exclude`), so no evaluated question is ever learned."""

import csv
import json
import os
from collections import defaultdict

INTENT_SETS = ("banking77", "clinc150", "dstc11-intent-utterances")
SOURCES = ("sgd-dialogues", "alpaca-seed-tasks", "abcd-guidelines", *INTENT_SETS)


def sgd_groups(path: str) -> list:
    replies, openings = [], defaultdict(list)
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            msgs = d.get("messages", [])
            if len(d.get("services", [])) == 1 and msgs and msgs[0]["role"] == "user":
                openings[d["services"][0]].append(msgs[0]["content"])
            for a, b in zip(msgs, msgs[1:]):
                if a["role"] == "user" and b["role"] == "assistant":
                    replies.append({"texts": [a["content"]], "answer": b["content"]})
    services = [{"texts": sorted(set(v)), "answer": None} for v in openings.values() if len(set(v)) > 1]
    return replies, services


def alpaca_groups(path: str) -> list:
    out = []
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            for inst in t.get("instances", []):
                q = (t["instruction"] + " " + inst.get("input", "")).strip()
                if q and inst.get("output"):
                    out.append({"texts": [q], "answer": inst["output"]})
    return out


def abcd_groups(path: str) -> list:
    with open(path) as f:
        guidelines = json.load(f)
    out = []

    def walk(node, title=""):
        if isinstance(node, dict):
            texts = [v for k, v in node.items() if isinstance(v, str) and len(v) > 20]
            if title and texts:
                out.append({"texts": [title.replace("_", " ")], "answer": " ".join(texts)[:1000]})
            for k, v in node.items():
                walk(v, k if isinstance(v, (dict, list)) else title)
        elif isinstance(node, list):
            for v in node:
                walk(v, title)

    walk(guidelines)
    return out


def banking77_groups(folder: str) -> list:
    by_intent = defaultdict(list)
    with open(os.path.join(folder, "train.csv"), newline="") as f:
        for row in csv.DictReader(f):
            by_intent[row["category"]].append(row["text"])
    return [{"texts": sorted(set(v)), "answer": None} for _, v in sorted(by_intent.items())]


def clinc150_groups(folder: str) -> tuple:
    """In-scope intents from the train split, and the out-of-scope train queries (off-topic)."""
    with open(os.path.join(folder, "data_full.json")) as f:
        data = json.load(f)
    by_intent = defaultdict(list)
    for text, intent in data["train"]:
        by_intent[intent].append(text)
    groups = [{"texts": sorted(set(v)), "answer": None} for _, v in sorted(by_intent.items())]
    return groups, [text for text, _ in data.get("oos_train", [])]


def dstc11_groups(folder: str) -> list:
    by_intent = defaultdict(list)
    for name in sorted(os.listdir(folder)):
        if name.endswith(".jsonl"):
            with open(os.path.join(folder, name)) as f:
                for line in f:
                    u = json.loads(line)
                    by_intent[(name, u["intent"])].append(u["utterance"])
    return [{"texts": sorted(set(v)), "answer": None} for _, v in sorted(by_intent.items()) if len(set(v)) > 1]


def intent_groups(datasets_dir: str, exclude: tuple = ()) -> tuple:
    """(groups, off_topic): one group per intent of every intent set present and not excluded."""
    groups, off_topic = [], []
    readers = {"banking77": banking77_groups, "dstc11-intent-utterances": dstc11_groups}
    for name in INTENT_SETS:
        folder = os.path.join(datasets_dir, name)
        if name in exclude or not os.path.isdir(folder):
            continue
        if name == "clinc150":
            more, oos = clinc150_groups(folder)
            groups += more
            off_topic += oos
        else:
            groups += readers[name](folder)
    return groups, off_topic


def build_corpus(datasets_dir: str, exclude: tuple = ()) -> dict:
    """{"replies", "openings", "other", "intents", "off_topic"}; missing or excluded sources are skipped."""
    sgd = os.path.join(datasets_dir, "sgd-dialogues", "sgd-train.jsonl")
    replies, openings = sgd_groups(sgd) if os.path.exists(sgd) else ([], [])
    other = []
    alpaca = os.path.join(datasets_dir, "alpaca-seed-tasks", "seed_tasks.jsonl")
    if os.path.exists(alpaca):
        other += alpaca_groups(alpaca)
    abcd = os.path.join(datasets_dir, "abcd-guidelines", "guidelines.json")
    if os.path.exists(abcd):
        other += abcd_groups(abcd)
    intents, off_topic = intent_groups(datasets_dir, exclude)
    return {"replies": replies, "openings": openings, "other": other, "intents": intents, "off_topic": off_topic}

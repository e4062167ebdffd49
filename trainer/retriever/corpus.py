"""General pre-training groups from ../shared/datasets (only the sets the answer benchmark never asks):
- each customer turn of Schema-Guided Dialogue with the assistant's reply (response selection, as
  ConveRT learned from Reddit threads);
- the opening turns of single-service dialogues, grouped by service: many people asking for the
  same thing in their own words;
- alpaca seed tasks with their answers, abcd guideline flows with their descriptions."""

import json
import os
from collections import defaultdict

SOURCES = ("sgd-dialogues", "alpaca-seed-tasks", "abcd-guidelines")


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


def build_corpus(datasets_dir: str) -> dict:
    """{"replies": [...], "openings": [...], "other": [...]} groups; missing sources are skipped."""
    sgd = os.path.join(datasets_dir, "sgd-dialogues", "sgd-train.jsonl")
    replies, openings = sgd_groups(sgd) if os.path.exists(sgd) else ([], [])
    other = []
    alpaca = os.path.join(datasets_dir, "alpaca-seed-tasks", "seed_tasks.jsonl")
    if os.path.exists(alpaca):
        other += alpaca_groups(alpaca)
    abcd = os.path.join(datasets_dir, "abcd-guidelines", "guidelines.json")
    if os.path.exists(abcd):
        other += abcd_groups(abcd)
    return {"replies": replies, "openings": openings, "other": other}

"""init-base, export and generate commands, and the tokenizer as the Node side loads it."""

import json
import os
import subprocess

from conftest import REPO, run_cli
from trainer.generate import greedy
from trainer.modelio import load_pretrained


def test_init_base_export_and_generate(tmp_path):
    base, bundle = tmp_path / "base", tmp_path / "bundle"
    rc, ev, err = run_cli(["init-base", "--preset", "tiny", "--out", base, "--seed", "3"])
    assert rc == 0, err
    assert ev[-1]["event"] == "done" and 100_000 < ev[-1]["n_params"] < 1_000_000
    tok = json.loads((base / "tokenizer.json").read_text())
    tcfg = json.loads((base / "tokenizer_config.json").read_text())
    gen = json.loads((base / "generation_config.json").read_text())
    ids = {t["content"]: t["id"] for t in tok["added_tokens"]}
    assert "<|im_start|>" in tcfg["chat_template"] and tcfg["eos_token"] == "<|im_end|>" and tcfg["pad_token"] == "<|endoftext|>"
    assert gen["eos_token_id"][0] == ids["<|im_end|>"] and gen["pad_token_id"] == ids["<|endoftext|>"]

    rc, ev, err = run_cli(["export", "--checkpoint", base, "--out", bundle, "--int8", "--meta-json", '{"id": "b-1"}'])
    assert rc == 0, err
    assert ev[-1]["event"] == "done" and ev[-1]["bundle_id"] == "b-1" and ev[-1]["onnx"]["parity"]["max_abs_diff"] <= 1e-4
    assert {"model.onnx", "model.int8.onnx", "bundle.json", "tokenizer.json", "generation_config.json"} <= set(os.listdir(bundle))

    prompts = [[1, 40, 50, 60, 70, 2, 1], [1, 33, 2]]
    rc, lines, err = run_cli(["generate", "--model", bundle, "--input-ids-json", json.dumps(prompts), "--max-new-tokens", "6"])
    assert rc == 0, err
    assert len(lines) == 1 and list(lines[0]) == ["tokens"]
    out = lines[0]
    assert [len(t) for t in out["tokens"]] == [6, 6]
    model = load_pretrained(str(bundle))
    # Batched (left-padded) generation equals generating each prompt alone.
    assert out["tokens"] == [greedy(model, [p], 6, 0)[0] for p in prompts]


def test_bad_generate_input_is_an_error_event(tiny_base):
    rc, ev, _ = run_cli(["generate", "--model", tiny_base, "--input-ids-json", "[[1, 999999]]"])
    assert rc == 5 and ev[-1]["code"] == "shape_mismatch"
    rc, ev, _ = run_cli(["export", "--checkpoint", "/nonexistent/dir", "--out", "/tmp/never"])
    assert rc == 3 and ev[-1]["code"] == "missing_file"


NODE_CHECK = """
import { Tokenizer } from "@huggingface/tokenizers";
import fs from "node:fs";
const dir = process.argv[1];
const t = new Tokenizer(JSON.parse(fs.readFileSync(dir + "/tokenizer.json", "utf8")), JSON.parse(fs.readFileSync(dir + "/tokenizer_config.json", "utf8")));
const text = "<|im_start|>user\\nMy order 12345 hasn't arrived. Can you check the shipping status?<|im_end|>\\n<|im_start|>assistant\\n";
const enc = t.encode(text);
console.log(JSON.stringify({ ids: enc.ids, decoded: t.decode(enc.ids), bytes: Buffer.byteLength(text) }));
"""


def test_tokenizer_loads_in_huggingface_tokenizers_js(tmp_path):
    from trainer.init_base import init_base

    init_base("starter", str(tmp_path))
    tok = json.loads((tmp_path / "tokenizer.json").read_text())
    node = os.environ.get("TUNEDESK_NODE", "node")
    res = subprocess.run([node, "--input-type=module", "-e", NODE_CHECK, str(tmp_path)], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    specials = {t["content"]: t["id"] for t in tok["added_tokens"]}
    assert out["decoded"].startswith("<|im_start|>user\nMy order 12345 hasn't arrived.")
    assert out["ids"][0] == specials["<|im_start|>"] and out["ids"].count(specials["<|im_end|>"]) == 1
    assert len(out["ids"]) < 0.6 * out["bytes"]  # the learned merges shorten English text
    assert max(out["ids"]) < json.loads((tmp_path / "config.json").read_text())["vocab_size"]

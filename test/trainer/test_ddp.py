"""Two-process DDP on CPU (gloo), launched the way torchrun does (env vars), against one process."""

import json
import os
import socket
import subprocess
import sys

import torch

from conftest import REPO, make_run
from trainer import safetensors_io


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ddp_two_ranks_match_single_process_with_grad_accum(tmp_path, tiny_base, toy):
    common = dict(max_steps=6, export_onnx=False, eval_every=3, batch_tokens=256)
    single, ddp = tmp_path / "single", tmp_path / "ddp"
    single.mkdir()
    ddp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    res = subprocess.run([sys.executable, "-m", "trainer", "train", "--config", str(make_run(single, tiny_base, toy, grad_accum=2, **common))], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr

    run = make_run(ddp, tiny_base, toy, grad_accum=1, **common)
    dist_env = {**env, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(free_port()), "WORLD_SIZE": "2"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "trainer", "train", "--config", str(run)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**dist_env, "RANK": str(r), "LOCAL_RANK": str(r)})
        for r in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs[0][1][-2000:] + outs[1][1][-2000:]
    assert outs[1][0] == ""  # only rank 0 reports
    events = [json.loads(x) for x in outs[0][0].splitlines()]
    assert events[0]["world_size"] == 2 and events[-1]["event"] == "done"
    a = safetensors_io.load_file(str(single / "bundle" / "model.safetensors"))
    b = safetensors_io.load_file(str(ddp / "bundle" / "model.safetensors"))
    assert all(torch.allclose(a[k], b[k], atol=1e-5) for k in a)
    base = safetensors_io.load_file(str(tiny_base / "model.safetensors"))
    assert not torch.allclose(a["model.norm.weight"], base["model.norm.weight"])

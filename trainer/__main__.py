"""CLI: python3 -m trainer {train,init-base,export,generate,retriever-*} (contracts in trainer/README.md)."""

import argparse
import json
import os
import sys


def _thread_defaults(argv: list) -> None:
    """Must run before torch is imported: OpenBLAS reads its thread count when it loads.

    Measured on the 2-core dev machines: fp32 is fastest with 1 OpenMP + 2 OpenBLAS threads,
    bf16 autocast (oneDNN, OpenMP) with 2 OpenMP + 1 OpenBLAS thread.
    """
    bf16, hidden = False, 0
    if len(argv) > 1 and argv[0] == "train" and "--config" in argv:
        try:
            with open(argv[argv.index("--config") + 1]) as f:
                run = json.load(f)
            from .config import auto_cpu_bf16, peek_hidden_size

            p = run.get("precision", "auto")
            hidden = peek_hidden_size(run)
            bf16 = p == "bf16" or (p in ("auto", None) and run.get("device", "auto") != "cuda" and auto_cpu_bf16(hidden))
        except (OSError, ValueError, IndexError, AttributeError):
            pass
    # Matrices of models narrower than 256 are too small to split: a second thread only syncs.
    omp, blas = ("2", "1") if bf16 else ("1", "2" if hidden == 0 or hidden >= 256 else "1")
    if argv and argv[0].startswith("retriever-"):
        omp, blas = "2", "1"  # sparse embedding updates run on OpenMP, not BLAS
    os.environ.setdefault("OMP_NUM_THREADS", omp)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", blas)
    # Spinning OpenMP workers collapse throughput (10x measured) when other processes share the cores.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _thread_defaults(argv)
    from . import progress

    progress.guard_stdout()
    class Parser(argparse.ArgumentParser):
        def error(self, message):
            progress.emit("error", code="config", message=f"usage: {message}")
            self.exit(2, f"{self.prog}: error: {message}\n")

    ap = Parser(prog="python3 -m trainer")
    sub = ap.add_subparsers(dest="cmd", required=True, parser_class=Parser)
    p = sub.add_parser("train", help="run a training job from RUN.json")
    p.add_argument("--config", required=True)
    p = sub.add_parser("init-base", help="write a from-scratch base model directory")
    p.add_argument("--preset", choices=["tiny", "starter"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("export", help="export a base or checkpoint directory to a bundle")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--int8", action="store_true")
    p.add_argument("--meta-json", default="{}", help="object merged into bundle.json")
    p = sub.add_parser("generate", help="greedy continuation in PyTorch")
    p.add_argument("--model", required=True)
    p.add_argument("--input-ids-json", required=True)
    p.add_argument("--max-new-tokens", type=int, default=16)
    p.add_argument("--stop-at-eos", action="store_true")
    from .retriever.cli import add_commands as add_retriever_commands

    add_retriever_commands(sub)
    args = ap.parse_args(argv)

    from .errors import TrainerError

    try:
        from .retriever.cli import run as run_retriever_command

        if run_retriever_command(args):
            pass
        elif args.cmd == "train":
            from .config import load_run_config

            cfg = load_run_config(args.config)  # validated before torch loads: bad jobs fail fast
            from .train import train

            train(cfg)
        elif args.cmd == "init-base":
            from .init_base import init_base

            progress.emit("done", **init_base(args.preset, args.out, args.seed))
        elif args.cmd == "export":
            from .checkpoint_export import export_cli

            progress.emit("done", **export_cli(args.checkpoint, args.out, args.int8, json.loads(args.meta_json)))
        elif args.cmd == "generate":
            from .generate import generate_cli

            try:
                ids = json.loads(args.input_ids_json)
            except ValueError:
                raise TrainerError("config", "--input-ids-json is not valid JSON") from None
            tokens = generate_cli(args.model, ids, args.max_new_tokens, args.stop_at_eos)
            progress._stdout.write(json.dumps({"tokens": tokens}) + "\n")
            progress._stdout.flush()
        return 0
    except TrainerError as e:
        progress.emit("error", code=e.code, message=e.message)
        progress.log(f"error ({e.code}): {e.message}")
        return e.exit_code
    except (Exception, MemoryError) as e:  # noqa: BLE001 - the worker must always get an error event
        import traceback

        from .errors import EXIT_CODES, is_oom

        traceback.print_exc(file=sys.stderr)
        code = "out_of_memory" if is_oom(e) else "internal"
        progress.emit("error", code=code, message=f"{type(e).__name__}: {str(e)[:2000]}")
        return EXIT_CODES[code]


if __name__ == "__main__":
    sys.exit(main())

"""The training run: RUN.json -> model bundle, with progress events on stdout (DESIGN.md)."""

import contextlib
import math
import os
import random
import resource
import shutil
import signal
import time

import torch

from .checkpoint import load_checkpoint, load_trainable, save_checkpoint, trainable_state
from .config import ModelConfig, RunConfig, auto_cpu_bf16
from .data import Batches, Schedule, load_examples
from .errors import Cancelled, TrainerError, is_oom
from .export import probe_prompts, write_bundle
from .lora import apply_lora, freeze_to, merge_lora
from .model import LlamaForCausalLM
from .modelio import load_pretrained, read_json, special_token_ids
from .progress import emit, log

_cancel = {"flag": False}


def install_sigterm() -> None:
    def handler(signum, frame):
        _cancel["flag"] = True
        log("SIGTERM received: stopping after the current micro-batch")

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _raise_cancel(signum, frame):
    raise Cancelled()


def atomic_bundle(out_dir: str, write) -> None:
    """write(tmp) fills a sibling temp dir, renamed to out_dir only when complete."""
    out_dir = os.path.abspath(out_dir)
    tmp = os.path.join(os.path.dirname(out_dir), f".{os.path.basename(out_dir)}.tmp-{os.getpid()}")
    os.makedirs(os.path.dirname(out_dir), exist_ok=True)
    try:
        write(tmp)
        if os.path.isdir(out_dir) and not os.listdir(out_dir):
            os.rmdir(out_dir)
        os.rename(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def resolve_device(cfg: RunConfig, local_rank: int, hidden_size: int):
    if cfg.device == "cuda" and not torch.cuda.is_available():
        raise TrainerError("config", "device 'cuda' requested but CUDA is not available")
    use_cuda = cfg.device == "cuda" or (cfg.device == "auto" and torch.cuda.is_available())
    device = torch.device(f"cuda:{local_rank}") if use_cuda else torch.device("cpu")
    precision = cfg.precision
    if precision == "auto":
        precision = "bf16" if (torch.cuda.is_bf16_supported() if use_cuda else auto_cpu_bf16(hidden_size)) else "fp32"
    return device, precision


class Dist:
    def __init__(self):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.enabled = self.world > 1

    def init(self, device):
        if self.enabled:
            import torch.distributed as dist

            if device.type == "cuda":
                torch.cuda.set_device(device)
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo")

    def sum(self, values: list, device) -> list:
        if not self.enabled:
            return values
        import torch.distributed as dist

        t = torch.tensor(values, dtype=torch.float64, device=device)
        dist.all_reduce(t)
        return t.tolist()

    def barrier(self):
        if self.enabled:
            torch.distributed.barrier()

    def close(self):
        if self.enabled and torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()


def lr_at(step: int, cfg: RunConfig, total: int, warmup: int) -> float:
    peak = cfg.learning_rate
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    lo = peak * cfg.min_lr_ratio
    return lo + (peak - lo) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def make_optimizer(model, cfg: RunConfig, device):
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    kwargs = {}
    if device.type == "cuda" and "fused" in torch.optim.AdamW.__init__.__code__.co_varnames:
        kwargs["fused"] = True  # torch 2.x only
    else:
        kwargs["foreach"] = True  # one kernel per op over all tensors instead of a Python loop
    return torch.optim.AdamW(groups, lr=cfg.learning_rate, betas=tuple(cfg.adam_betas), eps=1e-8, **kwargs)


def autocast_ctx(device, precision):
    if precision != "bf16":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def batch_loss(model, mb, device, precision):
    """Summed cross-entropy over the micro-batch's target tokens (normalised by the caller)."""
    seg = mb["segment_ids"]
    with autocast_ctx(device, precision):
        return model(
            mb["input_ids"].to(device),
            position_ids=mb["position_ids"].to(device),
            segment_ids=None if seg is None else seg.to(device),
            targets=mb["targets"].to(device),
        )


@torch.no_grad()
def evaluate(model, batches: Batches, dist: Dist, device, precision) -> float:
    model.eval()
    total, n = 0.0, 0
    for i in range(dist.rank, len(batches), dist.world):
        mb = batches.get(i)
        total += batch_loss(model, mb, device, precision).item()
        n += mb["n_targets"]
    model.train()
    total, n = dist.sum([total, n], device)
    return total / max(n, 1)


def peak_memory_mb(device) -> float:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_model(cfg: RunConfig):
    if cfg.base_dir:
        model = load_pretrained(cfg.base_dir)
        tok_dir = cfg.tokenizer_dir or cfg.base_dir
    else:
        model = LlamaForCausalLM(ModelConfig.from_hf(cfg.model_config)).init_weights(cfg.seed)
        tok_dir = cfg.tokenizer_dir
    if not os.path.isfile(os.path.join(tok_dir, "tokenizer.json")):
        raise TrainerError("missing_file", f"tokenizer.json not found in {tok_dir}")
    return model, tok_dir


def train(cfg: RunConfig) -> dict:
    t_start = time.time()
    install_sigterm()
    dist = Dist()
    out_dir = os.path.abspath(cfg.output_dir)
    if os.path.exists(out_dir) and (not os.path.isdir(out_dir) or os.listdir(out_dir)):
        raise TrainerError("config", f"output_dir already exists and is not empty: {out_dir}")
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)

    model, tok_dir = build_model(cfg)
    device, precision = resolve_device(cfg, dist.local_rank, model.config.hidden_size)
    special = special_token_ids(tok_dir, model.config)
    V = model.config.vocab_size
    train_ds = load_examples(cfg.train_file, cfg.max_seq_len, V, "train")
    val_ds = load_examples(cfg.val_file, cfg.max_seq_len, V, "val") if cfg.val_file else None
    batches = Batches(train_ds, cfg.max_seq_len, cfg.packing, cfg.batch_size, cfg.batch_tokens, special["pad"])
    val_batches = Batches(val_ds, cfg.max_seq_len, cfg.packing, cfg.batch_size, cfg.batch_tokens, special["pad"]) if val_ds else None
    sched = Schedule(batches, cfg.grad_accum, dist.world, dist.rank, cfg.seed, cfg.epochs, cfg.max_steps)
    total = sched.total_steps
    warmup = round(cfg.warmup_ratio * total)
    eval_every = cfg.eval_every or max(1, total // 5)

    if cfg.method == "lora":
        lc = cfg.lora
        apply_lora(model, lc.rank, lc.alpha, lc.dropout, lc.target_modules)
        if precision == "bf16":
            freeze_to(model, torch.bfloat16)
    model.gradient_checkpointing = cfg.gradient_checkpointing
    dist.init(device)
    model.to(device).train()
    n_trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    optimizer = make_optimizer(model, cfg, device)

    step, tokens_seen, best, best_val, best_step, bad_evals, train_time = 0, 0, None, math.inf, None, 0, 0.0
    last_val = math.inf
    ckpt_path = os.path.join(cfg.checkpoint_dir, "latest") if cfg.checkpoint_dir else None
    if cfg.resume and ckpt_path and os.path.isfile(os.path.join(ckpt_path, "checkpoint.json")):
        best, meta = load_checkpoint(ckpt_path, model, optimizer, cfg)
        step, tokens_seen, best_step, bad_evals = meta["step"], meta["tokens_seen"], meta.get("best_step"), meta.get("bad_evals", 0)
        best_val = last_val = meta["best_val"] if meta.get("best_val") is not None else math.inf
        train_time = meta.get("train_time_s", 0.0)
        if meta.get("total_steps") != total:
            log(f"WARNING: the checkpoint planned {meta.get('total_steps')} steps, this run {total}: data or batch settings changed")
        log(f"resumed from {ckpt_path} at step {step}")
    elif cfg.resume:
        log(f"resume requested but no checkpoint in {cfg.checkpoint_dir}: starting fresh")

    ddp_model = model
    if dist.enabled:
        from torch.nn.parallel import DistributedDataParallel

        ddp_model = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)

    emit(
        "start", device=str(device), device_type=device.type, precision=precision, world_size=dist.world, method=cfg.method,
        n_params=sum(p.numel() for p in model.parameters()), n_trainable_params=n_trainable,
        n_train_examples=len(train_ds.examples), n_val_examples=len(val_ds.examples) if val_ds else 0,
        n_train_tokens=train_ds.n_tokens, n_truncated=train_ds.n_truncated, n_dropped=train_ds.n_dropped,
        total_steps=total, steps_per_epoch=sched.steps_per_epoch, start_step=step, warmup_steps=warmup,
        packing=cfg.packing, padding_ratio=batches.padding_ratio, tokens_per_epoch_padded=batches.n_slots,
        tokens_if_padded_to_max=len(train_ds.examples) * cfg.max_seq_len, torch_version=torch.__version__,
        threads=torch.get_num_threads(),
    )

    def ckpt_state():
        return {"step": step, "total_steps": total, "tokens_seen": tokens_seen, "best_val": None if math.isinf(best_val) else best_val,
                "best_step": best_step, "bad_evals": bad_evals, "train_time_s": train_time, "run": cfg.to_dict()}

    def checkpoint():
        if ckpt_path and dist.rank == 0:
            save_checkpoint(ckpt_path, model, optimizer, cfg, tok_dir, ckpt_state(), best)
            emit("checkpoint", step=step, path=ckpt_path)

    last_loss, window, val_loss, stopped_early = math.nan, [], None, False
    try:
        while step < total:
            if dist.sum([float(_cancel["flag"])], device)[0] > 0:
                raise Cancelled()
            t0 = time.time()
            lr = lr_at(step, cfg, total, warmup)
            for g in optimizer.param_groups:
                g["lr"] = lr
            mbs = sched.micro_batches(step)
            n_tgt, n_real = dist.sum([sum(mb["n_targets"] for mb in mbs), sum(mb["n_real"] for mb in mbs)], device)
            loss_sum = 0.0
            for j, mb in enumerate(mbs):
                if _cancel["flag"] and not dist.enabled:
                    raise Cancelled()
                sync = j == len(mbs) - 1 or not dist.enabled
                with (contextlib.nullcontext() if sync else ddp_model.no_sync()):
                    loss = batch_loss(ddp_model, mb, device, precision)
                    # Normalise by the whole step's target count; DDP averages over ranks, so undo that.
                    (loss * dist.world / max(n_tgt, 1)).backward()
                loss_sum += loss.item()
            grad_norm = torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], cfg.max_grad_norm)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            loss_sum = dist.sum([loss_sum], device)[0]
            last_loss = loss_sum / max(n_tgt, 1)
            if not math.isfinite(last_loss):
                raise TrainerError("internal", f"loss became {last_loss} at step {step}; lower learning_rate")
            window = (window + [last_loss])[-20:]
            dt = time.time() - t0
            train_time += dt
            tokens_seen += int(n_real)
            if step % cfg.log_every == 0 or step == total:
                emit("step", step=step, total_steps=total, epoch=round(sched.epoch_of(step), 4), loss=last_loss, lr=lr,
                     grad_norm=float(grad_norm), tokens_per_s=n_real / dt, tokens=tokens_seen, elapsed_s=round(time.time() - t_start, 2))
            if val_batches and (step % eval_every == 0 or step == total):
                val_loss = last_val = evaluate(model, val_batches, dist, device, precision)
                improved = val_loss < best_val - 1e-6
                if improved:
                    best_val, best_step, bad_evals = val_loss, step, 0
                    best = trainable_state(model)
                else:
                    bad_evals += 1
                emit("eval", step=step, val_loss=val_loss, val_perplexity=math.exp(min(val_loss, 50)), best_val_loss=best_val, best_step=best_step)
                if cfg.early_stopping_patience and bad_evals >= cfg.early_stopping_patience:
                    log(f"early stopping at step {step}: no improvement in {bad_evals} evaluations")
                    stopped_early = True
                    break
            if cfg.checkpoint_every and step % cfg.checkpoint_every == 0 and step < total:
                checkpoint()
    except Cancelled:
        checkpoint()
        raise
    except (RuntimeError, MemoryError) as e:
        if is_oom(e):
            raise TrainerError("out_of_memory", f"out of memory on {device}; lower batch_tokens/batch_size or max_seq_len, or set gradient_checkpointing") from None
        raise

    if ckpt_path:
        checkpoint()
    if cfg.restore_best and best is not None and best_step != step:
        load_trainable(model, best)
        log(f"restored the best weights (step {best_step}, val loss {best_val:.4f})")
    val_loss = best_val if cfg.restore_best else last_val
    metrics = {
        "train_loss": sum(window) / len(window) if window else None,
        "final_train_loss": last_loss,
        "val_loss": val_loss if best is not None else None,
        "val_perplexity": math.exp(min(val_loss, 50)) if best is not None else None,
        "best_step": best_step,
        "steps": step,
        "total_steps": total,
        "stopped_early": stopped_early,
        "tokens": tokens_seen,
        "tokens_per_s": tokens_seen / train_time if train_time else None,
        "train_time_s": round(train_time, 3),
        "padding_ratio": batches.padding_ratio,
        "peak_memory_mb": round(peak_memory_mb(device), 1),
        "n_trainable_params": n_trainable,
    }
    dist.barrier()
    if dist.rank != 0:
        dist.close()
        return metrics
    # From here on a SIGTERM aborts the export at once; the finally below removes the temp dir.
    signal.signal(signal.SIGTERM, _raise_cancel)
    if _cancel["flag"]:
        raise Cancelled()
    if cfg.method == "lora":
        # Merge into a fresh copy of the base: the frozen weights here may be stored in bf16.
        adapters = trainable_state(model)
        model = load_pretrained(cfg.base_dir)
        apply_lora(model, cfg.lora.rank, cfg.lora.alpha, 0.0, cfg.lora.target_modules)
        load_trainable(model, adapters)
        merge_lora(model)
    model = model.to("cpu").float()
    metrics["n_params"] = model.num_params()
    hyper = {k: v for k, v in cfg.to_dict().items() if k not in ("bundle_meta", "train_file", "val_file", "output_dir", "checkpoint_dir", "model_config")}
    meta = {**cfg.bundle_meta, "base_model": cfg.bundle_meta.get("base_model") or (os.path.basename(os.path.abspath(cfg.base_dir)) if cfg.base_dir else None),
            "hyperparameters": {**hyper, "precision": precision, "device": device.type, "world_size": dist.world}, "metrics": metrics}
    metrics["duration_s"] = round(time.time() - t_start, 3)
    atomic_bundle(out_dir, lambda tmp: write_bundle(model, tok_dir, tmp, meta, int8=cfg.export_int8, onnx=cfg.export_onnx, save_dtype=cfg.save_dtype, fused=cfg.export_fused, probe_prompts=probe_prompts(cfg.train_file)))
    metrics["duration_s"] = round(time.time() - t_start, 3)
    bundle = read_json(os.path.join(out_dir, "bundle.json"))
    emit("done", metrics=metrics, output_dir=out_dir, bundle_id=bundle["id"], onnx=bundle.get("onnx"))
    dist.close()
    return metrics

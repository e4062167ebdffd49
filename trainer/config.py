"""Model config (from an HF config.json) and run config (RUN.json) with validation."""

import json
import math
import os
from dataclasses import asdict, dataclass, field, fields

from .errors import TrainerError

SUPPORTED_MODEL_TYPES = ("llama", "qwen2", "mistral")
# Below this width bf16 autocast on CPU costs more in casts than it saves in matmuls (measured:
# a 64-wide model trains ~1.5x slower in bf16); SmolLM2-135M (576) is ~1.8x faster in bf16.
CPU_BF16_MIN_HIDDEN = 512


def cpu_has_bf16() -> bool:
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and ("avx512_bf16" in line or "amx_bf16" in line) for line in f)
    except OSError:
        return False


def auto_cpu_bf16(hidden_size: int) -> bool:
    """precision "auto" on CPU: bf16 only with native bf16 dot products and a model wide enough to gain."""
    return hidden_size >= CPU_BF16_MIN_HIDDEN and cpu_has_bf16()


def peek_hidden_size(run: dict) -> int:
    """hidden_size of a RUN.json's model without importing torch (0 when unknown)."""
    try:
        if run.get("model_config"):
            return int(run["model_config"]["hidden_size"])
        with open(os.path.join(run["base_dir"], "config.json")) as f:
            return int(json.load(f)["hidden_size"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


@dataclass
class ModelConfig:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    tie_word_embeddings: bool = True
    max_position_embeddings: int = 2048
    qkv_bias: bool = False
    o_bias: bool = False
    model_type: str = "llama"
    initializer_range: float = 0.02
    hf: dict = field(default_factory=dict, repr=False)  # the original dict, re-emitted on save

    @classmethod
    def from_hf(cls, d: dict) -> "ModelConfig":
        model_type = d.get("model_type")
        archs = d.get("architectures") or []
        if model_type not in SUPPORTED_MODEL_TYPES:
            raise TrainerError(
                "unknown_architecture",
                f"unsupported model_type {model_type!r} (architectures {archs}); supported: {', '.join(SUPPORTED_MODEL_TYPES)}",
            )
        if d.get("hidden_act", "silu") != "silu":
            raise TrainerError("unknown_architecture", f"unsupported hidden_act {d.get('hidden_act')!r} (need silu)")
        scaling = d.get("rope_scaling")
        if scaling and (scaling.get("rope_type") or scaling.get("type")) not in (None, "default"):
            raise TrainerError("unknown_architecture", f"unsupported rope_scaling {scaling}")
        if model_type == "mistral" and d.get("sliding_window") not in (None, 0) and d.get("sliding_window") < d.get("max_position_embeddings", 0):
            raise TrainerError("unknown_architecture", "sliding-window attention is not supported")
        try:
            hidden = int(d["hidden_size"])
            heads = int(d["num_attention_heads"])
            cfg = cls(
                vocab_size=int(d["vocab_size"]),
                hidden_size=hidden,
                intermediate_size=int(d["intermediate_size"]),
                num_hidden_layers=int(d["num_hidden_layers"]),
                num_attention_heads=heads,
                num_key_value_heads=int(d.get("num_key_value_heads") or heads),
                head_dim=int(d.get("head_dim") or hidden // heads),
                rope_theta=float(d.get("rope_theta", 10000.0)),
                rms_norm_eps=float(d.get("rms_norm_eps", 1e-6)),
                tie_word_embeddings=bool(d.get("tie_word_embeddings", False)),  # the HF default
                max_position_embeddings=int(d.get("max_position_embeddings", 2048)),
                # Qwen2 always has q/k/v biases (and no o bias); Llama's attention_bias covers all four.
                qkv_bias=True if model_type == "qwen2" else bool(d.get("attention_bias", False)),
                o_bias=False if model_type == "qwen2" else bool(d.get("attention_bias", False)),
                model_type=model_type,
                initializer_range=float(d.get("initializer_range", 0.02)),
                hf=dict(d),
            )
        except KeyError as e:
            raise TrainerError("config", f"model config lacks {e.args[0]!r}") from None
        if heads % cfg.num_key_value_heads:
            raise TrainerError("shape_mismatch", "num_attention_heads must be a multiple of num_key_value_heads")
        return cfg

    def to_hf(self) -> dict:
        d = dict(self.hf)
        d.update(
            model_type=self.model_type,
            architectures=d.get("architectures") or [{"llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM", "mistral": "MistralForCausalLM"}[self.model_type]],
            vocab_size=self.vocab_size,
            hidden_size=self.hidden_size,
            intermediate_size=self.intermediate_size,
            num_hidden_layers=self.num_hidden_layers,
            num_attention_heads=self.num_attention_heads,
            num_key_value_heads=self.num_key_value_heads,
            head_dim=self.head_dim,
            rope_theta=self.rope_theta,
            rms_norm_eps=self.rms_norm_eps,
            tie_word_embeddings=self.tie_word_embeddings,
            max_position_embeddings=self.max_position_embeddings,
            hidden_act="silu",
        )
        if self.model_type != "qwen2":
            d["attention_bias"] = self.qkv_bias
        return d


def load_model_config(model_dir: str) -> ModelConfig:
    path = os.path.join(model_dir, "config.json")
    if not os.path.isfile(path):
        raise TrainerError("missing_file", f"config.json not found in {model_dir}")
    with open(path) as f:
        return ModelConfig.from_hf(json.load(f))


@dataclass
class LoraConfig:
    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.05
    target_modules: list = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])


@dataclass
class RunConfig:
    train_file: str
    output_dir: str
    base_dir: str | None = None
    model_config: dict | None = None
    tokenizer_dir: str | None = None
    val_file: str | None = None
    bundle_meta: dict = field(default_factory=dict)
    method: str = "full"
    lora: LoraConfig = field(default_factory=LoraConfig)
    epochs: float = 1.0
    max_steps: int | None = None
    learning_rate: float | None = None  # default depends on method
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.0
    warmup_ratio: float = 0.05
    adam_betas: list = field(default_factory=lambda: [0.9, 0.95])
    max_grad_norm: float = 1.0
    batch_tokens: int | None = None
    batch_size: int | None = None
    grad_accum: int = 1
    max_seq_len: int = 512
    packing: bool = True
    eval_every: int | None = None
    early_stopping_patience: int | None = None
    # Keep the weights of the best evaluation at the end (false: the last weights). Knowledge
    # fine-tuning turns it off: its validation pairs are knowledge the model never trained on, so
    # validation loss can rise while the model learns the trained pairs it will be asked about.
    restore_best: bool = True
    seed: int = 0
    device: str = "auto"
    precision: str = "auto"
    export_int8: bool = False
    export_onnx: bool = True
    # The serving decoders (fused_export.py) at fp32, int8 and int4 beside the standard model.onnx.
    export_fused: bool = True
    save_dtype: str = "float32"
    checkpoint_dir: str | None = None
    checkpoint_every: int | None = None
    resume: bool = False
    gradient_checkpointing: bool = False
    log_every: int = 1

    def to_dict(self) -> dict:
        return asdict(self)


def _bad(msg: str):
    raise TrainerError("config", msg)


def parse_run_config(d: dict) -> RunConfig:
    if not isinstance(d, dict):
        _bad("run config must be a JSON object")
    known = {f.name for f in fields(RunConfig)}
    unknown = sorted(set(d) - known)
    if unknown:
        _bad(f"unknown run config field(s): {', '.join(unknown)}")
    for req in ("train_file", "output_dir"):
        if not isinstance(d.get(req), str) or not d[req]:
            _bad(f"{req} is required (a path)")
    d = dict(d)
    lora = d.pop("lora", None) or {}
    if not isinstance(lora, dict):
        _bad("lora must be an object")
    lora_known = {f.name for f in fields(LoraConfig)}
    if set(lora) - lora_known:
        _bad(f"unknown lora field(s): {', '.join(sorted(set(lora) - lora_known))}")
    cfg = RunConfig(**{k: v for k, v in d.items() if v is not None}, lora=LoraConfig(**lora))

    def num(name, lo=None, hi=None, integer=False, optional=False):
        v = getattr(cfg, name)
        if v is None and optional:
            return
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (integer and not float(v).is_integer()) or not math.isfinite(v):
            _bad(f"{name} must be {'an integer' if integer else 'a number'}, got {v!r}")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            _bad(f"{name} must be in [{lo}, {hi}], got {v!r}")
        if integer:
            setattr(cfg, name, int(v))

    if cfg.base_dir is None and cfg.model_config is None:
        _bad("either base_dir or model_config (+ tokenizer_dir) is required")
    if cfg.base_dir is None and not cfg.tokenizer_dir:
        _bad("a from-scratch run (model_config) needs tokenizer_dir")
    if cfg.model_config is not None and not isinstance(cfg.model_config, dict):
        _bad("model_config must be an HF config object")
    if cfg.method not in ("full", "lora"):
        _bad(f"method must be 'full' or 'lora', got {cfg.method!r}")
    if cfg.method == "lora" and cfg.base_dir is None:
        _bad("method 'lora' needs a base_dir (LoRA on a random model learns nothing useful)")
    if cfg.learning_rate is None:
        cfg.learning_rate = 2e-4 if cfg.method == "lora" else 5e-5 if cfg.base_dir else 1e-3
    num("learning_rate", 0, 10)
    num("min_lr_ratio", 0, 1)
    num("weight_decay", 0, 10)
    num("warmup_ratio", 0, 1)
    num("max_grad_norm", 0)
    num("epochs", 0)
    num("max_steps", 1, integer=True, optional=True)
    num("grad_accum", 1, integer=True)
    num("max_seq_len", 8, 1 << 20, integer=True)
    num("batch_tokens", 1, integer=True, optional=True)
    num("batch_size", 1, integer=True, optional=True)
    num("eval_every", 1, integer=True, optional=True)
    num("early_stopping_patience", 1, integer=True, optional=True)
    num("checkpoint_every", 1, integer=True, optional=True)
    num("seed", 0, integer=True)
    num("log_every", 1, integer=True)
    if cfg.epochs == 0 and cfg.max_steps is None:
        _bad("epochs must be > 0 unless max_steps is given")
    if cfg.batch_size is None and cfg.batch_tokens is None:
        cfg.batch_tokens = 4 * cfg.max_seq_len if cfg.packing else None
        cfg.batch_size = None if cfg.packing else 4
    if cfg.batch_tokens is not None and cfg.batch_tokens < cfg.max_seq_len:
        _bad(f"batch_tokens ({cfg.batch_tokens}) must be at least max_seq_len ({cfg.max_seq_len})")
    if cfg.device not in ("auto", "cpu", "cuda"):
        _bad(f"device must be auto|cpu|cuda, got {cfg.device!r}")
    if cfg.precision not in ("auto", "fp32", "bf16"):
        _bad(f"precision must be auto|fp32|bf16, got {cfg.precision!r}")
    if cfg.save_dtype not in ("float32", "bfloat16", "float16"):
        _bad(f"save_dtype must be float32|bfloat16|float16, got {cfg.save_dtype!r}")
    for b in ("packing", "export_int8", "export_onnx", "export_fused", "resume", "gradient_checkpointing", "restore_best"):
        if not isinstance(getattr(cfg, b), bool):
            _bad(f"{b} must be true or false")
    if cfg.resume and not cfg.checkpoint_dir:
        _bad("resume needs checkpoint_dir")
    if not isinstance(cfg.bundle_meta, dict):
        _bad("bundle_meta must be an object")
    lc = cfg.lora
    if cfg.method == "lora":
        if isinstance(lc.rank, bool) or not isinstance(lc.rank, int) or lc.rank < 1:
            _bad("lora.rank must be a positive integer")
        if not isinstance(lc.alpha, (int, float)) or lc.alpha <= 0:
            _bad("lora.alpha must be > 0")
        if not isinstance(lc.dropout, (int, float)) or not 0 <= lc.dropout < 1:
            _bad("lora.dropout must be in [0, 1)")
        if not isinstance(lc.target_modules, list) or not lc.target_modules or not all(isinstance(t, str) for t in lc.target_modules):
            _bad("lora.target_modules must be a non-empty list of module names")
    return cfg


def load_run_config(path: str) -> RunConfig:
    if not os.path.isfile(path):
        raise TrainerError("missing_file", f"run config not found: {path}")
    try:
        with open(path) as f:
            d = json.load(f)
    except json.JSONDecodeError as e:
        raise TrainerError("config", f"run config is not valid JSON: {e}") from None
    cfg = parse_run_config(d)
    check_inputs(cfg)
    return cfg


def check_inputs(cfg: RunConfig) -> None:
    """File and architecture checks that need no torch, so a bad job fails in milliseconds."""
    for name in ("train_file", "val_file"):
        path = getattr(cfg, name)
        if path is not None and not os.path.isfile(path):
            raise TrainerError("missing_file", f"{name} not found: {path}")
    if cfg.base_dir is not None:
        if not os.path.isdir(cfg.base_dir):
            raise TrainerError("missing_file", f"base_dir not found: {cfg.base_dir}")
        load_model_config(cfg.base_dir)
    else:
        ModelConfig.from_hf(cfg.model_config)
    tok_dir = cfg.tokenizer_dir or cfg.base_dir
    if not os.path.isfile(os.path.join(tok_dir, "tokenizer.json")):
        raise TrainerError("missing_file", f"tokenizer.json not found in {tok_dir}")

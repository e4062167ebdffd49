"""Minimal reader/writer of the safetensors format (Debian ships no `safetensors` package).

Layout: u64 little-endian header length N, N bytes of JSON header
{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then raw
little-endian tensor bytes. Offsets are relative to the end of the header.
"""

import json
import mmap
import os
import struct

import torch

from .errors import TrainerError

_DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def read_header(path: str):
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise TrainerError("shape_mismatch", f"{path}: not a safetensors file (too short)")
        (n,) = struct.unpack("<Q", raw)
        if n > 100_000_000:
            raise TrainerError("shape_mismatch", f"{path}: not a safetensors file (header size {n})")
        header = json.loads(f.read(n))
    return header, 8 + n


def load_file(path: str, device: str = "cpu") -> dict:
    """Returns {name: tensor}; tensors are copies, so the file may be replaced afterwards."""
    if not os.path.isfile(path):
        raise TrainerError("missing_file", f"weights file not found: {path}")
    header, start = read_header(path)
    out = {}
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY) if size > 0 else None
        try:
            for name, info in header.items():
                if name == "__metadata__":
                    continue
                dtype = _DTYPES.get(info["dtype"])
                if dtype is None:
                    raise TrainerError("shape_mismatch", f"{path}: unsupported dtype {info['dtype']} for {name}")
                begin, end = info["data_offsets"]
                shape = info["shape"]
                numel = 1
                for d in shape:
                    numel *= d
                if start + end > size or end - begin != numel * torch.empty((), dtype=dtype).element_size():
                    raise TrainerError("shape_mismatch", f"{path}: tensor {name} has inconsistent offsets")
                if numel == 0:
                    out[name] = torch.empty(shape, dtype=dtype)
                    continue
                t = torch.frombuffer(mm, dtype=dtype, count=numel, offset=start + begin)
                out[name] = t.reshape(shape).clone().to(device)  # copy-on-write map: clone before it closes
        finally:
            if mm is not None:
                mm.close()
    return out


def save_file(tensors: dict, path: str, metadata: dict | None = None) -> None:
    header = {}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        t = tensors[name].detach().to("cpu").contiguous()
        if t.dtype not in _NAMES:
            raise ValueError(f"cannot save dtype {t.dtype} ({name})")
        # numpy has no bfloat16: reinterpret the bits as int16, the byte layout is identical.
        arr = t.view(torch.int16).numpy() if t.dtype == torch.bfloat16 else t.numpy()
        data = arr.tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the format aligns tensor data to 8 bytes
    tmp = path + ".partial"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for data in blobs:
            f.write(data)
    os.replace(tmp, path)


def load_checkpoint_dir(model_dir: str) -> dict:
    """Loads model.safetensors or the shards listed in model.safetensors.index.json."""
    index = os.path.join(model_dir, "model.safetensors.index.json")
    single = os.path.join(model_dir, "model.safetensors")
    if os.path.isfile(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        state = {}
        for shard in sorted(set(weight_map.values())):
            state.update(load_file(os.path.join(model_dir, shard)))
        missing = set(weight_map) - set(state)
        if missing:
            raise TrainerError("shape_mismatch", f"sharded checkpoint lacks tensors: {sorted(missing)[:5]}")
        return state
    if os.path.isfile(single):
        return load_file(single)
    raise TrainerError("missing_file", f"no model.safetensors or model.safetensors.index.json in {model_dir}")

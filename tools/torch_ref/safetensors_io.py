"""Minimal safetensors writer (F32) and reader (F32, F16, and the bundled models' per-row int8: I8 values
times the F32 row scales of NAME.int8_scale, as src/engine/safetensors.ts) for the reference scripts: no
extra Python packages."""
import json
import struct

import numpy as np

# the companion tensor of an I8 weight: its per-row scales
SCALE = ".int8_scale"


def save(path, tensors, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name, arr in tensors.items():
        a = np.ascontiguousarray(arr, dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    raw = {}
    for name, info in header.items():
        b0, b1 = info["data_offsets"]
        dt = {"F32": "<f4", "F16": "<f2", "I8": "i1"}[info["dtype"]]
        raw[name] = np.frombuffer(data[8 + n + b0:8 + n + b1], dtype=dt).astype(np.float32).reshape(info["shape"])
    out = {}
    for name, a in raw.items():
        if name.endswith(SCALE):
            continue
        if header[name]["dtype"] == "I8":
            scale = raw[name + SCALE]
            a = (a.reshape(len(scale), -1) * scale[:, None]).reshape(a.shape)
        out[name] = a
    return out, meta


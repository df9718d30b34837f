"""Draws DDIM samples (η = 0, x̂0 clipped to [−1, 1] and ε recomputed from it, the engine's default sampler)
from a prior with the PyTorch reference U-Net, for `commin prior-eval --samples FILE` on machines where the
engine has no GPU. Input: a converted safetensors prior or a train_ddpm.py checkpoint (its EMA weights).
Output: the decoded-image cache format (uint32 header length, JSON names, N·R·R·3 bytes).

    /usr/bin/python3 tools/torch_ref/sample_ddpm.py --model models/prior_64.safetensors --count 500 \\
        --steps 50 --out .cache/prior_samples.bin
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from unet import UNet  # noqa: E402
import safetensors_io  # noqa: E402


def load(path):
    if path.endswith(".safetensors"):
        weights, meta = safetensors_io.load(path)
        cfg = json.loads(meta["config"])
        prefix = "ema." if any(k.startswith("ema.") for k in weights) else ""
        state = {k[len(prefix):]: torch.from_numpy(v.copy()) for k, v in weights.items() if k.startswith(prefix) and not k.startswith("optimizer.")}
        return cfg, state, int(meta.get("step", 0))
    ck = torch.load(path)
    return ck["config"], ck["ema"], ck["step"]


def timesteps(T, steps):
    top = T - 1
    n = max(1, min(steps, top + 1))
    ts = [round(top * (n - 1 - i) / max(1, n - 1)) for i in range(n)]
    return list(dict.fromkeys(ts))


@torch.no_grad()
def ddim(model, shape, steps, alpha_bar, generator, clip=True):
    x = torch.randn(shape, generator=generator)
    ts = timesteps(len(alpha_bar), steps)
    for i, t in enumerate(ts):
        ab = float(alpha_bar[t])
        ab_prev = float(alpha_bar[ts[i + 1]]) if i + 1 < len(ts) else 1.0
        eps = model(x, torch.full((shape[0],), t, dtype=torch.long))
        x0 = (x - (1 - ab) ** 0.5 * eps) / ab ** 0.5
        if clip:
            x0 = x0.clamp(-1, 1)
            eps = (x - ab ** 0.5 * x0) / (1 - ab) ** 0.5
        x = ab_prev ** 0.5 * x0 + (1 - ab_prev) ** 0.5 * eps
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-clip", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg, state, step = load(a.model)
    model = UNet(cfg)
    model.load_state_dict(state)
    model.eval()
    alpha_bar = np.cumprod(1 - np.linspace(1e-4, 0.02, 1000))
    g = torch.Generator().manual_seed(a.seed)
    R = cfg["resolution"]
    out, t0 = [], time.time()
    for k in range(0, a.count, a.batch):
        n = min(a.batch, a.count - k)
        x = ddim(model, (n, 3, R, R), a.steps, alpha_bar, g, clip=not a.no_clip)
        img = ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
        out.append(img)
        print(f"{k + n}/{a.count} samples ({time.time() - t0:.0f} s)", flush=True)
    pixels = np.concatenate(out)
    names = json.dumps([f"sample_{i:05d}" for i in range(len(pixels))]).encode()
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(len(names).to_bytes(4, "little"))
        f.write(names)
        f.write(pixels.tobytes())
    os.replace(tmp, a.out)
    print(f"wrote {len(pixels)} samples of step {step} ({a.steps} DDIM steps) to {a.out}")


if __name__ == "__main__":
    main()

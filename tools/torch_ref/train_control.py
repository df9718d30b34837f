"""Trains DiffJSCC's control branch (control.py) on the frozen prior, on the CPU (or a GPU): pairs
(x, y = DeepJSCC(x)) with the SNR uniform in --snr (default 0…14 dB) per image and a fresh channel draw every
step, drawn by the PyTorch port of the committed DeepJSCC (deepjscc.py, noiseless output equal to the
engine's); ε-prediction loss of the prior with the branch's residuals, only the branch trained (Adam, cosine
LR, EMA). The copy starts from the prior's encoder weights, the zero convs at zero, so step 0's loss is the
prior's. Checkpoints are torch.save archives written atomically (temp file + rename) and resumable: batch
order, timesteps, noise, SNRs and channel draws are functions of (seed, step). Convert the result with
tools/convert_control.ts (it takes the EMA weights).

    npx tsx tools/dataset_cache.ts --size 64            # prints the decoded training-set cache file
    /usr/bin/python3 tools/torch_ref/train_control.py --cache .cache/datasets/….bin --out runs/control_64.pt \\
        --steps 20000 --threads 2 --precision bf16-autocast --max-minutes 120 --resume
    npx tsx tools/convert_control.ts runs/control_64.pt models/control_64.safetensors --prior models/prior_64.safetensors
"""
import argparse
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from unet import UNet, group_norm_in_float  # noqa: E402
from control import CONTROL_DEFAULTS, ControlNet, controlled_eps  # noqa: E402
from deepjscc import DeepJSCC  # noqa: E402
from train_ddpm import cosine_lr, load_cache  # noqa: E402
import safetensors_io  # noqa: E402
from run_state import (StopOnSignal, Stretch, atomic_save, cpu_state, device_description, print_resumed,  # noqa: E402
                       refuse_existing_out, time_up)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")


def load_prior(path, dev):
    weights, meta = safetensors_io.load(path)
    cfg = json.loads(meta["config"])
    prior = UNet(cfg)
    # converted priors hold the EMA weights under their plain names; engine checkpoints under ema.
    src = {k[4:]: v for k, v in weights.items() if k.startswith("ema.")} or weights
    prior.load_state_dict({k: torch.from_numpy(src[k].copy()) for k in prior.state_dict()}, strict=True)
    for p in prior.parameters():
        p.requires_grad_(False)
    return prior.to(dev).eval(), cfg


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True, help="decoded training images (npx tsx tools/dataset_cache.ts --size 64)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--prior", default=os.path.join(ROOT, "models/prior_64.safetensors"), help="the frozen prior (converted safetensors)")
    ap.add_argument("--jscc", default=os.path.join(ROOT, "models/deepjscc_64_bcr1-48.safetensors"), help="the DeepJSCC that makes y")
    ap.add_argument("--snr", default="0:14", help="SNR range in dB, uniform per image (lo:hi)")
    ap.add_argument("--t-max", type=int, default=999, help="train on timesteps 0…t-max (the sampler starts from y noised to t ≤ t-max)")
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--every", type=int, default=250, help="checkpoint every N steps")
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=0)
    ap.add_argument("--no-flip", action="store_true", help="no random horizontal flips (on by default)")
    ap.add_argument("--stem-channels", type=int, default=CONTROL_DEFAULTS["stemChannels"])
    ap.add_argument("--snr-scale", type=float, default=CONTROL_DEFAULTS["snrScale"])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--precision", choices=["fp32", "bf16-autocast"], default="fp32",
                    help="bf16-autocast: convolutions and matmuls in bfloat16; weights, Adam, EMA, the loss and DeepJSCC in float32")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--force", action="store_true", help="replace an existing --out")
    a = ap.parse_args()
    refuse_existing_out(a, "train_control")
    snr_lo, snr_hi = (float(v) for v in a.snr.split(":"))
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    prior, cfg = load_prior(a.prior, dev)
    images = load_cache(a.cache)
    if images.shape[1] != cfg["resolution"]:
        sys.exit(f"train_control: cache has {images.shape[1]}×{images.shape[1]} images, the prior wants {cfg['resolution']}")
    jscc = DeepJSCC(a.jscc)
    torch.manual_seed(a.seed)
    control = ControlNet(cfg, a.stem_channels, a.snr_scale).to(dev)
    control.init_copy_from(prior)
    autocast = a.precision == "bf16-autocast"
    if autocast and dev.type == "cpu":
        group_norm_in_float(prior)
        group_norm_in_float(control)
    ema = {k: v.detach().clone() for k, v in control.state_dict().items()}
    opt = torch.optim.Adam(control.parameters(), lr=a.lr)
    step, seconds, runs, stretches = 0, 0.0, 0, []
    if a.resume and os.path.exists(a.out):
        ck = torch.load(a.out, map_location=dev)
        control.load_state_dict(ck["model"])
        ema = {k: v.to(dev) for k, v in ck["ema"].items()}
        opt.load_state_dict(ck["optimizer"])
        step, seconds, runs, stretches = ck["step"], ck["seconds"], ck["runs"], ck["stretches"]
        print_resumed(a.out, step, seconds)
    runs += 1
    stretch = Stretch(runs, step, device_description(dev, a.threads), a.batch, a.precision)
    control_cfg = {"unet": cfg, "stemChannels": a.stem_channels, "snrScale": a.snr_scale}
    prior_id = {"file": os.path.basename(a.prior), "sha256": sha256(a.prior)}
    T = 1000
    alpha_bar = torch.tensor(np.cumprod(1 - np.linspace(1e-4, 0.02, T)), dtype=torch.float32).to(dev)
    t0 = time.time()

    def save():
        atomic_save({"model": cpu_state(control.state_dict()), "ema": cpu_state(ema), "optimizer": opt.state_dict(), "step": step,
                     "seconds": seconds + time.time() - t0, "runs": runs, "config": control_cfg, "prior": prior_id,
                     "snr": [snr_lo, snr_hi], "tMax": a.t_max, "jsccBcr": jscc.cfg["bcr"], "stretches": stretches + [stretch.upto(step, t0)],
                     "command": " ".join(sys.argv)}, a.out)

    stop = StopOnSignal()  # a signal ends the run after the current step, checkpointed; exit code 128 + signal
    last, last_step, losses = time.time(), step, []
    while step < a.steps and not stop.signal:
        g = np.random.default_rng([a.seed, step])
        idx = g.integers(0, len(images), size=a.batch)
        x0 = torch.from_numpy(images[idx].astype(np.float32) / 127.5 - 1).permute(0, 3, 1, 2)
        t = torch.from_numpy(g.integers(0, a.t_max + 1, size=a.batch))
        if not a.no_flip:
            flip = torch.from_numpy(g.random(a.batch) < 0.5)
            x0 = torch.where(flip[:, None, None, None], x0.flip(3), x0)
        snr = torch.from_numpy(g.uniform(snr_lo, snr_hi, size=a.batch).astype(np.float32))
        channel = torch.Generator().manual_seed(int(g.integers(0, 2 ** 62)))
        y = jscc((x0 + 1) / 2, snr, channel) * 2 - 1  # float32, outside autocast: y as the engine makes it
        eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(a.seed * 1_000_003 + step))
        x0, t, eps, y, snr = x0.to(dev), t.to(dev), eps.to(dev), y.to(dev), snr.to(dev)
        ab = alpha_bar[t][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        for group in opt.param_groups:
            group["lr"] = cosine_lr(step, a.steps, a.lr)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=autocast):
            out = controlled_eps(prior, control, xt, t, y, snr)
        loss = torch.mean((out.float() - eps) ** 2)
        if not torch.isfinite(loss):
            sys.exit(f"train_control: non-finite loss at step {step}; the last good checkpoint {a.out} is kept")
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            for k, v in control.state_dict().items():
                ema[k].mul_(a.ema).add_(v.detach(), alpha=1 - a.ema)
        losses.append(loss.item())
        step += 1
        if step % a.log_every == 0:
            now = time.time()
            print(f"step {step} loss {np.mean(losses):.4f} {(step - last_step) * a.batch / (now - last):.1f} img/s", flush=True)
            last, last_step, losses = now, step, []
        if step % a.every == 0:
            save()
        if time_up(t0, a.max_minutes):
            break
    save()
    print(f"stopped at step {step}; checkpoint {a.out}", flush=True)
    print(f"convert: npx tsx tools/convert_control.ts {a.out} models/control_{cfg['resolution']}.safetensors --prior {a.prior}"
          + (f" --snr-scale {a.snr_scale:g}" if a.snr_scale != CONTROL_DEFAULTS["snrScale"] else ""), flush=True)
    stop.exit()


if __name__ == "__main__":
    main()

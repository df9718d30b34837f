"""Trains the DDPM prior with the PyTorch reference of the engine's U-Net on the CPU (Debian's
python3-torch), for when the engine's own trainer is too slow on a machine without a GPU. Same config,
schedule, loss, Adam + cosine LR and EMA as `commin train ddpm`; checkpoints are torch.save archives written
atomically and resumable; convert the result with tools/convert_ddpm.ts (it takes the EMA weights).
Also runs under torchrun with DistributedDataParallel (gloo on CPUs, NCCL on GPUs; see distributed.py):
--batch is then per rank, each step trains on WORLD_SIZE·--batch images (the same draws as one process with
that batch), and only rank 0 logs and writes checkpoints.

    npx tsx tools/dataset_cache.ts --size 64            # prints the decoded training-set cache file
    /usr/bin/python3 tools/torch_ref/train_ddpm.py --cache .cache/datasets/utkface-train-64-….bin \\
        --out runs/prior_64.pt --steps 60000 --max-minutes 120 --resume
    torchrun --nproc_per_node 2 tools/torch_ref/train_ddpm.py --threads 1 --batch 8 …   # 2 ranks × 8 = 16
    (Debian's python3-torch 1.13: /usr/bin/python3 tools/torch_ref/torchrun.py … instead of its broken torchrun)
    npx tsx tools/convert_ddpm.ts runs/prior_64.pt models/prior_64.safetensors --config small
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from unet import UNet, group_norm_in_float  # noqa: E402
from distributed import Ranks  # noqa: E402
from run_state import StopOnSignal, Stretch, atomic_save, cpu_state, device_description, print_resumed, time_up  # noqa: E402

SMALL = {"resolution": 64, "inChannels": 3, "outChannels": 3, "ch": 32, "chMult": [1, 2, 2, 2], "numResBlocks": 1,
         "attnResolutions": [16], "dropout": 0, "groups": 32, "eps": 1e-6}


def load_cache(path, mmap=False):
    if mmap:  # the ranks on one machine share the file's pages instead of holding a copy each
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(4), "little")
            names = json.loads(f.read(n))
        px = np.memmap(path, dtype=np.uint8, mode="r", offset=4 + n)
        size = int(round(math.sqrt(len(px) / len(names) / 3)))
        return px.reshape(len(names), size, size, 3)
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[:4], "little")
    names = json.loads(data[4:4 + n])
    px = np.frombuffer(data[4 + n:], dtype=np.uint8)
    size = int(round(math.sqrt(len(px) / len(names) / 3)))
    return px.reshape(len(names), size, size, 3)


def cosine_lr(step, total, lr, warmup=200):
    if step < warmup:
        return lr * (step + 1) / warmup
    t = min(1.0, (step - warmup) / max(1, total - warmup))
    return lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * t)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--config", help="JSON file with a UNetConfig (default: the small 64×64 config)")
    ap.add_argument("--steps", type=int, default=60000)
    ap.add_argument("--batch", type=int, default=16, help="per rank under torchrun (each step: WORLD_SIZE × batch images)")
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--every", type=int, default=500)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=0)
    ap.add_argument("--no-flip", action="store_true", help="no random horizontal flips (on by default)")
    ap.add_argument("--device", default="cpu", help="cpu | cuda | cuda:N (checkpoints are written with CPU tensors either way; "
                    "under torchrun, cuda is the GPU numbered LOCAL_RANK)")
    ap.add_argument("--precision", choices=["fp32", "bf16-autocast"], default="fp32",
                    help="bf16-autocast: convolutions and matmuls in bfloat16, weights, Adam, EMA and the loss in float32 "
                         "(1.7× the images/s of fp32 on a CPU with AVX-512 BF16; emulated and slower without it)")
    ap.add_argument("--low-t-share", type=float, default=0.0,
                    help="share of the timestep draws moved into t < T/2 (0: uniform over all T, the original recipe; "
                         "the methods start at t <= 400, the rest keeps the high-t mass that unconditional sampling needs)")
    ap.add_argument("--min-snr-gamma", type=float, default=0.0,
                    help="min-SNR-γ loss weighting, min(SNR_t, γ)/SNR_t on the ε loss (0: unweighted, the original recipe)")
    ap.add_argument("--stop-at", type=int, default=0,
                    help="stop (checkpointed) at this step without changing the LR schedule of --steps; recipe comparisons "
                         "give each recipe the same number of steps from one checkpoint")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init-from", help="start from converted weights (safetensors; used as model and EMA) when --out does not exist")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = json.load(open(a.config)) if a.config else SMALL
    ranks = Ranks()  # torchrun's WORLD_SIZE/RANK/LOCAL_RANK; one process without them
    images = load_cache(a.cache, mmap=ranks.enabled)
    if images.shape[1] != cfg["resolution"]:
        sys.exit(f"train_ddpm: cache has {images.shape[1]}×{images.shape[1]} images, the config wants {cfg['resolution']}")
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        sys.exit("train_ddpm: --device cuda, but this torch sees no CUDA device")
    dev = ranks.setup(dev)
    model = UNet(cfg).to(dev)
    autocast = a.precision == "bf16-autocast"
    if autocast and dev.type == "cpu":
        group_norm_in_float(model)
    ema = {k: v.detach().clone() for k, v in model.state_dict().items()}
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    step, seconds, runs, stretches = 0, 0.0, 0, []
    if a.resume and os.path.exists(a.out):
        ck = torch.load(a.out, map_location=dev)
        model.load_state_dict(ck["model"])
        ema = {k: v.to(dev) for k, v in ck["ema"].items()}
        opt.load_state_dict(ck["optimizer"])
        step, seconds, runs, stretches = ck["step"], ck["seconds"], ck.get("runs", 0), ck.get("stretches", [])
        if ranks.main:
            print_resumed(a.out, step, seconds)
    elif a.init_from:
        import safetensors_io
        weights, meta = safetensors_io.load(a.init_from)
        state = {k: torch.from_numpy(v.copy()) for k, v in weights.items()}
        model.load_state_dict(state)
        ema = {k: v.detach().clone() for k, v in model.state_dict().items()}
        step = int(meta.get("step", 0))
        seconds = float(meta.get("seconds", 0))
        if ranks.main:
            print(f"initialised from {a.init_from} (step {step}; optimizer state starts fresh)", flush=True)
    runs += 1
    batch = a.batch * ranks.world  # images per step, over all ranks
    # where this stretch runs, for the model card
    stretch = Stretch(runs, step, device_description(dev, a.threads), batch, a.precision, worldSize=ranks.world)
    if ranks.enabled:
        stretch["batchPerRank"] = a.batch
    net, model = model, ranks.wrap(model)  # net: the U-Net itself (checkpoints, EMA); model: DDP around it
    lo, hi = ranks.slice(a.batch)
    T = 1000
    alpha_bar = torch.tensor(np.cumprod(1 - np.linspace(1e-4, 0.02, T)), dtype=torch.float32).to(dev)
    t0 = time.time()

    def save():
        optim = opt.state_dict()
        optim["state"] = {k: {n: (v.cpu() if torch.is_tensor(v) else v) for n, v in s.items()} for k, s in optim["state"].items()}
        atomic_save({"model": cpu_state(net.state_dict()), "ema": cpu_state(ema), "optimizer": optim, "step": step,
                     "seconds": seconds + time.time() - t0, "runs": runs, "config": cfg,
                     "stretches": stretches + [stretch.upto(step, t0)], "command": " ".join(sys.argv)}, a.out)

    # a signal ends the run after the current step, checkpointed; exit code 128 + signal number
    stop = StopOnSignal()
    # under torchrun the ranks stop together, on what they agreed at a step (ranks.agree)
    agreed = {"signal": 0, "timeUp": False}
    stopping = (lambda: agreed["signal"]) if ranks.enabled else (lambda: stop.signal)
    last, last_step, losses = time.time(), step, []
    last_step_of_run = min(a.steps, a.stop_at) if a.stop_at else a.steps
    stretch["recipe"] = {"lowTShare": a.low_t_share, "minSnrGamma": a.min_snr_gamma}
    snr = alpha_bar / (1 - alpha_bar)
    while step < last_step_of_run and not stopping():
        # the step's draws are those of one process with batch world·--batch; this rank trains on [lo, hi)
        g = np.random.default_rng([a.seed, step])
        idx = g.integers(0, len(images), size=batch)[lo:hi]
        x0 = torch.from_numpy(images[idx].astype(np.float32) / 127.5 - 1).permute(0, 3, 1, 2)
        t_all = g.integers(0, T, size=batch)
        if a.low_t_share > 0:  # its own generator, so idx, t and the flips stay the draws of the original recipe
            low = np.random.default_rng([a.seed, step, 1]).random(batch) < a.low_t_share
            t_all = np.where(low, t_all % (T // 2), t_all)
        t = torch.from_numpy(t_all[lo:hi])
        if not a.no_flip:  # drawn after idx and t so those stay what they were without flips
            flip = torch.from_numpy(g.random(batch)[lo:hi] < 0.5)
            x0 = torch.where(flip[:, None, None, None], x0.flip(3), x0)
        eps = torch.randn((batch, *x0.shape[1:]), generator=torch.Generator().manual_seed(a.seed * 1_000_003 + step))[lo:hi]
        x0, t, eps = x0.to(dev), t.to(dev), eps.to(dev)
        ab = alpha_bar[t][:, None, None, None]
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        for group in opt.param_groups:
            group["lr"] = cosine_lr(step, a.steps, a.lr)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=autocast):
            out = model(xt, t)
        if a.min_snr_gamma > 0:
            weight = torch.clamp(snr[t], max=a.min_snr_gamma) / snr[t]
            loss = torch.mean(weight[:, None, None, None] * (out.float() - eps) ** 2)
        else:
            loss = torch.mean((out.float() - eps) ** 2)
        if ranks.enabled:
            mean_loss, agreed["signal"], agreed["timeUp"] = ranks.agree(loss, stop.signal, time_up(t0, a.max_minutes))
            if not math.isfinite(mean_loss):
                ranks.exit(f"train_ddpm: non-finite loss at step {step}; the last good checkpoint {a.out} is kept" if ranks.main else 1)
        elif not torch.isfinite(loss):
            sys.exit(f"train_ddpm: non-finite loss at step {step}; the last good checkpoint {a.out} is kept")
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            for k, v in net.state_dict().items():
                ema[k].mul_(a.ema).add_(v.detach(), alpha=1 - a.ema)
        losses.append(mean_loss if ranks.enabled else loss.item())
        step += 1
        if step % 50 == 0 and ranks.main:
            now = time.time()
            print(f"step {step} loss {np.mean(losses):.4f} {(step - last_step) * batch / (now - last):.1f} img/s", flush=True)
            last, last_step, losses = now, step, []
        if step % a.every == 0 and ranks.main:
            save()
        if agreed["timeUp"] or (not ranks.enabled and time_up(t0, a.max_minutes)):
            break
    if ranks.enabled:
        same, digest = ranks.same_weights(net.state_dict(), ema)
        if ranks.main:
            print(f"{ranks.world} ranks hold {'identical' if same else 'DIFFERENT'} weights and EMA (rank 0: sha256 {digest[:16]})",
                  file=sys.stdout if same else sys.stderr, flush=True)
    if ranks.main:
        save()
        print(f"stopped at step {step}; checkpoint {a.out}", flush=True)
    ranks.close()
    signum = stop.signal or agreed["signal"]
    ranks.exit(StopOnSignal.code(signum) if signum else 0)


if __name__ == "__main__":
    main()

"""Trains the face GAN (gan.py: the engine's generator and spectral-norm discriminator) on the CPU (Debian's
python3-torch) or a GPU, for when the engine's `commin train gan` is too slow. Same losses and schedule as the
engine's trainer: hinge losses; each step one power iteration of the discriminator's spectral norms, a
discriminator update on (real, detached G(z)), then a generator update against the updated discriminator;
Adam with β1 0.5 and constant learning rates (2e-4 both by default); an EMA of G's weights (0.999). Real
images are the uint8 training-set cache in [0, 1], with random horizontal flips (--no-flip: none). Batches,
flips and z are functions of (seed, step), so a resumed run repeats a straight one. Checkpoints are
torch.save archives written atomically (temp file + rename) with G, its EMA, D (with its u, v) and both Adam
states, and a 4×4 grid of EMA samples from a fixed z beside each (<stem>_samples_step<N>.png). A non-finite
loss stops the run and writes nothing (the last checkpoint stays). Convert with tools/convert_gan.ts.

    npx tsx tools/dataset_cache.ts --size 64            # prints the decoded training-set cache file
    /usr/bin/python3 tools/torch_ref/train_gan.py --cache .cache/datasets/utkface-train-64-….bin \\
        --out runs/gan_64.pt --steps 100000 --threads 2 --precision bf16-autocast --max-minutes 120 --resume
    npx tsx tools/convert_gan.ts runs/gan_64.pt models/gan_64.safetensors
"""
import argparse
import json
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from gan import DEFAULT_GAN_DISCRIMINATOR, DEFAULT_GENERATOR, Discriminator, Generator  # noqa: E402
from train_ddpm import load_cache  # noqa: E402
from run_state import (StopOnSignal, Stretch, atomic_save, cpu_name, cpu_state, device_description,  # noqa: E402
                       print_resumed, refuse_existing_out, time_up)

GRID_SEED = 1234


def ints(s):
    return [int(v) for v in s.split(",")]


def write_png(path, rgb):
    """uint8 [H, W, 3] → an 8-bit RGB PNG (zlib only: no imaging package needed)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def sample_grid(gen_cfg, ema, path):
    """16 samples of the EMA generator from a fixed z as a 4×4 grid."""
    with torch.random.fork_rng():  # its random init must not move the global RNG
        g = Generator(gen_cfg)
    g.load_state_dict({k: v.cpu() for k, v in ema.items()})
    z = torch.randn(16, gen_cfg["latent"], generator=torch.Generator().manual_seed(GRID_SEED))
    with torch.no_grad():
        x = g(z).clamp(0, 1).mul(255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    s = x.shape[1]
    grid = x.reshape(4, 4, s, s, 3).transpose(0, 2, 1, 3, 4).reshape(4 * s, 4 * s, 3)
    write_png(path, np.ascontiguousarray(grid))


def grid_path(out, step):
    stem = os.path.splitext(out)[0]
    return f"{stem}_samples_step{step}.png"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True, help="decoded training images (npx tsx tools/dataset_cache.ts --size 64)")
    ap.add_argument("--out", required=True, help="checkpoint (.pt); an existing one needs --resume or --force")
    ap.add_argument("--latent", type=int, default=DEFAULT_GENERATOR["latent"])
    ap.add_argument("--g-channels", type=ints, default=DEFAULT_GENERATOR["channels"], help="c0,c1,…: the 4×4 map, then each upsampling stage")
    ap.add_argument("--d-channels", type=ints, default=DEFAULT_GAN_DISCRIMINATOR["channels"], help="the discriminator's stride-2 stages")
    ap.add_argument("--steps", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-4, help="generator learning rate (constant, Adam β1 0.5)")
    ap.add_argument("--d-lr", type=float, default=2e-4, help="discriminator learning rate (constant, Adam β1 0.5)")
    ap.add_argument("--ema", type=float, default=0.999, help="EMA decay of G's weights (0: the EMA is the weights)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--every", type=int, default=1000, help="checkpoint (and sample grid) every N steps")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=0)
    ap.add_argument("--no-flip", action="store_true", help="no random horizontal flips of the real images")
    ap.add_argument("--device", default="cpu", help="cpu | cuda | cuda:N (checkpoints hold CPU tensors either way)")
    ap.add_argument("--precision", choices=["fp32", "bf16-autocast"], default="fp32",
                    help="bf16-autocast: convolutions and matmuls in bfloat16; weights, Adam, EMA, GroupNorm, σ and the losses in "
                         "float32 (needs AVX-512 BF16 on a CPU to be faster than fp32)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--force", action="store_true", help="replace an existing --out")
    a = ap.parse_args()
    refuse_existing_out(a, "train_gan")
    if not 0 <= a.ema < 1:
        sys.exit(f"train_gan: --ema must be in [0, 1), got {a.ema}")
    torch.set_num_threads(a.threads)
    gen_cfg = {"latent": a.latent, "channels": a.g_channels, "groups": DEFAULT_GENERATOR["groups"]}
    disc_cfg = {"channels": a.d_channels}
    images = load_cache(a.cache)
    size = 4 * 2 ** len(a.g_channels)
    if images.shape[1] != size:
        sys.exit(f"train_gan: cache has {images.shape[1]}×{images.shape[1]} images, the generator makes {size}×{size}")
    dev = torch.device(a.device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        sys.exit("train_gan: --device cuda, but this torch sees no CUDA device")
    torch.manual_seed(a.seed)
    gen, disc = Generator(gen_cfg).to(dev), Discriminator(disc_cfg).to(dev)
    ema = {k: v.detach().clone() for k, v in gen.state_dict().items()}
    g_opt = torch.optim.Adam(gen.parameters(), lr=a.lr, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(disc.parameters(), lr=a.d_lr, betas=(0.5, 0.999))
    step, seconds, runs, stretches, history = 0, 0.0, 0, [], []
    if a.resume and os.path.exists(a.out):
        ck = torch.load(a.out, map_location=dev)
        if ck["config"] != gen_cfg or ck["discriminatorConfig"] != disc_cfg:
            sys.exit(f"train_gan: {a.out} has generator {ck['config']} / discriminator {ck['discriminatorConfig']}, not {gen_cfg} / {disc_cfg}")
        gen.load_state_dict(ck["model"])
        disc.load_state_dict(ck["discriminator"])
        ema = {k: v.to(dev) for k, v in ck["ema"].items()}
        g_opt.load_state_dict(ck["optimizer"])
        d_opt.load_state_dict(ck["dOptimizer"])
        step, seconds, runs, stretches, history = ck["step"], ck["seconds"], ck["runs"], ck["stretches"], ck["history"]
        print_resumed(a.out, step, seconds)
    runs += 1
    autocast = a.precision == "bf16-autocast"
    where = device_description(dev, a.threads, cpu=cpu_name)
    stretch = Stretch(runs, step, where, a.batch, a.precision)
    command = " ".join([os.path.basename(sys.executable)] + sys.argv)
    t0 = time.time()

    def save():
        total = seconds + time.time() - t0
        all_stretches = stretches + [stretch.upto(step, t0)]
        # the model card's fields as strings, for tools/convert_gan.ts (which reads no pickled Python objects)
        card = {"config": gen_cfg, "step": step, "seconds": round(total, 1), "runs": runs, "batch": a.batch, "imagesSeen": sum(
            (s["toStep"] - s["fromStep"]) * s["batch"] for s in all_stretches), "lr": a.lr, "dLr": a.d_lr, "emaDecay": a.ema,
            "loss": "hinge", "discriminator": disc_cfg, "stretches": all_stretches, "history": history, "commandLine": command,
            "device": where}
        atomic_save({"model": cpu_state(gen.state_dict()), "ema": cpu_state(ema), "discriminator": cpu_state(disc.state_dict()),
                     "optimizer": g_opt.state_dict(), "dOptimizer": d_opt.state_dict(), "step": step, "seconds": total,
                     "runs": runs, "config": gen_cfg, "discriminatorConfig": disc_cfg, "stretches": all_stretches,
                     "history": history, "command": command, "card": json.dumps(card)}, a.out)
        sample_grid(gen_cfg, ema, grid_path(a.out, step))

    stop = StopOnSignal()  # a signal ends the run after the current step, checkpointed; exit code 128 + signal
    last, last_step, losses = time.time(), step, []
    interval = []  # (D, G) losses since the last checkpoint: their mean goes into the history there

    def checkpoint():
        if interval:
            d_mean, g_mean = np.mean(interval, axis=0)
            history.append({"step": step, "hours": round((seconds + time.time() - t0) / 3600, 3), "train": {"d": round(float(d_mean), 4), "g": round(float(g_mean), 4)}})
            interval.clear()
        save()

    while step < a.steps and not stop.signal:
        g = np.random.default_rng([a.seed, step])
        idx = g.integers(0, len(images), size=a.batch)
        real = torch.from_numpy(images[idx].astype(np.float32) / 255).permute(0, 3, 1, 2)
        if not a.no_flip:
            flip = torch.from_numpy(g.random(a.batch) < 0.5)
            real = torch.where(flip[:, None, None, None], real.flip(3), real)
        z = torch.randn(a.batch, a.latent, generator=torch.Generator().manual_seed(a.seed * 1_000_003 + step))
        real, z = real.to(dev), z.to(dev)
        disc.power_iterate()  # once per step, before D's update (as the engine)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=autocast):
            fake = gen(z)
            logits = disc(torch.cat([real, fake.detach()])).float()
        d_loss = F.relu(1 - logits[:a.batch]).mean() + F.relu(1 + logits[a.batch:]).mean()
        if not torch.isfinite(d_loss):
            sys.exit(f"train_gan: non-finite discriminator loss at step {step}; the last good checkpoint {a.out} is kept")
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        # G against the updated D, whose weights take no gradient here
        disc.requires_grad_(False)
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=autocast):
            g_loss = -disc(fake).float().mean()
        if not torch.isfinite(g_loss):
            sys.exit(f"train_gan: non-finite generator loss at step {step}; the last good checkpoint {a.out} is kept")
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()
        disc.requires_grad_(True)
        with torch.no_grad():
            for k, v in gen.state_dict().items():
                ema[k].mul_(a.ema).add_(v.detach(), alpha=1 - a.ema)
        losses.append((d_loss.item(), g_loss.item()))
        interval.append(losses[-1])
        step += 1
        if step % a.log_every == 0:
            now = time.time()
            d_mean, g_mean = np.mean(losses, axis=0)
            print(f"step {step} d {d_mean:.4f} g {g_mean:.4f} {(step - last_step) * a.batch / (now - last):.1f} img/s", flush=True)
            last, last_step, losses = now, step, []
        if step % a.every == 0:
            checkpoint()
        if time_up(t0, a.max_minutes):
            break
    checkpoint()
    print(f"stopped at step {step}; checkpoint {a.out}, samples {grid_path(a.out, step)}", flush=True)
    print(f"convert: npx tsx tools/convert_gan.ts {a.out} models/gan_{size}.safetensors", flush=True)
    stop.exit()


if __name__ == "__main__":
    main()

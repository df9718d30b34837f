"""Training throughput of the PyTorch reference U-Net (the 64×64 prior config) on this CPU: images/s of a
full step (forward, backward, Adam) per variant, median of timed steps after warm-up. Prints one JSON
object; `npm run bench` folds it into its results next to the engine's trainer.

    /usr/bin/python3 tools/torch_ref/bench_train.py [--steps 8] [--batch 16] [--variants fp32-1t,fp32-2t,...]
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from unet import UNet, group_norm_in_float  # noqa: E402
from train_ddpm import SMALL  # noqa: E402

VARIANTS = {
    "fp32-1t": dict(threads=1),
    "fp32-2t": dict(threads=2),
    "fp32-channels-last-2t": dict(threads=2, channels_last=True),
    "bf16-autocast-2t": dict(threads=2, autocast=True),
    "bf16-weights-2t": dict(threads=2, bf16=True),
    # on an NVIDIA GPU (bench/gpu/run.sh): the limit the engine's Vulkan path is compared with
    "fp32-cuda": dict(threads=1, device="cuda"),
    "tf32-cuda": dict(threads=1, device="cuda", tf32=True),
    "bf16-autocast-cuda": dict(threads=1, device="cuda", autocast=True),
}
CPU_VARIANTS = [k for k, v in VARIANTS.items() if v.get("device", "cpu") == "cpu"]


def run(name, threads, steps, batch, channels_last=False, autocast=False, bf16=False, device="cpu", tf32=False):
    if device == "cuda" and not torch.cuda.is_available():
        return {"variant": name, "error": "no CUDA device visible to torch"}
    torch.set_num_threads(threads)
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.manual_seed(0)
    model = UNet(SMALL).to(device)
    dtype = torch.bfloat16 if bf16 else torch.float32
    model = model.to(dtype)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    if autocast:
        group_norm_in_float(model)
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)
    x = torch.randn(batch, 3, 64, 64, dtype=dtype, device=device).to(memory_format=fmt)
    eps = torch.randn_like(x)
    t = torch.randint(0, 1000, (batch,), device=device)

    def step():
        with torch.autocast(device, dtype=torch.bfloat16, enabled=autocast):
            out = model(x, t)
        loss = torch.mean((out.float() - eps.float()) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()  # a read-back: the step is complete on a GPU too

    try:
        t0 = time.perf_counter()
        step()
        first = time.perf_counter() - t0
        step()
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            step()
            times.append(time.perf_counter() - t0)
    except Exception as e:  # a variant this torch build cannot run is reported, not hidden
        return {"variant": name, "error": str(e).splitlines()[0][:200]}
    times.sort()
    med = times[len(times) // 2]
    return {"variant": name, "device": device, "threads": threads, "batch": batch, "imagesPerSecond": round(batch / med, 3),
            "medianStepMs": round(med * 1000, 1), "firstStepMs": round(first * 1000, 1), "steps": steps}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--variants", default=",".join(CPU_VARIANTS), help=f"comma-separated, of: {', '.join(VARIANTS)}")
    a = ap.parse_args()
    rows = []
    for name in a.variants.split(","):
        if name not in VARIANTS:
            sys.exit(f"bench_train: unknown variant '{name}' (known: {', '.join(VARIANTS)})")
        rows.append(run(name, steps=a.steps, batch=a.batch, **VARIANTS[name]))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    blas = torch.__config__.show()
    print(json.dumps({"torch": torch.__version__, "cpuCapability": torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else None,
                      "blas": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"), "rows": rows, "buildNote": "AVX2" if "AVX2" in blas else None}))


if __name__ == "__main__":
    main()

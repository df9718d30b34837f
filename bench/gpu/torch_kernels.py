"""PyTorch's time for the engine's kernel rows (bench/kernel_rows.ts: the same matmul and conv shapes), on
CUDA when a GPU is visible, else on the CPU: the limit the engine's rows are read against in
bench/gpu/run.sh. fp32 with TF32 off (the engine computes in f32) and, on a GPU, with TF32 and bf16 too.
Median per call over groups of calls after warm-up, synchronised per group. Prints one JSON object.

    python3 bench/gpu/torch_kernels.py [--reps 50]
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

MATMULS = [(1, 1024, 1024, 1024), (1, 256, 256, 256), (8, 256, 64, 256), (1, 4096, 288, 64), (1, 1000, 100, 10)]
# name, x shape, w shape, stride, padding — as CONVS in bench/kernel_rows.ts
CONVS = [
    ("3x3 64→64 (U-Net)", (8, 64, 64, 64), (64, 64, 3, 3), 1, 1),
    ("3x3 128→128 16×16", (8, 128, 16, 16), (128, 128, 3, 3), 1, 1),
    ("5x5 s2 3→16 (DeepJSCC)", (8, 3, 64, 64), (16, 3, 5, 5), 2, 2),
    ("5x5 32→32 16×16 (DeepJSCC)", (8, 32, 16, 16), (32, 32, 5, 5), 1, 2),
    ("1x1 128→256", (8, 128, 16, 16), (256, 128, 1, 1), 1, 0),
]


def timed(fn, reps, device):
    """Median per-call time over 10 groups of reps/10 calls, synchronised per group (not per call: on a
    GPU a sync per call would time the launch and sync latency of the small shapes)."""
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for _ in range(3):
        fn()
    sync()
    per = max(1, reps // 10)
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        for _ in range(per):
            fn()
        sync()
        times.append((time.perf_counter() - t0) / per)
    times.sort()
    return times[len(times) // 2]


def rows_for(device, dtype, tf32, reps):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    mode = "bf16" if dtype == torch.bfloat16 else ("tf32" if tf32 else "fp32")
    out = []
    g = torch.Generator(device=device).manual_seed(0)
    for b, m, k, n in MATMULS:
        a = torch.rand(b, m, k, device=device, dtype=dtype, generator=g)
        w = torch.rand(b, k, n, device=device, dtype=dtype, generator=g)
        s = timed(lambda: torch.matmul(a, w), reps, device)
        out.append({"name": "matmul", "shape": f"{b}x{m}x{k}x{n}", "mode": mode, "ms": s * 1e3, "gflops": 2 * b * m * k * n / s / 1e9})
    for name, xs, ws, stride, pad in CONVS:
        x = torch.rand(*xs, device=device, dtype=dtype, generator=g)
        w = torch.rand(*ws, device=device, dtype=dtype, generator=g)
        y = F.conv2d(x, w, stride=stride, padding=pad)
        flops = 2 * y.numel() * ws[1] * ws[2] * ws[3]  # counted as direct convolution, as the engine's rows
        s = timed(lambda: F.conv2d(x, w, stride=stride, padding=pad), reps, device)
        out.append({"name": f"conv2d {name}", "shape": f"x{list(xs)} w{list(ws)}", "mode": mode, "ms": s * 1e3, "gflops": flops / s / 1e9})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=50)
    a = ap.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    rows = rows_for(device, torch.float32, False, a.reps)
    if device == "cuda":
        rows += rows_for(device, torch.float32, True, a.reps) + rows_for(device, torch.bfloat16, False, a.reps)
    name = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    print(json.dumps({"torch": torch.__version__, "device": name, "threads": torch.get_num_threads(), "rows": rows}))


if __name__ == "__main__":
    main()

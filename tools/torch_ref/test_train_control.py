"""Tests train_control.py on a tiny generated dataset and a tiny prior (the committed DeepJSCC makes y; it is
fully convolutional, so 8×8 images do):
- an untrained branch leaves the prior's ε̂ as it was (zero convs), bit for bit;
- 2 steps, then --resume to 3 equals 3 steps straight (weights, EMA and Adam state);
- an existing --out without --resume or --force is refused; a non-finite loss stops the run with the message
  and writes no checkpoint.
Prints one line per check and exits 1 on the first failure. Run by test/tools/train_control.test.ts (which
then converts DIR/moved.pt with DIR/prior.safetensors and checks the engine's ε̂ against DIR/check.safetensors), or alone:

    /usr/bin/python3 tools/torch_ref/test_train_control.py [--dir DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from unet import UNet  # noqa: E402
from control import ControlNet, controlled_eps  # noqa: E402
import safetensors_io  # noqa: E402

TINY = {"resolution": 8, "inChannels": 3, "outChannels": 3, "ch": 8, "chMult": [1, 2], "numResBlocks": 1,
        "attnResolutions": [4], "dropout": 0, "groups": 4, "eps": 1e-6}


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", help="work folder (kept); default: a temporary one")
    a = ap.parse_args()
    d = a.dir or tempfile.mkdtemp(prefix="train-control-")
    os.makedirs(d, exist_ok=True)
    path = lambda n: os.path.join(d, n)  # noqa: E731
    torch.manual_seed(0)
    prior = UNet(TINY)
    safetensors_io.save(path("prior.safetensors"), {k: v.numpy() for k, v in prior.state_dict().items()}, {"config": json.dumps(TINY)})
    names = json.dumps([f"img{i}.png" for i in range(8)]).encode()
    with open(path("cache.bin"), "wb") as f:
        f.write(len(names).to_bytes(4, "little") + names + np.random.default_rng(0).integers(0, 256, (8, 8, 8, 3), dtype=np.uint8).tobytes())

    control = ControlNet(TINY)
    control.init_copy_from(prior)
    x, t, y, snr = torch.randn(3, 3, 8, 8), torch.tensor([1, 500, 999]), torch.rand(3, 3, 8, 8) * 2 - 1, torch.tensor([0.0, 7.0, 14.0])
    with torch.no_grad():
        same = torch.equal(controlled_eps(prior, control, x, t, y, snr), prior(x, t))
    check(same, "an untrained branch (zero convs) gives the prior's ε̂ exactly")

    common = [sys.executable, os.path.join(HERE, "train_control.py"), "--cache", path("cache.bin"), "--prior", path("prior.safetensors"),
              "--batch", "2", "--threads", "1", "--log-every", "1", "--stem-channels", "8"]
    run = lambda *args: subprocess.run([*common, *args], capture_output=True, text=True)  # noqa: E731
    r = run("--steps", "3", "--out", path("straight.pt"))
    check(r.returncode == 0, f"3 steps straight ({r.stderr.strip()[-300:]})")
    run("--steps", "2", "--out", path("resumed.pt"))
    r = run("--steps", "3", "--out", path("resumed.pt"), "--resume")
    check(r.returncode == 0 and "resumed from" in r.stdout, "2 steps, then --resume to 3")
    s, q = torch.load(path("straight.pt")), torch.load(path("resumed.pt"))
    diff = max(max((s[k][n] - q[k][n]).abs().max().item() for n in s[k]) for k in ("model", "ema"))
    adam = max((s["optimizer"]["state"][i]["exp_avg"] - q["optimizer"]["state"][i]["exp_avg"]).abs().max().item() for i in s["optimizer"]["state"])
    check(q["step"] == 3 and q["runs"] == 2 and diff == 0 and adam == 0, f"resumed = straight (weights, EMA, Adam; max |Δ| {max(diff, adam):.1e})")
    moved = max(s["model"][n].abs().max().item() for n in s["model"] if n.startswith("zero_convs."))
    check(moved > 0, f"the zero convs have left zero after 3 steps (max |w| {moved:.1e})")

    # for the converter's test: a branch that has moved (large LR, EMA = weights) on fixed inputs, and its ε̂
    r = run("--steps", "3", "--lr", "2", "--ema", "0", "--out", path("moved.pt"))
    check(r.returncode == 0, "3 steps with a large LR for the converter's check")
    trained = ControlNet(TINY, 8)
    trained.load_state_dict(torch.load(path("moved.pt"))["ema"])
    with torch.no_grad():
        eps = controlled_eps(prior, trained, x, t, y, snr)
        away = (eps - prior(x, t)).abs().max().item()
    check(away > 1e-2, f"that branch changes the prior's ε̂ (max |Δ| {away:.2e})")
    safetensors_io.save(path("check.safetensors"), {"x": x.numpy(), "t": t.float().numpy(), "y": y.numpy(), "snr": snr.numpy(), "eps": eps.numpy()})

    r = run("--steps", "3", "--out", path("straight.pt"))
    check(r.returncode != 0 and "--resume continues it, --force replaces it" in r.stderr, "an existing --out needs --resume or --force")
    r = run("--steps", "5", "--lr", "1e38", "--out", path("nan.pt"))
    check(r.returncode != 0 and "non-finite loss" in r.stderr and not os.path.exists(path("nan.pt")), "a non-finite loss stops the run, no checkpoint")
    print(f"all checks passed ({d})")


if __name__ == "__main__":
    main()

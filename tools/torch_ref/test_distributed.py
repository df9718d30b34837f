"""Tests train_ddpm.py under torchrun with two CPU processes (gloo) on a tiny generated dataset and U-Net:
- 2 ranks × --batch 2 give the weights and EMA of one process with --batch 4 (up to rounding: agree()), and differ from
  one process with --batch 2 (rank 0's half alone); the checkpoint loads, is at step 3 and its stretch records
  worldSize 2, batch 4, batchPerRank 2; the ranks report identical weights at the end;
- a 2-rank run stopped at step 2 and resumed to step 3 equals the run straight to step 3;
- SIGTERM to torchrun: rank 0 saves a checkpoint, the workers exit 143;
- a non-finite loss stops both ranks with the message and writes no checkpoint.
Prints one line per check and exits 1 on the first failure. Run by test/tools/torch_ddp.test.ts, or alone:

    /usr/bin/python3 tools/torch_ref/test_distributed.py [--trainer tools/torch_ref/train_ddpm.py] [--keep]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TINY = {"resolution": 8, "inChannels": 3, "outChannels": 3, "ch": 8, "chMult": [1, 2], "numResBlocks": 1,
        "attnResolutions": [], "dropout": 0, "groups": 4, "eps": 1e-6}


# seconds after which a short run counts as hung (they take under 10 s; CI machines are slower)
HANG_S = 90


def write_cache(path, n=12, res=8):
    names = json.dumps([f"img{i}.png" for i in range(n)]).encode()
    px = np.random.default_rng(7).integers(0, 256, size=(n, res, res, 3), dtype=np.uint8)
    with open(path, "wb") as f:
        f.write(len(names).to_bytes(4, "little") + names + px.tobytes())


def max_diff(a, b):
    return max(float((a[k].float() - b[k].float()).abs().max()) for k in a)


def agree(a, b):
    """Whether two state dicts hold the same weights up to rounding: all but 0.1 % of the entries within 1e-6,
    and every entry within 1e-4. Adam divides by sqrt(v) + 1e-8, so where a gradient is about 1e-8 at a step
    (attention's key bias, whose gradient softmax makes 0 up to rounding; a weight that met only padding),
    the rounding of a sum taken in another order moves the update by a sizeable part of lr: measured 1.8e-5
    on 15 of 41,899 entries, while the rest agreed to 4e-8 and one process with half the batch differs by 3e-3.
    Returns (ok, largest difference, entries past 1e-6, entries)."""
    far = sum(int(((a[k].float() - b[k].float()).abs() > 1e-6).sum()) for k in a)
    n = sum(a[k].numel() for k in a)
    d = max_diff(a, b)
    return far <= 0.001 * n and d < 1e-4, d, far, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainer", default=os.path.join(HERE, "train_ddpm.py"))
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="ddp-test-")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cache, config = os.path.join(tmp, "tiny.bin"), os.path.join(tmp, "tiny.json")
    write_cache(cache)
    json.dump(TINY, open(config, "w"))
    # lr 0.05 (warm-up: 2.5e-4, 5e-4, 7.5e-4 over the 3 steps) moves the weights far beyond the tolerance
    common = ["--cache", cache, "--config", config, "--threads", "1", "--lr", "0.05", "--ema", "0.5", "--every", "1000"]
    # torchrun from this Python (a torchrun on PATH may belong to another), with the fix torchrun.py brings
    torchrun = [sys.executable, os.path.join(HERE, "torchrun.py"), "--standalone", "--nproc_per_node", "2"]
    failures = []

    def kill_all(p):
        # torchrun, its ranks and anything else started with this test's temp folder in its command line
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if shutil.which("pkill"):
            subprocess.run(["pkill", "-KILL", "-f", tmp], check=False)
        p.communicate()

    def finish(procs, what):
        # a run that outlives HANG_S is a failure (ranks used to hang at exit, in torch's teardown of the DDP
        # reducer's gloo group; train_ddpm.py now leaves through Ranks.exit): every process of this test is
        # killed first, so nothing keeps running after the test
        try:
            return [p.communicate(timeout=HANG_S)[0] for p in procs]
        except subprocess.TimeoutExpired:
            for p in procs:
                kill_all(p)
            sys.exit(f"FAIL: hung for {HANG_S} s, killed: {what}")

    def run(cmd, expect=0):
        t0 = time.time()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            stdout, stderr = p.communicate(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            kill_all(p)
            sys.exit(f"FAIL: hung for {HANG_S} s, killed: {' '.join(cmd)}")
        if expect is not None and p.returncode != expect:
            sys.exit(f"FAIL: exit {p.returncode} (wanted {expect}): {' '.join(cmd)}\n{stdout}\n{stderr}")
        return subprocess.CompletedProcess(cmd, p.returncode, stdout, stderr), time.time() - t0

    def check(ok, what):
        print(f"{'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            failures.append(what)

    def out(name):
        return os.path.join(tmp, name)

    ddp, secs = run(torchrun + [a.trainer, *common, "--steps", "3", "--batch", "2", "--out", out("ddp.pt")])
    print(f"     2 ranks × batch 2, 3 steps: {secs:.1f} s", flush=True)
    _, secs = run([sys.executable, a.trainer, *common, "--steps", "3", "--batch", "4", "--out", out("one.pt")])
    print(f"     1 process × batch 4, 3 steps: {secs:.1f} s", flush=True)
    run([sys.executable, a.trainer, *common, "--steps", "3", "--batch", "2", "--out", out("half.pt")])
    ck, one, half = (torch.load(out(n), map_location="cpu") for n in ("ddp.pt", "one.pt", "half.pt"))
    check(ck["step"] == 3, f"checkpoint of the 2-rank run loads, step {ck['step']}")
    s = ck["stretches"][-1]
    check((s.get("worldSize"), s.get("batch"), s.get("batchPerRank")) == (2, 4, 2),
          f"stretch records worldSize {s.get('worldSize')}, batch {s.get('batch')}, batchPerRank {s.get('batchPerRank')}")
    check(one["stretches"][-1].get("worldSize") == 1 and "batchPerRank" not in one["stretches"][-1], "one process: worldSize 1")
    check("2 ranks hold identical weights" in ddp.stdout, "the ranks report identical weights and EMA")
    check(ddp.stdout.count("stopped at step 3") == 1, "only rank 0 logs the end")
    (ok_m, d_model, far_m, n), (ok_e, d_ema, far_e, _) = agree(ck["model"], one["model"]), agree(ck["ema"], one["ema"])
    check(ok_m and ok_e, f"2 ranks × 2 = 1 process × 4: max |Δ| model {d_model:.2e}, EMA {d_ema:.2e}; past 1e-6: {far_m} and {far_e} of {n} entries")
    d_half = max_diff(half["model"], one["model"])
    check(d_half > 1e-3, f"and not 1 process × 2 (rank 0's half alone): max |Δ| {d_half:.2e}")

    run(torchrun + [a.trainer, *common, "--steps", "2", "--batch", "2", "--out", out("resumed.pt")])
    run(torchrun + [a.trainer, *common, "--steps", "3", "--batch", "2", "--out", out("resumed.pt"), "--resume"])
    r = torch.load(out("resumed.pt"), map_location="cpu")
    d = max(max_diff(r["model"], ck["model"]), max_diff(r["ema"], ck["ema"]))
    check(r["step"] == 3 and r["runs"] == 2 and d < 1e-6, f"2 ranks: 2 steps, then --resume to 3 = 3 steps straight (max |Δ| {d:.2e})")

    def until_training(p):  # reads up to the first log line (step 50): the ranks are training
        lines = []
        for line in p.stdout:
            lines.append(line)
            if line.startswith("step "):
                return lines
        return lines

    # SIGTERM to torchrun, which passes it on to the workers (its own exit status is then 1): rank 0 saves
    long = [a.trainer, *common, "--steps", "1000000", "--batch", "2"]
    p = subprocess.Popen(torchrun + long + ["--out", out("sig.pt")], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    lines = until_training(p)
    p.send_signal(signal.SIGTERM)
    text = "".join(lines) + finish([p], "SIGTERM to torchrun")[0]
    saved = torch.load(out("sig.pt"), map_location="cpu")["step"] if os.path.exists(out("sig.pt")) else None
    check(saved is not None and saved >= 50 and "2 ranks hold identical weights" in text and "stopped at step" in text,
          f"SIGTERM to torchrun: rank 0 saved at step {saved}")

    # the two ranks started without torchrun (as a cluster scheduler may), SIGTERM to rank 1 only: both stop at
    # the same step, rank 0 saves, both exit 143
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    procs = [subprocess.Popen([sys.executable] + long + ["--out", out("sig1.pt")], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              env={**env, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "WORLD_SIZE": "2",
                                   "RANK": str(r), "LOCAL_RANK": str(r)}) for r in range(2)]
    lines = until_training(procs[0])
    procs[1].send_signal(signal.SIGTERM)
    texts = finish(procs, "SIGTERM to rank 1 alone")
    saved = torch.load(out("sig1.pt"), map_location="cpu")["step"] if os.path.exists(out("sig1.pt")) else None
    codes = [p.returncode for p in procs]
    check(codes == [143, 143] and saved is not None and f"stopped at step {saved}" in "".join(lines) + texts[0]
          and not texts[1].strip(), f"SIGTERM to rank 1 alone: exits {codes}, rank 0 saved at step {saved}, rank 1 printed nothing")

    nan, _ = run(torchrun + [a.trainer, *common, "--steps", "5", "--batch", "2", "--lr", "1e38", "--out", out("nan.pt")],
                 expect=None)
    check(nan.returncode != 0 and "non-finite loss at step" in nan.stdout + nan.stderr and not os.path.exists(out("nan.pt")),
          f"non-finite loss: both ranks stop (torchrun exit {nan.returncode}), no checkpoint written")

    if a.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp)
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("all checks passed")


if __name__ == "__main__":
    main()

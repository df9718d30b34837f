"""The plumbing the PyTorch trainers (train_ddpm.py, train_control.py, train_gan.py) share: atomic
checkpoints, stopping on SIGINT/SIGTERM after the current step (exit code 128 + signal), the description of
the device a run trains on, the "stretches" bookkeeping of the model card, the refusal to overwrite an
existing --out, the --max-minutes clock and the line printed on resuming."""
import os
import platform
import signal
import sys
import time

import torch


def atomic_save(obj, path):
    """torch.save to path + ".tmp", then rename over path: a reader never sees a half-written checkpoint."""
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def cpu_state(d):
    """A state dict's tensors, detached, on the CPU (checkpoints hold CPU tensors whatever the device)."""
    return {k: v.detach().cpu() for k, v in d.items()}


class StopOnSignal:
    """Installs SIGINT/SIGTERM handlers that only record the signal: the training loop ends after the current
    step, checkpoints, and exits with 128 + signal (exit())."""

    def __init__(self, signums=(signal.SIGINT, signal.SIGTERM)):
        self.signal = 0
        for s in signums:
            signal.signal(s, self._on_signal)

    def _on_signal(self, signum, _frame):
        self.signal = signum

    def __bool__(self):
        return bool(self.signal)

    @staticmethod
    def code(signum):
        return 128 + signum

    @property
    def exit_code(self):
        return self.code(self.signal) if self.signal else 0

    def exit(self, signum=None):
        """sys.exit(128 + signal) when a signal arrived (signum: another one to use, e.g. agreed by the ranks)."""
        signum = signum if signum is not None else self.signal
        if signum:
            sys.exit(self.code(signum))


def cpu_name():
    """The CPU's model name (platform.processor() is empty on Linux)."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def device_description(dev, threads, cpu=None):
    """Where a stretch runs, for the model card: the CUDA device's name, or "<cpu>, N thread(s)" with cpu a
    string or a function giving one (default: platform.processor() or platform.machine(), then " CPU")."""
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    if cpu is None:
        cpu = f"{platform.processor() or platform.machine()} CPU"
    elif callable(cpu):
        cpu = cpu()
    return f"{cpu}, {threads} thread(s)"


class Stretch:
    """One stretch of training (one process run) for the checkpoint's "stretches": run, fromStep, device, batch,
    precision, host and any extra fields, closed with toStep and hours by upto()."""

    def __init__(self, run, from_step, device, batch, precision, **extra):
        self.fields = {"run": run, "fromStep": from_step, "device": device, "batch": batch, "precision": precision,
                       "host": platform.node(), **extra}

    def __setitem__(self, key, value):
        self.fields[key] = value

    def upto(self, step, t0):
        """The stretch as it stands at step, started at time t0."""
        return {**self.fields, "toStep": step, "hours": round((time.time() - t0) / 3600, 3)}


def refuse_existing_out(a, name):
    """Exits when --out exists and neither --resume nor --force was given."""
    if os.path.exists(a.out) and not (a.resume or a.force):
        sys.exit(f"{name}: {a.out} exists; --resume continues it, --force replaces it")


def time_up(t0, max_minutes):
    """Whether --max-minutes (0: no limit) have passed since t0."""
    return bool(max_minutes) and time.time() - t0 > max_minutes * 60


def print_resumed(out, step, seconds):
    print(f"resumed from {out} at step {step} ({seconds / 3600:.2f} h trained)", flush=True)

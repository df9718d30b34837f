"""Golden values for the engine's control branch (src/networks/control.ts): a tiny U-Net as the prior and a
control branch whose zero-initialised convs are given random values (so every path of the branch counts),
one batch of x_t, t, y and SNR; writes both networks' weights, the inputs and the controlled ε̂ to
test/fixtures/control_golden.safetensors. test/models/control_golden.test.ts must reproduce ε̂ (CI needs no
Python).

    /usr/bin/python3 tools/torch_ref/control_golden.py
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from unet import UNet  # noqa: E402
from control import ControlNet, controlled_eps  # noqa: E402
import safetensors_io  # noqa: E402

TINY = {"resolution": 8, "inChannels": 3, "outChannels": 3, "ch": 8, "chMult": [1, 2], "numResBlocks": 1,
        "attnResolutions": [4], "dropout": 0, "groups": 4, "eps": 1e-6}
STEM, SNR_SCALE, N = 8, 50.0, 3

torch.manual_seed(0)
prior = UNet(TINY)
control = ControlNet(TINY, STEM, SNR_SCALE)
with torch.no_grad():
    for name, p in control.named_parameters():
        if name.startswith(("zero_convs.", "mid_zero_conv.", "cond_stem.2.")):
            p.uniform_(-0.3, 0.3)
rng = np.random.default_rng(0)
x = rng.standard_normal((N, 3, 8, 8)).astype(np.float32)
y = (rng.random((N, 3, 8, 8)) * 2 - 1).astype(np.float32)
t = np.array([3, 400, 999])
snr = np.array([0.5, 7.0, 13.25], dtype=np.float32)
with torch.no_grad():
    eps = controlled_eps(prior, control, torch.from_numpy(x), torch.from_numpy(t), torch.from_numpy(y), torch.from_numpy(snr))
    plain = prior(torch.from_numpy(x), torch.from_numpy(t))
out = {f"prior.{k}": v.numpy() for k, v in prior.state_dict().items()}
out.update({f"control.{k}": v.numpy() for k, v in control.state_dict().items()})
out.update({"x": x, "y": y, "t": t.astype(np.float32), "snr": snr, "eps": eps.numpy(), "eps_prior": plain.numpy()})
path = os.path.join(os.path.dirname(__file__), "../../test/fixtures/control_golden.safetensors")
cfg = {"unet": TINY, "stemChannels": STEM, "snrScale": SNR_SCALE}
safetensors_io.save(path, out, {"config": json.dumps(cfg), "torch": torch.__version__})
print(f"wrote {path}: |ε̂ − ε̂_prior| max {float((eps - plain).abs().max()):.4f}")

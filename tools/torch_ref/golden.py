"""Golden values for the engine's DDPM trainer: a tiny U-Net, one batch, 50 Adam steps with given timesteps
and noise; writes the initial weights, the inputs and the 50 losses to test/fixtures/ddpm_golden.safetensors.
The engine's test replays the same steps and must reproduce the losses (CI needs no Python).

    /usr/bin/python3 tools/torch_ref/golden.py
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from unet import UNet  # noqa: E402
import safetensors_io  # noqa: E402

TINY = {"resolution": 8, "inChannels": 3, "outChannels": 3, "ch": 8, "chMult": [1, 2], "numResBlocks": 1,
        "attnResolutions": [4], "dropout": 0, "groups": 4, "eps": 1e-6}
STEPS, N, T = 50, 4, 1000

torch.manual_seed(0)
model = UNet(TINY)
weights = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
betas = np.linspace(1e-4, 0.02, T)
alpha_bar = np.cumprod(1 - betas)
rng = np.random.default_rng(0)
x0 = (rng.random((N, 3, 8, 8)) * 2 - 1).astype(np.float32)
ts = rng.integers(0, T, size=(STEPS, N))
eps = rng.standard_normal((STEPS, N, 3, 8, 8)).astype(np.float32)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
losses = []
for s in range(STEPS):
    a = torch.tensor(np.sqrt(alpha_bar[ts[s]]), dtype=torch.float32)[:, None, None, None]
    b = torch.tensor(np.sqrt(1 - alpha_bar[ts[s]]), dtype=torch.float32)[:, None, None, None]
    e = torch.from_numpy(eps[s])
    xt = a * torch.from_numpy(x0) + b * e
    loss = torch.mean((model(xt, torch.from_numpy(ts[s])) - e) ** 2)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
out = {f"weights.{k}": v for k, v in weights.items()}
out.update({"x0": x0, "t": ts.astype(np.float32), "eps": eps, "losses": np.array(losses, dtype=np.float32)})
path = os.path.join(os.path.dirname(__file__), "../../test/fixtures/ddpm_golden.safetensors")
os.makedirs(os.path.dirname(path), exist_ok=True)
safetensors_io.save(path, out, {"config": json.dumps(TINY), "lr": "0.001", "torch": torch.__version__})
print(f"wrote {path}: losses {losses[0]:.5f} … {losses[-1]:.5f}")

"""A minimal PyTorch port of src/networks/deepjscc.ts (inference only, AWGN): loads a checkpoint written by
`commin train jscc` (config in its metadata, parameter names and layouts as the engine's: linear weights
[in, out], transposed-conv weights [in, out, 5, 5]) so the DiffJSCC trainer can draw y = DeepJSCC(x) with a
fresh channel per step. The noiseless output equals the engine's (test/tools/deepjscc_port.test.ts runs
`--check`).

    /usr/bin/python3 tools/torch_ref/deepjscc.py --check FILE   # FILE: x, snr, y from the engine; prints max |Δ|
"""
import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import safetensors_io  # noqa: E402


class DeepJSCC:
    def __init__(self, path):
        weights, meta = safetensors_io.load(path)
        self.cfg = json.loads(meta["config"])
        size, (num, den) = self.cfg["size"], self.cfg["bcr"]
        if (2 * size * size * 3 * num // den) % ((size // 4) ** 2):
            raise ValueError(f"{path}: BCR {num}/{den} sends part of a latent map (every r-th row); this port sends whole maps")
        if not self.cfg.get("snrAdaptive", False):
            raise ValueError(f"{path}: only SNR-adaptive DeepJSCC checkpoints are ported")
        # the Adam state (optimizer.*) travels in the same file; only the model's tensors are kept
        self.w = {k: torch.from_numpy(v.copy()) for k, v in weights.items() if not k.startswith("optimizer.")}

    def _attend(self, h, name, snr):
        if f"{name}.af.fc1.weight" not in self.w:
            return h
        ctx = torch.cat([h.mean(dim=(2, 3)), snr[:, None]], dim=1)
        a = F.leaky_relu(ctx @ self.w[f"{name}.af.fc1.weight"] + self.w[f"{name}.af.fc1.bias"], 0.01)
        s = torch.sigmoid(a @ self.w[f"{name}.af.fc2.weight"] + self.w[f"{name}.af.fc2.bias"])
        return h * s[:, :, None, None]

    def encode(self, x01, snr):
        h = x01
        for i in range(5):
            n = f"encoder.{i}"
            h = F.conv2d(h, self.w[f"{n}.conv.weight"], self.w[f"{n}.conv.bias"], stride=2 if i < 2 else 1, padding=2)
            h = self._attend(F.prelu(h, self.w[f"{n}.prelu"]), n, snr)
        return h

    def decode(self, z, snr):
        h = z
        for i in range(5):
            n, up = f"decoder.{i}", i >= 3
            h = F.conv_transpose2d(h, self.w[f"{n}.conv.weight"], self.w[f"{n}.conv.bias"], stride=2 if up else 1,
                                   padding=2, output_padding=1 if up else 0)
            h = self._attend(F.prelu(h, self.w[f"{n}.prelu"]), n, snr) if f"{n}.prelu" in self.w else torch.sigmoid(h)
        return h

    @staticmethod
    def channel(z, snr, generator=None, noise=True):
        """AWGN as shaders/channel.wgsl: each image's k complex symbols scaled to power 1, then complex noise of
        variance 10^(−SNR/10) (half per real part). The draws differ from the engine's (Philox), not their law."""
        flat = z.reshape(z.shape[0], -1)
        k = flat.shape[1] / 2
        y = flat * (k / flat.pow(2).sum(1, keepdim=True).clamp_min(1e-30)).sqrt()
        if noise:
            std = (10 ** (-snr / 10) * 0.5).sqrt()[:, None]
            y = y + std * torch.randn(flat.shape, generator=generator)
        return y.reshape(z.shape)

    @torch.no_grad()
    def __call__(self, x01, snr, generator=None, noise=True):
        """x [N, 3, S, S] in [0, 1], snr [N] in dB → the decoded image in [0, 1]."""
        return self.decode(self.channel(self.encode(x01, snr), snr, generator, noise), snr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", required=True, help="safetensors with x, snr and the engine's noiseless output y")
    ap.add_argument("--model", default=os.path.join(os.path.dirname(__file__), "../../models/deepjscc_64_bcr1-48.safetensors"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    t, _ = safetensors_io.load(a.check)
    y = DeepJSCC(a.model)(torch.from_numpy(t["x"].copy()), torch.from_numpy(t["snr"].copy()), noise=False)
    print(json.dumps({"maxAbsDiff": float((y - torch.from_numpy(t["y"].copy())).abs().max()), "count": int(y.shape[0])}))


if __name__ == "__main__":
    main()

"""Golden values for the engine's face GAN (test/models/gan_golden.test.ts): a tiny generator and
discriminator of gan.py with random weights (GroupNorm affine included), z, PyTorch's images, the
discriminator's logits on them, and the logits and spectral-norm vectors after one power iteration. Written to
test/fixtures/gan_golden.safetensors (CI needs no Python).

    /usr/bin/python3 tools/torch_ref/gan_golden.py
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import gan  # noqa: E402
from gan import Discriminator, Generator  # noqa: E402
import safetensors_io  # noqa: E402

TINY_G = {"latent": 8, "channels": [16, 8], "groups": 4}
TINY_D = {"channels": [8, 16]}

torch.manual_seed(0)
gen, disc = Generator(TINY_G), Discriminator(TINY_D)
with torch.no_grad():
    for n, p in gen.named_parameters():
        if n.startswith("norm"):  # away from 1 / 0, so the test sees the affine part
            p.add_(0.2 * torch.randn_like(p))
z = torch.randn(3, TINY_G["latent"])
with torch.no_grad():
    images = gen(z)
    logits = disc(images)
    # gan.py's phase-conv form of the transposed convs against torch's own ConvTranspose2d
    plain, gan.conv_transpose_4x4_s2 = gan.conv_transpose_4x4_s2, lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1)
    assert torch.allclose(gen(z), images, rtol=1e-5, atol=1e-6), "conv_transpose_4x4_s2 differs from ConvTranspose2d"
    gan.conv_transpose_4x4_s2 = plain
    before = {k: v.numpy().copy() for k, v in disc.state_dict().items()}  # the vectors these logits used
    disc.power_iterate()
    logits_after = disc(images)
out = {f"g.{k}": v.numpy() for k, v in gen.state_dict().items()}
out.update({f"d.{k}": v for k, v in before.items()})
out["z"], out["images"], out["logits"], out["logitsAfterPowerStep"] = z.numpy(), images.numpy(), logits.numpy(), logits_after.numpy()
for k, v in disc.state_dict().items():
    if k.endswith(("sn_u", "sn_v")):
        out[f"after.{k}"] = v.numpy()
path = os.path.join(os.path.dirname(__file__), "../../test/fixtures/gan_golden.safetensors")
os.makedirs(os.path.dirname(path), exist_ok=True)
safetensors_io.save(path, out, {"generator": json.dumps(TINY_G), "discriminator": json.dumps(TINY_D), "torch": torch.__version__})
print(f"wrote {path}: images mean {images.mean().item():.5f}, logits mean {logits.mean().item():.5f}")

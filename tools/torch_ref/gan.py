"""PyTorch reference of the engine's face GAN (src/networks/generator.ts, src/networks/discriminator.ts), with the
engine's parameter names and shapes, so a state dict converts to the engine's safetensors unchanged:

Generator  fc.weight [latent, 16·c0] (stored [in, out]: y = z·W + b, as the engine's linear), fc.bias,
           norm{i}.weight/.bias [c_i] (GroupNorm, eps 1e-5, groups = the largest divisor of c_i ≤ groups),
           up{i}.weight [c_i, c_{i+1} or 3, 4, 4] (transposed conv, stride 2, padding 1), up{i}.bias.
Discriminator conv{l}.weight [c_{l+1}, c_l, 4, 4], conv{l}.bias, conv{l}.sn_u [c_{l+1}], conv{l}.sn_v [c_l·16]
           (buffers): 4×4 convs, padding 1, stride 2 with LeakyReLU 0.2, the last stride 1 to one logit per patch.

Spectral norm is hand-written to match the engine rather than torch's parametrization (which advances u by
one power iteration at every forward in training mode): here u, v advance only when power_iterate() is
called (the trainer calls it once per step, before the discriminator's update, as the engine does), and the
forward divides W by σ = uᵀ·W·v with u, v constant, so the gradient flows through W in numerator and σ. The
power iteration normalises as the engine does, x / (‖x‖ + 1e-12) (torch: x / max(‖x‖, 1e-12)). Initial u is
a normalised Gaussian settled by 15 iterations (as both torch and the engine), drawn from torch's RNG, so
fresh weights and vectors differ from a fresh engine model's; loaded ones give the same outputs.

The transposed convolutions run as one 3×3 conv per layer giving the four output phases, then pixel_shuffle
(conv_transpose_4x4_s2): the same sums as ConvTranspose2d, 2.25× the multiply-adds (zero taps), but Debian's
torch 1.13 (generic BLAS) runs ConvTranspose2d's backward ~8× slower than conv2d's (oneDNN) on the CPU.

Under bf16 autocast the GroupNorm, the spectral normalisation and the sigmoid run in float32.
"""
import torch
import torch.nn.functional as F
from torch import nn

DEFAULT_GENERATOR = {"latent": 128, "channels": [256, 128, 64, 32], "groups": 8}
DEFAULT_GAN_DISCRIMINATOR = {"channels": [32, 64, 128, 256]}
LEAKY_SLOPE = 0.2
GN_EPS = 1e-5


def groups_for(c, groups):
    """The largest divisor of c not above `groups` (the engine's groupsFor)."""
    g = min(groups, c)
    while c % g:
        g -= 1
    return g


def uniform_(t, bound):
    with torch.no_grad():
        return t.uniform_(-bound, bound)


class Generator(nn.Module):
    def __init__(self, cfg=DEFAULT_GENERATOR):
        super().__init__()
        self.cfg = {"latent": cfg["latent"], "channels": list(cfg["channels"]), "groups": cfg["groups"]}
        ch, latent = self.cfg["channels"], self.cfg["latent"]
        self.size = 4 * 2 ** len(ch)
        # the engine's layout [in, out]; PyTorch's default init U(±1/√in)
        self.fc = nn.Module()
        self.fc.weight = nn.Parameter(uniform_(torch.empty(latent, ch[0] * 16), latent ** -0.5))
        self.fc.bias = nn.Parameter(uniform_(torch.empty(ch[0] * 16), latent ** -0.5))
        outs = ch[1:] + [3]
        self.groups = [groups_for(c, self.cfg["groups"]) for c in ch]
        for i, c in enumerate(ch):
            norm = nn.Module()
            norm.weight = nn.Parameter(torch.ones(c))
            norm.bias = nn.Parameter(torch.zeros(c))
            setattr(self, f"norm{i}", norm)
            setattr(self, f"up{i}", nn.ConvTranspose2d(c, outs[i], 4, stride=2, padding=1))

    def _norm_relu(self, x, i):
        n = getattr(self, f"norm{i}")
        return F.relu(F.group_norm(x.float(), self.groups[i], n.weight, n.bias, GN_EPS))

    def forward(self, z):
        ch = self.cfg["channels"]
        x = (z @ self.fc.weight + self.fc.bias).reshape(z.shape[0], ch[0], 4, 4)
        x = self._norm_relu(x, 0)
        for i in range(len(ch)):
            up = getattr(self, f"up{i}")
            x = conv_transpose_4x4_s2(x, up.weight, up.bias)
            x = torch.sigmoid(x.float()) if i == len(ch) - 1 else self._norm_relu(x, i + 1)
        return x


# A 4×4, stride-2, padding-1 transposed conv along one axis: output 2m+a = Σ_t x[m−1+t]·W[k] over these (t, k).
_TAPS = {0: ((0, 3), (1, 1)), 1: ((1, 2), (2, 0))}


def _phase_selector():
    """S [4, 3, 3, 4, 4]: S[2a+b, ti, tj, ki, kj] = 1 where output phase (a, b) takes W[ki, kj] at 3×3 tap (ti, tj)."""
    s1 = torch.zeros(2, 3, 4)
    for a, taps in _TAPS.items():
        for t, k in taps:
            s1[a, t, k] = 1
    return torch.einsum("atk,bul->abtukl", s1, s1).reshape(4, 3, 3, 4, 4)


_SELECT = _phase_selector()


def conv_transpose_4x4_s2(x, weight, bias):
    """F.conv_transpose2d(x, weight [Cin, Cout, 4, 4], bias, stride=2, padding=1) as one 3×3 conv giving the four
    output phases as channels (c·4 + 2a + b), then pixel_shuffle: the same sums (zero taps aside)."""
    cin, cout = weight.shape[:2]
    with torch.autocast(weight.device.type, enabled=False):
        k = torch.einsum("ptukl,iokl->opitu", _SELECT.to(weight), weight).reshape(cout * 4, cin, 3, 3)
    return F.pixel_shuffle(F.conv2d(x, k, bias.repeat_interleave(4), padding=1), 2)


def _normalize(x):
    return x / (x.norm() + 1e-12)


class SNConv2d(nn.Module):
    """A 4×4 conv (padding 1) whose weight is divided by its spectral norm estimate σ = uᵀ·W·v."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        bound = (cin * 16) ** -0.5
        self.weight = nn.Parameter(uniform_(torch.empty(cout, cin, 4, 4), bound))
        self.bias = nn.Parameter(uniform_(torch.empty(cout), bound))
        self.register_buffer("sn_u", _normalize(torch.randn(cout)))
        self.register_buffer("sn_v", torch.zeros(cin * 16))
        for _ in range(15):
            self.power_iterate()

    @torch.no_grad()
    def power_iterate(self):
        with torch.autocast(self.weight.device.type, enabled=False):
            w = self.weight.reshape(self.weight.shape[0], -1)
            v = _normalize(self.sn_u @ w)
            self.sn_v.copy_(v)
            self.sn_u.copy_(_normalize(w @ v))

    def forward(self, x):
        w = self.weight
        with torch.autocast(w.device.type, enabled=False):  # σ in float32 (autocast would take the matmuls to bf16)
            w_sn = w / (self.sn_u @ w.reshape(w.shape[0], -1) @ self.sn_v)
        return F.conv2d(x, w_sn, self.bias, stride=self.stride, padding=1)


class Discriminator(nn.Module):
    def __init__(self, cfg=DEFAULT_GAN_DISCRIMINATOR):
        super().__init__()
        self.cfg = {"channels": list(cfg["channels"])}
        chans = [3, *self.cfg["channels"], 1]
        self.n = len(chans) - 1
        for l in range(self.n):
            setattr(self, f"conv{l}", SNConv2d(chans[l], chans[l + 1], 1 if l == self.n - 1 else 2))

    def power_iterate(self):
        for l in range(self.n):
            getattr(self, f"conv{l}").power_iterate()

    def forward(self, x):
        """Images [N, 3, H, W] in [0, 1] → logits [N, 1, H/2^stages − 1, …]."""
        for l in range(self.n):
            x = getattr(self, f"conv{l}")(x)
            if l < self.n - 1:
                x = F.leaky_relu(x, LEAKY_SLOPE)
        return x

"""The DDPM U-Net of the DDIM/DDRM reference architecture in PyTorch, with the same parameter names as
src/networks/unet.ts (so a checkpoint converts with tools/convert_ddpm.ts). Used to train the shipped prior
on this machine's CPU and to produce golden values for the engine's trainer."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    half = dim // 2
    freq = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / (half - 1))
    a = t.float()[:, None] * freq[None, :]
    return torch.cat([torch.sin(a), torch.cos(a)], dim=1)


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout, temb, groups, eps):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=eps)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb_proj = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=eps)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.nin_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        skip = self.nin_shortcut(x) if self.nin_shortcut is not None else x
        return skip + h


class AttnBlock(nn.Module):
    def __init__(self, c, groups, eps):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, eps=eps)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.v = nn.Conv2d(c, c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x):
        b, c, hh, ww = x.shape
        h = self.norm(x)
        q = self.q(h).reshape(b, c, hh * ww).permute(0, 2, 1)
        k = self.k(h).reshape(b, c, hh * ww)
        w = torch.softmax(torch.bmm(q, k) * c ** -0.5, dim=2)
        v = self.v(h).reshape(b, c, hh * ww)
        o = torch.bmm(v, w.permute(0, 2, 1)).reshape(b, c, hh, ww)
        return x + self.proj_out(o)


class Level(nn.Module):
    pass


class UNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        ch, mult, nres, g, eps = cfg["ch"], cfg["chMult"], cfg["numResBlocks"], cfg["groups"], cfg["eps"]
        temb = 4 * ch
        self.temb = nn.Module()
        self.temb.dense = nn.ModuleList([nn.Linear(ch, temb), nn.Linear(temb, temb)])
        self.conv_in = nn.Conv2d(cfg["inChannels"], ch, 3, padding=1)
        res = cfg["resolution"]
        skips = [ch]
        block_in = ch
        self.down = nn.ModuleList()
        in_mult = [1] + list(mult)
        for i, m in enumerate(mult):
            lvl = Level()
            lvl.block, lvl.attn = nn.ModuleList(), nn.ModuleList()
            block_in = ch * in_mult[i]
            for _ in range(nres):
                lvl.block.append(ResnetBlock(block_in, ch * m, temb, g, eps))
                block_in = ch * m
                if res in cfg["attnResolutions"]:
                    lvl.attn.append(AttnBlock(block_in, g, eps))
                skips.append(block_in)
            if i != len(mult) - 1:
                lvl.downsample = nn.Module()
                lvl.downsample.conv = nn.Conv2d(block_in, block_in, 3, stride=2)
                res //= 2
                skips.append(block_in)
            self.down.append(lvl)
        self.mid = nn.Module()
        self.mid.block_1 = ResnetBlock(block_in, block_in, temb, g, eps)
        self.mid.attn_1 = AttnBlock(block_in, g, eps)
        self.mid.block_2 = ResnetBlock(block_in, block_in, temb, g, eps)
        ups = []
        for i in reversed(range(len(mult))):
            lvl = Level()
            lvl.block, lvl.attn = nn.ModuleList(), nn.ModuleList()
            for _ in range(nres + 1):
                lvl.block.append(ResnetBlock(block_in + skips.pop(), ch * mult[i], temb, g, eps))
                block_in = ch * mult[i]
                if res in cfg["attnResolutions"]:
                    lvl.attn.append(AttnBlock(block_in, g, eps))
            if i != 0:
                lvl.upsample = nn.Module()
                lvl.upsample.conv = nn.Conv2d(block_in, block_in, 3, padding=1)
                res *= 2
            ups.insert(0, lvl)
        self.up = nn.ModuleList(ups)
        self.norm_out = nn.GroupNorm(g, block_in, eps=eps)
        self.conv_out = nn.Conv2d(block_in, cfg["outChannels"], 3, padding=1)

    def time_embedding(self, t):
        return self.temb.dense[1](F.silu(self.temb.dense[0](timestep_embedding(t, self.cfg["ch"]))))

    def encode(self, x, temb, input_add=None):
        """The encoder half: the skip features and the middle's output (input_add joins conv_in's output)."""
        h0 = self.conv_in(x)
        hs = [h0 if input_add is None else h0 + input_add]
        for lvl in self.down:
            for j, blk in enumerate(lvl.block):
                h = blk(hs[-1], temb)
                if len(lvl.attn) > 0:
                    h = lvl.attn[j](h)
                hs.append(h)
            if hasattr(lvl, "downsample"):
                hs.append(lvl.downsample.conv(F.pad(hs[-1], (0, 1, 0, 1))))
        return hs, self.mid.block_2(self.mid.attn_1(self.mid.block_1(hs[-1], temb)), temb)

    def decode(self, h, hs, temb):
        """The decoder half (consumes a copy of hs from the end)."""
        hs = list(hs)
        for i in reversed(range(len(self.up))):
            lvl = self.up[i]
            for j, blk in enumerate(lvl.block):
                h = blk(torch.cat([h, hs.pop()], dim=1), temb)
                if len(lvl.attn) > 0:
                    h = lvl.attn[j](h)
            if hasattr(lvl, "upsample"):
                h = lvl.upsample.conv(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(h)))

    def forward(self, x, t):
        temb = self.time_embedding(t)
        hs, h = self.encode(x, temb)
        return self.decode(h, hs, temb)


def group_norm_in_float(model):
    """torch 1.13's CPU GroupNorm refuses bfloat16 input with float32 weights ("expected scalar type
    BFloat16 but found Float") under autocast: normalise in float32, the convolutions stay bfloat16."""
    for mod in model.modules():
        if isinstance(mod, torch.nn.GroupNorm):
            mod.forward = (lambda f: lambda x: f(x.float()))(mod.forward)

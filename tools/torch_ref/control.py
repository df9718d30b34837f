"""DiffJSCC's control branch at this project's scale, in pixel space: a ControlNet-style trainable copy of the
frozen prior's encoder half (down path + middle) that sees x_t, the DeepJSCC output y (through a small conv
stem whose last conv is zero-initialised, added to the copy's conv_in features) and the SNR (sinusoidal
embedding, then an MLP, added to the copy's time embedding). Its features enter the frozen decoder through
zero-initialised 1×1 convs, added to every skip connection and to the middle's output, so at initialisation
the controlled U-Net is the prior. Parameter names are those of src/networks/control.ts (the copy under
`copy.`), so a checkpoint converts with tools/convert_control.ts.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from unet import UNet, timestep_embedding

# stem width, and the factor that spreads SNRs in dB (0…20) over the timestep embedding's range (0…1000)
CONTROL_DEFAULTS = {"stemChannels": 32, "snrScale": 50.0}


def skip_channels(cfg):
    """Channels of each skip feature, in the encoder's order (conv_in's output first), as the U-Net builds them."""
    ch, out = cfg["ch"], [cfg["ch"]]
    for i, m in enumerate(cfg["chMult"]):
        out += [ch * m] * cfg["numResBlocks"]
        if i != len(cfg["chMult"]) - 1:
            out.append(ch * m)
    return out


def zero_(conv):
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


class ControlNet(nn.Module):
    def __init__(self, cfg, stem_channels=CONTROL_DEFAULTS["stemChannels"], snr_scale=CONTROL_DEFAULTS["snrScale"]):
        super().__init__()
        self.cfg, self.snr_scale = cfg, snr_scale
        ch = cfg["ch"]
        self.copy = UNet(cfg)
        del self.copy.up, self.copy.norm_out, self.copy.conv_out  # the decoder stays the frozen prior's
        self.snr_temb = nn.Module()
        self.snr_temb.dense = nn.ModuleList([nn.Linear(ch, 4 * ch), nn.Linear(4 * ch, 4 * ch)])
        s = stem_channels
        self.cond_stem = nn.ModuleList([nn.Conv2d(cfg["inChannels"], s, 3, padding=1), nn.Conv2d(s, s, 3, padding=1),
                                        zero_(nn.Conv2d(s, ch, 3, padding=1))])
        chans = skip_channels(cfg)
        self.zero_convs = nn.ModuleList([zero_(nn.Conv2d(c, c, 1)) for c in chans])
        self.mid_zero_conv = zero_(nn.Conv2d(chans[-1], chans[-1], 1))

    def init_copy_from(self, prior):
        """ControlNet starts its copy from the prior's weights (the encoder half's tensors)."""
        mine = self.copy.state_dict()
        self.copy.load_state_dict({k: v.detach().clone() for k, v in prior.state_dict().items() if k in mine}, strict=True)

    def forward(self, x, t, y, snr):
        """x_t, t, y (DeepJSCC's output in [−1, 1]), snr (dB) → (residuals for the skips, residual for the middle)."""
        temb = self.copy.time_embedding(t)
        e = timestep_embedding(snr * self.snr_scale, self.cfg["ch"])
        temb = temb + self.snr_temb.dense[1](F.silu(self.snr_temb.dense[0](e)))
        c = F.silu(self.cond_stem[0](y))
        c = self.cond_stem[2](F.silu(self.cond_stem[1](c)))
        hs, mid = self.copy.encode(x, temb, c)
        return [z(h) for z, h in zip(self.zero_convs, hs)], self.mid_zero_conv(mid)


def controlled_eps(prior, control, x, t, y, snr, frozen_encoder_no_grad=True):
    """ε̂ of the frozen prior with the control residuals added to its decoder's inputs. The prior's encoder
    takes no trainable input, so by default it runs without building a graph."""
    with torch.set_grad_enabled(torch.is_grad_enabled() and not frozen_encoder_no_grad):
        temb = prior.time_embedding(t)
        hs, mid = prior.encode(x, temb)
    skips, mres = control(x, t, y, snr)
    return prior.decode(mid + mres, [h + r for h, r in zip(hs, skips)], temb)

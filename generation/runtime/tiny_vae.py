"""Weights for the tiny preset's LTX VAE, set in code so that it is a real (if coarse) autoencoder.

Random weights make the VAE decode anything into noise, so an image-to-video render could not start from its
image: the pipeline encodes the image into the first latent frame, keeps that frame through denoising and
decodes it, and a random VAE loses it on the way. These weights make the same LTX encoder and decoder (every
layer of `AutoencoderKLLTXVideo` runs) encode each 32x32 block of a frame into its mean colour and decode a
latent back into those colours, interpolated: decode(encode(image)) is the image at 1/32 resolution,
smoothed. A text-to-video render is then soft colour fields, drawn by the random transformer.

How each layer is set (channels are the LTX patch order: colour-major, 16 pixels of a 4x4 patch each):
- every residual block's convolutions are zero, so each block passes its input through unchanged;
- the encoder's conv_in takes each 4x4 patch's mean colour, each colour both signed (+c, -c), plus a constant
  channel; each 2x2x2 downsampling averages its 2x2 pixels (current frame), so three of them reach 32x32;
- the RMS norms before the output convolutions divide by nearly the same number for every colour (the
  constant channel dominates), and SiLU(a) - SiLU(-a) = a undoes the activation exactly;
- the decoder mirrors it: signed colours and the constant, then each 2x2x2 upsampler interpolates (linearly
  in time, bilinearly in space), so frames change smoothly from one to the next; the last convolution gives
  the 16 pixels of each 4x4 patch its colour;
- the posterior's log-variance is -30, so sampling the latent returns its mean.
"""

from __future__ import annotations

import math

import torch
from diffusers import AutoencoderKLLTXVideo

#: The constant channel: large against the colours (-1..1), so the RMS norm divides every colour by nearly
#: the same amount (within 1.2%).
CONSTANT = 16.0
COLOURS = 3
LOG_VARIANCE = -30.0
#: Latents are eight times the colours: the random transformer's latents (about unit spread) decode to soft
#: colours of an eighth of that spread around mid-grey. At full spread about 6% of the values clipped, and at a
#: quarter the slow colour fields still hid the forensic watermark (16-pixel cells, read from the frames' mean)
#: in a cropped re-encode (tests/provenance/test_worker_provenance.py); an encoded image still decodes to its
#: own colours.
LATENT_SCALE = 8.0


def _zero(module: torch.nn.Module) -> None:
    for parameter in module.parameters():
        parameter.zero_()


def _conv(causal_conv: torch.nn.Module) -> torch.nn.Conv3d:
    return causal_conv.conv


def _resnets_pass_through(module: torch.nn.Module) -> None:
    from diffusers.models.autoencoders.autoencoder_kl_ltx import LTXVideoResnetBlock3d

    for block in module.modules():
        if isinstance(block, LTXVideoResnetBlock3d):
            if block.conv_shortcut is not None:
                raise ValueError("the tiny VAE's blocks must keep their width (no shortcut convolutions)")
            _zero(block.conv1)
            _zero(block.conv2)


def _signed_colours(conv: torch.nn.Conv3d, *, inputs_per_colour: int, tap_t: int, scale: float = 1.0) -> None:
    """out 2c = scale x the mean of colour c's inputs, out 2c+1 = its negative, out 6 = CONSTANT, the rest 0."""
    _zero(conv)
    weight = conv.weight  # (out, in, t, h, w)
    for colour in range(COLOURS):
        for k in range(inputs_per_colour):
            source = colour * inputs_per_colour + k
            weight[2 * colour, source, tap_t, 1, 1] = scale / inputs_per_colour
            weight[2 * colour + 1, source, tap_t, 1, 1] = -scale / inputs_per_colour
    conv.bias[2 * COLOURS] = CONSTANT


def _gain() -> float:
    """What the RMS norm divides by when the colours are 0: undone by the output convolutions."""
    return CONSTANT / math.sqrt(8)


def _unsign(conv: torch.nn.Conv3d, *, outputs_per_colour: int, tap_t: int, scale: float = 1.0) -> None:
    """out (colour c, k) = scale x gain x (SiLU(+c) - SiLU(-c)), which is scale x c."""
    for colour in range(COLOURS):
        for k in range(outputs_per_colour):
            target = colour * outputs_per_colour + k
            conv.weight[target, 2 * colour, tap_t, 1, 1] = scale * _gain()
            conv.weight[target, 2 * colour + 1, tap_t, 1, 1] = -scale * _gain()


#: Linear interpolation by 2: the sub-position before the current sample (0) takes part of the previous one.
_TIME = ((0.5, 0.5, 0.0), (0.0, 1.0, 0.0))
_SPACE = ((0.25, 0.75, 0.0), (0.0, 0.75, 0.25))


def _upsampling_taps() -> torch.Tensor:
    """(8, 3, 3, 3): for each (frame, row, column) sub-position of a 2x2x2 upsampling, the weights of the
    3x3x3 neighbourhood: linear in time, bilinear in space. The RMS norm that follows divides the constant
    channel and the colours alike, so the zero padding at the borders cancels out."""
    taps = torch.zeros(2, 2, 2, 3, 3, 3)
    for st in range(2):
        for sh in range(2):
            for sw in range(2):
                taps[st, sh, sw] = torch.einsum(
                    "i,j,k->ijk", torch.tensor(_TIME[st]), torch.tensor(_SPACE[sh]), torch.tensor(_SPACE[sw])
                )
    return taps.reshape(8, 3, 3, 3)


@torch.no_grad()
def make_block_autoencoder(vae: AutoencoderKLLTXVideo) -> AutoencoderKLLTXVideo:
    """Set the tiny VAE's weights (see the module's docstring); the VAE must be 8 channels wide throughout,
    with patch size 4, three space-time scalings and no timestep conditioning, as the tiny preset's is."""
    config = vae.config
    if config.latent_channels != 8 or set(config.block_out_channels) != {8} or config.patch_size != 4:
        raise ValueError("make_block_autoencoder expects the tiny preset's VAE shape")
    if config.timestep_conditioning or not config.encoder_causal or config.decoder_causal:
        raise ValueError("make_block_autoencoder expects a causal encoder and a non-causal, unconditioned decoder")
    encoder, decoder = vae.encoder, vae.decoder
    patch = config.patch_size**2

    # Encoder. Causal convolutions see frames t-2, t-1, t: the current frame is the last tap (2).
    _resnets_pass_through(encoder)
    _signed_colours(_conv(encoder.conv_in), inputs_per_colour=patch, tap_t=2)
    for block in encoder.down_blocks:
        for down in block.downsamplers or ():
            conv = _conv(down)
            _zero(conv)
            for channel in range(conv.out_channels):
                # stride 2, padding 1: taps 1 and 2 are the pixels 2i and 2i + 1 of the output's 2x2 block
                conv.weight[channel, channel, 2, 1:3, 1:3] = 0.25
    out = _conv(encoder.conv_out)  # 8 means and one log-variance
    _zero(out)
    _unsign(out, outputs_per_colour=1, tap_t=2, scale=LATENT_SCALE)
    out.bias[-1] = LOG_VARIANCE

    # Decoder. Non-causal convolutions see frames t-1, t, t+1: the current frame is the middle tap (1).
    _resnets_pass_through(decoder)
    _signed_colours(_conv(decoder.conv_in), inputs_per_colour=1, tap_t=1, scale=1 / LATENT_SCALE)
    for block in decoder.up_blocks:
        for up in block.upsamplers or ():
            conv = _conv(up.conv)  # the upsampler wraps a causal convolution
            _zero(conv)
            copies = conv.out_channels // conv.in_channels  # 8: (frame, row, column) sub-positions
            taps = _upsampling_taps()
            for channel in range(conv.in_channels):
                conv.weight[channel * copies : (channel + 1) * copies, channel] = taps
    out = _conv(decoder.conv_out)
    _zero(out)
    _unsign(out, outputs_per_colour=patch, tap_t=1)
    return vae

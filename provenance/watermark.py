"""A forensic watermark in a clip's luma: a 32-bit payload, spread over a tile that repeats across the frame.

Why this design (bench/watermark.py measures it): leakers crop, scale and re-encode. A mark on a fixed block
grid (DWT-DCT, as invisible-watermark does) loses its grid under a crop of a few pixels; here the mark is
one tile of TILE x TILE pixels repeated over the whole frame and over every frame, so any crop is a cyclic
shift of the tile (found by correlating a sync pattern), a 2 s excerpt holds the same mark, and averaging
frames and tiles adds the mark up while the picture averages out. Scale is searched from a short list.

The tile is a grid of CELL x CELL cells, each a smooth bump (sin x sin) with a pseudo-random sign: a
quarter of the cells are sync cells, the rest carry the code bits (each bit in several cells far apart).
The code: 32 payload bits + 8 checksum bits (CRC-32's low byte), then BCH over GF(2^7) correcting up to
13 bit errors (77 parity bits, 117 bits in all), with Chase decoding over the 8 least reliable bits when
BCH alone fails. A clip is traced only when the sync pattern stands out (6 standard deviations), BCH
corrects the word, the checksum matches and the payload is in the table: random bits pass the code and the
checksum about once in 2^30 tries (256 Chase tries x 2^-22 x 2^-8), and then name a job with probability
(jobs / 2^32).

Plain numpy and bchlib: no Django, no PyAV.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import bchlib
import numpy as np
from PIL import Image

TILE = 256  # pixels of the repeating tile, at the marked clip's own size
CELL = 16  # pixels of one cell of the tile (a smooth bump): low enough in frequency to survive CRF 35 on noise
GRID = TILE // CELL  # cells per side
PAYLOAD_BITS = 32
CHECK_BITS = 8
BCH_T = 13
_BCH_M = 7
STRENGTH = 4.0  # peak amplitude of a bump, in 8-bit luma levels, before masking
#: Scales tried when reading a clip back (leaked copy's size / marked size).
SCALES = (1.0, 0.5, 0.75, 2 / 3, 0.8, 0.6, 0.4, 1 / 3, 0.25, 1.25, 1.5, 2.0)
#: Least reliable bits flipped in every combination when BCH alone fails (Chase decoding): 2^8 tries.
CHASE_BITS = 8
SYNC_THRESHOLD = 6.0  # sync peak, in standard deviations of the correlation surface, to try decoding at all


def _bch() -> bchlib.BCH:
    return bchlib.BCH(BCH_T, m=_BCH_M)


def code_bits() -> int:
    """Bits the mark carries: payload, checksum and BCH parity."""
    return PAYLOAD_BITS + CHECK_BITS + _bch().ecc_bits


def _checksum(payload: int) -> int:
    return zlib.crc32(payload.to_bytes(4, "big")) & 0xFF


def encode_payload(payload: int) -> np.ndarray:
    """The code word (0/1 bits) for a 32-bit payload."""
    if not 0 <= payload < 2**PAYLOAD_BITS:
        raise ValueError("The payload must fit in 32 bits.")
    data = bytearray(payload.to_bytes(4, "big") + bytes([_checksum(payload)]))
    bch = _bch()
    ecc = bch.encode(data)
    bits = np.unpackbits(np.frombuffer(bytes(data) + bytes(ecc), dtype=np.uint8))
    return bits[: code_bits()].astype(np.uint8)


@dataclass(frozen=True)
class Decoded:
    """What the error-correcting code made of a word: the payload when it is one, and the bits corrected."""

    payload: int | None
    errors: int  # bits the code corrected (-1: more than it can)


def decode_bits(bits: np.ndarray) -> Decoded:
    """Correct a received word; payload None when BCH fails or the checksum does not match."""
    bch = _bch()
    data_bits = PAYLOAD_BITS + CHECK_BITS
    padded = np.zeros(8 * (5 + bch.ecc_bytes), dtype=np.uint8)
    padded[: len(bits)] = bits
    raw = np.packbits(padded).tobytes()
    data, ecc = bytearray(raw[: data_bits // 8]), bytearray(raw[data_bits // 8 :])
    errors = bch.decode(data, ecc)
    if errors < 0:
        return Decoded(None, -1)
    bch.correct(data, ecc)
    payload = int.from_bytes(data[:4], "big")
    if data[4] != _checksum(payload):
        return Decoded(None, -1)
    return Decoded(payload, errors)


def decode_soft(soft: np.ndarray) -> Decoded:
    """Decode soft bits (sign: the bit, size: how sure): BCH on the hard bits, then on the hard bits with every
    combination of the CHASE_BITS least reliable ones flipped, fewest flips first; errors counts the flips too."""
    hard = (soft > 0).astype(np.uint8)
    first = decode_bits(hard)
    if first.payload is not None:
        return first
    weakest = np.argsort(np.abs(soft))[:CHASE_BITS]
    patterns = sorted(range(1, 2**CHASE_BITS), key=lambda m: (bin(m).count("1"), m))
    for mask in patterns:
        trial = hard.copy()
        flips = [weakest[i] for i in range(CHASE_BITS) if mask >> i & 1]
        trial[flips] ^= 1
        decoded = decode_bits(trial)
        if decoded.payload is not None:
            return Decoded(decoded.payload, decoded.errors + len(flips))
    return first


@dataclass(frozen=True)
class Layout:
    """Which cell carries what, from the key: cell_bit[i] is -1 for a sync cell, else the code bit index."""

    cell_bit: np.ndarray  # (GRID*GRID,) int
    chips: np.ndarray  # (GRID*GRID,) +1/-1


def layout(key: str) -> Layout:
    """The tile's layout for a key (the same key must read what it wrote)."""
    seed = int.from_bytes(hashlib.sha256(f"vernissage-watermark:{key}".encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    cells = GRID * GRID
    nbits = code_bits()
    per_bit = (cells * 3 // 4) // nbits
    assignment = np.full(cells, -1, dtype=np.int64)
    order = rng.permutation(cells)
    assignment[order[: per_bit * nbits]] = np.tile(np.arange(nbits), per_bit)
    chips = rng.choice(np.array([-1.0, 1.0]), size=cells)
    return Layout(cell_bit=assignment, chips=chips)


def _bump() -> np.ndarray:
    x = np.sin(np.pi * (np.arange(CELL) + 0.5) / CELL)
    return np.outer(x, x)


def _expand(cell_values: np.ndarray) -> np.ndarray:
    """GRID x GRID cell amplitudes to a TILE x TILE tile of bumps."""
    return np.kron(cell_values.reshape(GRID, GRID), _bump())


def tile_pattern(*, key: str, payload: int) -> np.ndarray:
    """The tile (float, peak 1) that carries `payload`."""
    lay = layout(key)
    bits = encode_payload(payload).astype(np.float64) * 2 - 1
    values = np.where(lay.cell_bit < 0, 1.0, bits[np.maximum(lay.cell_bit, 0)]) * lay.chips
    return _expand(values)


def _sync_tile(lay: Layout) -> np.ndarray:
    return _expand(np.where(lay.cell_bit < 0, lay.chips, 0.0))


class Marker:
    """Adds the mark to frames of one size (uint8 RGB, H x W x 3); the full-frame pattern is made once."""

    def __init__(self, *, key: str, payload: int, strength: float = STRENGTH) -> None:
        self.tile = tile_pattern(key=key, payload=payload) * strength
        self._plane: np.ndarray | None = None

    def _plane_for(self, height: int, width: int) -> np.ndarray:
        if self._plane is None or self._plane.shape != (height, width):
            reps = (-(-height // TILE), -(-width // TILE))
            self._plane = np.tile(self.tile, reps)[:height, :width].astype(np.float32)
        return self._plane

    def mark(self, frame: np.ndarray) -> np.ndarray:
        """The frame with the mark added to its luma (the same change to R, G and B)."""
        plane = self._plane_for(frame.shape[0], frame.shape[1])
        out = frame.astype(np.float32)
        out += plane[:, :, None]
        np.clip(out, 0, 255, out=out)
        return (out + 0.5).astype(np.uint8)

    def frames(self, frames: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        for frame in frames:
            yield self.mark(frame)


def luma(frame: np.ndarray) -> np.ndarray:
    """BT.601 luma of a uint8 RGB frame, as float32."""
    f = frame.astype(np.float32)
    return 0.299 * f[:, :, 0] + 0.587 * f[:, :, 1] + 0.114 * f[:, :, 2]


def _box_blur(image: np.ndarray, radius: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window, edges clamped (two passes of cumulative sums)."""
    out = image
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (radius + 1, radius)
        padded = np.pad(out, pad, mode="edge")
        c = np.cumsum(padded, axis=axis, dtype=np.float64)
        size = out.shape[axis]
        hi = np.take(c, np.arange(2 * radius + 1, 2 * radius + 1 + size), axis=axis)
        lo = np.take(c, np.arange(0, size), axis=axis)
        out = ((hi - lo) / (2 * radius + 1)).astype(np.float32)
    return out


def _residual(image: np.ndarray) -> np.ndarray:
    """The image less its local mean, divided by its local spread: the picture is mostly gone, the mark
    (which changes sign from cell to cell) stays, and busy regions do not outweigh the rest."""
    high = image - _box_blur(image, CELL)
    spread = np.sqrt(_box_blur(high * high, 2 * CELL)) + 1.0
    return high / spread


def _fold(image: np.ndarray) -> np.ndarray:
    """Sum every TILE x TILE block onto one tile (positions mod TILE), averaged by coverage."""
    height, width = image.shape
    reps = (-(-height // TILE), -(-width // TILE))
    padded = np.zeros((reps[0] * TILE, reps[1] * TILE), dtype=np.float64)
    count = np.zeros_like(padded)
    padded[:height, :width] = image
    count[:height, :width] = 1
    total = padded.reshape(reps[0], TILE, reps[1], TILE).sum(axis=(0, 2))
    n = count.reshape(reps[0], TILE, reps[1], TILE).sum(axis=(0, 2))
    return np.where(n > 0, total / np.maximum(n, 1), 0.0)


@dataclass(frozen=True)
class Reading:
    """What one attempt to read a mark found."""

    payload: int | None  # None: no mark (or not one this code can correct)
    errors: int  # bit errors corrected, -1 when none could be
    sync: float  # sync peak in standard deviations
    scale: float  # the leaked copy's size relative to the marked clip
    soft: np.ndarray  # soft value of each code bit (positive: 1)
    bits: int = 0  # code bits in the word

    @property
    def confidence(self) -> float:
        """1 when no bit was wrong, falling to 0 at the most errors the code corrects; 0 with no mark."""
        if self.payload is None:
            return 0.0
        return max(0.0, 1.0 - self.errors / (BCH_T + CHASE_BITS + 1))


def _read_tile(folded: np.ndarray, lay: Layout) -> tuple[float, np.ndarray]:
    """Sync strength and soft code bits of a folded residual tile."""
    sync = _sync_tile(lay)
    corr = np.real(np.fft.ifft2(np.fft.fft2(folded) * np.conj(np.fft.fft2(sync))))
    peak = np.unravel_index(int(np.argmax(corr)), corr.shape)
    z = float((corr[peak] - corr.mean()) / (corr.std() + 1e-12))
    aligned = np.roll(folded, (-peak[0], -peak[1]), axis=(0, 1))
    cells = (aligned.reshape(GRID, CELL, GRID, CELL) * _bump()[None, :, None, :]).sum(axis=(1, 3)).ravel()
    nbits = code_bits()
    soft = np.zeros(nbits)
    mask = lay.cell_bit >= 0
    np.add.at(soft, lay.cell_bit[mask], cells[mask] * lay.chips[mask])
    return z, soft


def read_luma(mean_luma: np.ndarray, *, key: str, scales: Iterable[float] = SCALES) -> Reading:
    """Read the mark from the average luma of a clip's frames, trying each scale; the first that decodes
    wins, else the strongest sync found."""
    lay = layout(key)
    best: Reading | None = None
    source = Image.fromarray(mean_luma.astype(np.float32), mode="F")
    for scale in scales:
        if scale == 1.0:
            image = mean_luma.astype(np.float32)
        else:
            size = (max(1, round(source.width / scale)), max(1, round(source.height / scale)))
            image = np.asarray(source.resize(size, Image.Resampling.BICUBIC), dtype=np.float32)
        if min(image.shape) < CELL * 4:
            continue
        z, soft = _read_tile(_fold(_residual(image)), lay)
        decoded = decode_soft(soft) if z >= SYNC_THRESHOLD else Decoded(None, -1)
        reading = Reading(decoded.payload, decoded.errors, z, scale, soft, len(soft))
        if decoded.payload is not None:
            return reading
        if best is None or z > best.sync:
            best = reading
    assert best is not None or True
    return best or Reading(None, -1, 0.0, 1.0, np.zeros(code_bits()), code_bits())


class LumaAverage:
    """Running mean of frames' luma (frames may differ in nothing but content)."""

    def __init__(self) -> None:
        self.total: np.ndarray | None = None
        self.count = 0

    def add(self, frame: np.ndarray) -> None:
        y = luma(frame) if frame.ndim == 3 else frame.astype(np.float32)
        self.total = y.astype(np.float64) if self.total is None else self.total + y
        self.count += 1

    def mean(self) -> np.ndarray:
        if self.total is None:
            raise ValueError("No frames.")
        return (self.total / self.count).astype(np.float32)


def bit_errors(reading: Reading, payload: int) -> int:
    """Code bits read wrong against the word of `payload` (for measuring the channel)."""
    word = encode_payload(payload)
    return int(np.count_nonzero((reading.soft > 0).astype(np.uint8) != word))


def psnr(original: np.ndarray, marked: np.ndarray) -> float:
    """PSNR in dB of a marked uint8 frame against the original (all channels)."""
    mse = float(np.mean((original.astype(np.float64) - marked.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)

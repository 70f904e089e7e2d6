"""Perceptual hashes and the verification signature of a small upright image.

Two independent signals are kept per photo: 64-bit perceptual hashes (phash,
dhash) that make candidate search cheap, and a small normalised picture that
verification compares pair by pair: a 64x64 grey picture (its gradients tell
a copy from a burst neighbour shifted by a few percent), a 4x4 grid of mean
colours (a colour grade moves it) and a colourfulness figure (a black-and-white
edit has none).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import imagehash
import numpy as np
from PIL import Image

LUMA_SIDE = 64
COLOUR_SIDE = 4


@dataclass
class Signature:
    phash: str
    dhash: str
    luma64: str
    rgb4: str
    colourfulness: float


def compute_signature(image: Image.Image) -> Signature:
    """Hashes and verification signature of an upright RGB image (any size)."""
    gray = image.convert("L")
    luma = gray.resize((LUMA_SIDE, LUMA_SIDE), Image.Resampling.BOX)
    colours = image.convert("RGB").resize((COLOUR_SIDE, COLOUR_SIDE), Image.Resampling.BOX)
    return Signature(
        phash=str(imagehash.phash(gray)),
        dhash=str(imagehash.dhash(gray)),
        luma64=base64.b64encode(np.asarray(luma, dtype=np.uint8).tobytes()).decode("ascii"),
        rgb4=base64.b64encode(np.asarray(colours, dtype=np.uint8).tobytes()).decode("ascii"),
        colourfulness=round(colourfulness(image), 3),
    )


def colourfulness(image: Image.Image) -> float:
    """Hasler and Suesstrunk's colourfulness (0 for grey pictures, ~100 for vivid ones)."""
    rgb = np.asarray(image.convert("RGB").resize((64, 64), Image.Resampling.BOX), dtype=np.float64)
    rg = rgb[:, :, 0] - rgb[:, :, 1]
    yb = 0.5 * (rgb[:, :, 0] + rgb[:, :, 1]) - rgb[:, :, 2]
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def hash_bits(hex_hash: str) -> int:
    """A hex hash as an integer of 64 bits."""
    return int(hex_hash, 16)


def decode_luma(encoded: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(encoded), dtype=np.uint8).reshape(LUMA_SIDE, LUMA_SIDE)


def decode_colours(encoded: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(encoded), dtype=np.uint8).reshape(COLOUR_SIDE, COLOUR_SIDE, 3)

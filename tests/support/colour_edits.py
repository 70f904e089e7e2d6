"""Light automatic enhances of a photo, as phones and photo services make them."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageEnhance, ImageOps


def white_balanced(image: Image.Image, gains: tuple[float, float, float]) -> Image.Image:
    array = np.asarray(image, dtype=np.float32) * np.array(gains, dtype=np.float32)
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))


def enhanced(image: Image.Image) -> Image.Image:
    """A light automatic enhance: a fifth of the way to auto-contrast of a slightly warmer picture,
    5 % brighter, 5 % more saturated."""
    stretched = ImageOps.autocontrast(white_balanced(image, (1.04, 1.0, 0.97)), cutoff=0.5, preserve_tone=True)
    adjusted = Image.blend(image.convert("RGB"), stretched, 0.2)
    adjusted = ImageEnhance.Brightness(adjusted).enhance(1.05)
    return ImageEnhance.Color(adjusted).enhance(1.05)

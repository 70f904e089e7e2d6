from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))

from photo_dedup.demo import real_photos  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def photos() -> dict[str, Image.Image]:
    """The real photographs that scikit-image ships, as RGB images."""
    return real_photos()

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from support.review_served import served  # noqa: F401 - the fixture of the review server's tests

from photo_dedup.demo import real_photos

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def photos() -> dict[str, Image.Image]:
    """The real photographs that scikit-image ships, as RGB images."""
    return real_photos()

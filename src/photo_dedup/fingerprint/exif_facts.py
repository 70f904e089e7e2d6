"""The EXIF facts a sidecar keeps, read through Pillow's own EXIF support."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAG_MAKE = 0x010F
TAG_MODEL = 0x0110
TAG_ORIENTATION = 0x0112
TAG_DATETIME = 0x0132
TAG_DATETIME_ORIGINAL = 0x9003
TAG_SOFTWARE = 0x0131


@dataclass
class ExifFacts:
    taken: str | None = None
    make: str | None = None
    model: str | None = None
    orientation: int | None = None
    software: str | None = None
    has_gps: bool = False


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.strip("\x00 ").strip()
    return value or None


def _iso_time(value: object) -> str | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" as ISO "YYYY-MM-DDTHH:MM:SS"; None when absent or blank."""
    text = _text(value)
    if not text or len(text) < 19 or text.startswith("0000"):
        return None
    return f"{text[0:4]}-{text[5:7]}-{text[8:10]}T{text[11:19]}"


def read_exif_facts(im: Image.Image) -> ExifFacts:
    """Read capture time, camera, orientation, software and GPS presence; never raises."""
    try:
        exif = im.getexif()
        sub = exif.get_ifd(EXIF_IFD)
        gps = exif.get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001 - damaged EXIF must not make the photo unreadable
        return ExifFacts()
    orientation = exif.get(TAG_ORIENTATION)
    return ExifFacts(
        taken=_iso_time(sub.get(TAG_DATETIME_ORIGINAL)) or _iso_time(exif.get(TAG_DATETIME)),
        make=_text(exif.get(TAG_MAKE)),
        model=_text(exif.get(TAG_MODEL)),
        orientation=orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else None,
        software=_text(exif.get(TAG_SOFTWARE)),
        has_gps=bool(gps),
    )


def capture_seconds(taken: object) -> float | None:
    """A sidecar's capture time (ISO text) in seconds, read as the camera's local time to the second
    (its offset, if any, left out: two shots of one camera share its clock); None when absent."""
    if not isinstance(taken, str) or len(taken) < 19:
        return None
    try:
        return datetime.fromisoformat(taken[:19]).timestamp()
    except ValueError:
        return None

"""A new fingerprint version decodes again only the formats its change concerns."""

from photo_dedup.fingerprint.step import FINGERPRINT_VERSION, is_current


def test_only_the_heifs_and_avifs_of_the_last_version_are_decoded_again():
    """Version 6 counts a HEIF's images and an AVIF's frames: a library's JPEGs fingerprinted by
    version 5 stay (mutant: every older record stale, the whole library decoded again), its HEICs
    and AVIFs do not (mutant: any record of version 5 current, a HEIC of two pictures a copy)."""
    assert FINGERPRINT_VERSION == 6
    assert is_current({"version": 6, "format": "HEIF"})
    assert is_current({"version": 5, "format": "JPEG"}) and is_current({"version": 5, "format": "PNG"})
    assert not is_current({"version": 5, "format": "HEIF"}) and not is_current({"version": 5, "format": "AVIF"})
    assert not is_current({"version": 5}) and not is_current({"version": 4, "format": "JPEG"})

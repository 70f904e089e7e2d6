"""Synthetic libraries: the demo the README runs, and the copy and look-alike makers that the demo,
the tests and the benchmarks share (not part of the pipeline itself)."""

from photo_dedup.demo.library import build_demo_library, real_photos

__all__ = ["build_demo_library", "real_photos"]

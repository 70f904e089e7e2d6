"""photo-dedup: find photos that look the same, keep the best copy, delete the rest safely."""

__version__ = "0.1.0"

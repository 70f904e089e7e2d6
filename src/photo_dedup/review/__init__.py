"""The review server behind `photo-dedup-review`."""

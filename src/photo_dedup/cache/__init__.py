"""The cache: per-photo sidecars, chunk files, atomic writes and content digests."""

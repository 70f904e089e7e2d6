"""The verify stage: the main image of every photo fingerprinted from a thumbnail that could be kept
over another or removed for one is decoded, with the fingerprint step's integrity checks, first."""

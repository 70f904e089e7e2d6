"""The hash search (match.hash_search) finds exactly the pairs a brute-force comparison finds."""

import numpy as np
import pytest

from photo_dedup.match.hash_search import band_radius, close_pairs


def brute_force(hashes: np.ndarray, max_distance: int) -> set[tuple[int, int]]:
    distance = np.bitwise_count(hashes[:, None] ^ hashes[None, :])
    i, j = np.triu_indices(len(hashes), 1)
    keep = distance[i, j] <= max_distance
    return set(zip(i[keep].tolist(), j[keep].tolist(), strict=True))


def hashes_with_near_copies(seed: int, n: int = 400, copies: int = 200) -> np.ndarray:
    rng = np.random.default_rng(seed)
    hashes = list(rng.integers(0, 2**63, size=n, dtype=np.uint64) << np.uint64(1))
    for _ in range(copies):
        value = int(hashes[rng.integers(len(hashes))])
        for bit in rng.choice(64, size=rng.integers(0, 13), replace=False):
            value ^= 1 << int(bit)
        hashes.append(np.uint64(value))
    return np.asarray(hashes, dtype=np.uint64)


@pytest.mark.parametrize("max_distance", [0, 3, 5, 7, 9, 11])
@pytest.mark.parametrize("seed", [1, 2])
def test_multi_index_search_equals_brute_force(max_distance, seed):
    hashes = hashes_with_near_copies(seed)
    found = {tuple(pair) for pair in close_pairs(hashes, max_distance).tolist()}
    assert found == brute_force(hashes, max_distance)


def test_band_radius_guarantees_the_distance():
    for max_distance in range(12):
        assert 4 * band_radius(max_distance) + 3 >= max_distance


def test_no_pairs_for_fewer_than_two_photos():
    assert close_pairs(np.asarray([5], dtype=np.uint64), 7).shape == (0, 2)

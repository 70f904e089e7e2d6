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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the long modules first, and keep on one xdist worker the tests of a module that share a
    module-scoped fixture.

    With `--dist loadgroup` (pyproject's addopts) every other test goes to whichever worker is free;
    a test that takes a module's (or a class's) fixture, such as a module's one Snakemake run, goes
    to the worker that runs that module's other such tests, so the fixture is made once, not once a
    worker. A test's own `xdist_group` mark wins. This hook runs before xdist's own (trylast), which
    turns the marks into the groups it schedules by.
    """
    heavy: set[str] = set()
    for item in items:
        if item.get_closest_marker("e2e") or item.get_closest_marker("browser"):
            heavy.add(item.nodeid.split("::")[0])
        if item.get_closest_marker("xdist_group") is not None:
            continue
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        shared = any(
            definitions[-1].scope in ("module", "class", "package")
            for definitions in info.name2fixturedefs.values()
            if definitions
        )
        if shared:
            heavy.add(item.nodeid.split("::")[0])
            item.add_marker(pytest.mark.xdist_group(name=item.nodeid.split("::")[0]))
    # The modules of long tests first (real runs, Chromium, a shared run), each module's tests in
    # their order: the workers start on the longest work and end on short unit tests, rather than
    # one worker finishing a module's long run alone at the end.
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in heavy)

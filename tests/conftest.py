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
    """Keep together, on one xdist worker, the tests of a module that share a module-scoped fixture.

    With `--dist loadgroup` (pyproject's addopts) every other test goes to whichever worker is free;
    a test that takes a module's (or a class's) fixture, such as a module's one Snakemake run, goes
    to the worker that runs that module's other such tests, so the fixture is made once, not once a
    worker. A test's own `xdist_group` mark wins. This hook runs before xdist's own (trylast), which
    turns the marks into the groups it schedules by.
    """
    for item in items:
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
            item.add_marker(pytest.mark.xdist_group(name=item.nodeid.split("::")[0]))

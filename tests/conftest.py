from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from support.review_served import served  # noqa: F401 - the fixture of the review server's tests

from photo_dedup.demo import real_photos

REPO = Path(__file__).resolve().parents[1]

# Modules whose tests share nothing but the files they make in their own tmp_path (real shells and
# file systems, no module-scoped fixture): xdist may spread their tests over the workers.
SPREAD = ("tests/scripts/",)


@pytest.fixture(scope="session")
def photos() -> dict[str, Image.Image]:
    """The real photographs that scikit-image ships, as RGB images."""
    return real_photos()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules of long tests first, each module's tests in their order.

    The long ones: real Snakemake runs (`e2e`), Chromium (`browser`), or a module-scoped fixture (a
    module's one run). With `--dist loadscope` (pyproject's addopts) a module's tests go to one
    worker, in order, so a module's run is made once, and tests that build on what the test before
    them left keep working (the SPREAD modules' tests go one by one); starting on the long modules
    means no worker ends alone on one.
    (`loadgroup` would spread the other tests too, but pytest 9 ignores the group xdist 3.8 writes
    into a test's id, so its groups split: it is not used.)
    """
    heavy: set[str] = set()
    for item in items:
        module = item.nodeid.split("::")[0]
        if item.get_closest_marker("e2e") or item.get_closest_marker("browser"):
            heavy.add(module)
            continue
        info = getattr(item, "_fixtureinfo", None)
        definitions = info.name2fixturedefs.values() if info is not None else []
        if any(chain and chain[-1].scope in ("module", "class", "package") for chain in definitions):
            heavy.add(module)
            if module.startswith(SPREAD):
                raise pytest.UsageError(f"{item.nodeid} shares a fixture: take its module out of SPREAD")
        if module.startswith(SPREAD):
            heavy.add(module)  # the deletion script killed at each of its steps, under each shell
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in heavy)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadscope`, a module one unit of work, except the SPREAD modules: a test each."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModulesAndSpreadTests(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid if nodeid.startswith(SPREAD) else super()._split_scope(nodeid)

    return ModulesAndSpreadTests(config, log)

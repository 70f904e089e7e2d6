"""The configuration schema (workflow/schemas/config.schema.yaml): the one place defaults live.

Snakemake validates the config against it and fills in its defaults before any step runs; the
package reads the same defaults from it for code that runs outside a workflow (the tests, the
benchmarks), so no default is written twice.
"""

from __future__ import annotations

import functools
from typing import Any

import yaml

from photo_dedup.workflow_command import REPO

SCHEMA_PATH = REPO / "workflow" / "schemas" / "config.schema.yaml"


@functools.cache
def schema() -> dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def default(*keys: str) -> Any:
    """The schema's default of a setting: default("match", "max_hash_distance") -> 7."""
    spec: dict[str, Any] = schema()
    for key in keys:
        spec = spec["properties"][key]
    return spec["default"]

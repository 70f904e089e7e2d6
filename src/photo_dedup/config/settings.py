"""The configuration schema: the one place defaults live.

The schema is package data (`photo_dedup/config/config.schema.yaml`, a link to the workflow's
`workflow/schemas/config.schema.yaml`, copied into the package when it is built), so a plain
`pip install .` reads it as well as an editable one. Snakemake validates the config against it and
fills in its defaults before any step runs; the package reads the same defaults from it for code
that runs outside a workflow (the tests, the benchmarks), so no default is written twice.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

SCHEMA_FILE = "config.schema.yaml"


@functools.cache
def schema() -> dict[str, Any]:
    text = resources.files("photo_dedup.config").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def default(*keys: str) -> Any:
    """The schema's default of a setting: default("match", "max_hash_distance") -> 7."""
    spec: dict[str, Any] = schema()
    for key in keys:
        spec = spec["properties"][key]
    return spec["default"]

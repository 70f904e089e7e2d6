"""Config values as the user types them on the command line, made into what the schema asks for.

Snakemake's `--config key=value` accepts top-level names only (no dots) and hands nested
values over as text (`'match={max_hash_distance: 3}'` gives the string "3"). So before the
schema checks the config:
- a setting of a section may be given by its own name at the top level
  (`--config max_hash_distance=5` sets `match.max_hash_distance`);
- text is turned into the number, true/false or list that the schema asks for;
- an old name of a setting still works (`RENAMED`), with a one-line note;
- an unknown name is one line, with the nearest known names.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from typing import Any

import yaml

# Settings renamed since an earlier release: old name -> new name.
RENAMED = {"max_colorfulness_change": "max_colourfulness_change"}


class ConfigError(ValueError):
    """A config mistake, in one line."""


def section_keys(schema: Mapping[str, Any]) -> dict[str, str]:
    """Map each setting of a nested section (match, keeper) to its section's name."""
    sections: dict[str, str] = {}
    for section, spec in schema.get("properties", {}).items():
        for key in spec.get("properties", {}) if spec.get("type") == "object" else ():
            sections[key] = section
    return sections


def normalise_config(config: dict[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """Move flat section settings into their sections and coerce text to the schema's types (in place).

    Raises:
        ConfigError: an unknown key, or a value that cannot be read as the type asked for.
    """
    properties = schema.get("properties", {})
    sections = section_keys(schema)
    _rename_old_keys(config, sections)
    for key in list(config):
        if key in properties:
            continue
        if key in sections:
            section = config.setdefault(sections[key], {})
            if not isinstance(section, dict):
                raise ConfigError(f"config: {sections[key]} must be a mapping to hold {key}")
            section[key] = config.pop(key)
            continue
        raise ConfigError(f"config: unknown key {key!r}{_suggestion(key, [*properties, *sections])}")
    if "library" in config and config["library"] is None:  # `--config library=`: an unset variable, say
        raise ConfigError(
            "config: library is empty (--config library=): give the folder of your photos, or leave library out "
            "to rerun the last library"
        )
    for key, spec in properties.items():
        if key in config:
            config[key] = _coerce(config[key], spec, key)
    return config


def _rename_old_keys(config: dict[str, Any], sections: Mapping[str, str]) -> None:
    """Give settings under an old name their new one; the old name wins, as only a user's own
    config can still hold it (the shipped config.yaml has the new one)."""
    places = [config, *(config[section] for section in set(sections.values()) if isinstance(config.get(section), dict))]
    for place in places:
        for old, new in RENAMED.items():
            if old in place:
                place[new] = place.pop(old)
                print(f"photo-dedup: config: {old} is now called {new}; please rename it", file=sys.stderr)


def _suggestion(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=2, cutoff=0.6)
    if close:
        return f"; did you mean {' or '.join(repr(name) for name in close)}?"
    return f"; known keys: {', '.join(sorted(known))}"


def _coerce(value: Any, spec: Mapping[str, Any], name: str) -> Any:
    kind = spec.get("type")
    if kind == "object" and isinstance(value, dict):
        known = spec.get("properties", {})
        for key in list(value):
            if key not in known:
                raise ConfigError(f"config: unknown key {name}.{key}{_suggestion(str(key), list(known))}")
            value[key] = _coerce(value[key], known[key], f"{name}.{key}")
        return value
    if value is None and kind == "array":  # Snakemake reads `--config key=` as None: an empty list
        return []
    if not isinstance(value, str):
        return value
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean":
            parsed = yaml.safe_load(value)
            if isinstance(parsed, bool):
                return parsed
            raise ValueError(value)
        if kind == "array":
            parsed = yaml.safe_load(value) if value.strip().startswith("[") else value.split(",")
            items = [item.strip() if isinstance(item, str) else item for item in parsed]
            return [item for item in items if item != ""]  # `key=` is an empty list, not one empty name
    except (ValueError, yaml.YAMLError) as error:
        raise ConfigError(f"config: {name} must be {_article(kind)}, not {value!r}") from error
    return value


def _article(kind: Any) -> str:
    return {"integer": "a whole number", "number": "a number", "boolean": "true or false", "array": "a list"}.get(
        str(kind), str(kind)
    )


def schema_problem(config: Mapping[str, Any], schema: Mapping[str, Any]) -> str | None:
    """The config's most relevant schema violation in one line, or None when it is valid."""
    import jsonschema  # comes with Snakemake, which validates the same way

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(config))
    if error is None:
        return None
    where = ".".join(str(part) for part in error.absolute_path) or "the config"
    return f"config: {where}: {error.message}"

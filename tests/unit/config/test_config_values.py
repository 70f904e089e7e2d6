"""Every key can be set on the command line (as the README says), with one-line errors."""

import json
import subprocess
import sys

import pytest
import yaml
from support.workflow_runner import snakemake

from photo_dedup.config.values import ConfigError, normalise_config, schema_problem
from photo_dedup.workflow.command import REPO

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())


def test_flat_names_go_into_their_section_with_their_types():
    config = {"match": {"min_structure": 0.9}, "max_hash_distance": "5", "preferred_roots": "/a,/b"}
    normalise_config(config, SCHEMA)
    assert config == {
        "match": {"min_structure": 0.9, "max_hash_distance": 5},
        "keeper": {"preferred_roots": ["/a", "/b"]},
    }
    assert schema_problem(config, SCHEMA) is None


def test_an_empty_value_is_an_empty_list():
    # Snakemake's parse_config gives None for `--config preferred_roots=` (and `exclude=`)
    assert normalise_config({"preferred_roots": None, "exclude": None}, SCHEMA) == {
        "exclude": [],
        "keeper": {"preferred_roots": []},
    }


def test_text_inside_a_mapping_is_coerced():
    config = {"match": {"max_hash_distance": "3", "min_alignment": "0.3"}, "exclude": "['*.png', x]"}
    normalise_config(config, SCHEMA)
    assert config == {"match": {"max_hash_distance": 3, "min_alignment": 0.3}, "exclude": ["*.png", "x"]}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"photos_per_jobs": 5}, "unknown key 'photos_per_jobs'; did you mean 'photos_per_job'?"),
        ({"match": {"max_hash_distanse": 3}}, "unknown key match.max_hash_distanse; did you mean 'max_hash_distance'?"),
        ({"max_hash_distance": "abc"}, "match.max_hash_distance must be a whole number, not 'abc'"),
    ],
)
def test_mistakes_are_one_line(config, message):
    with pytest.raises(ConfigError, match="^config: ") as raised:
        normalise_config(config, SCHEMA)
    assert str(raised.value) == f"config: {message}"


def test_a_value_out_of_range_is_one_line():
    config = normalise_config({"max_hash_distance": "50"}, SCHEMA)
    assert schema_problem(config, SCHEMA) == "config: match.max_hash_distance: 50 is greater than the maximum of 11"


def test_the_workflow_says_a_typo_in_one_line(tmp_path):
    result = snakemake(tmp_path, "-n", "--config", "photos_per_jobs=5")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "photo-dedup: config: unknown key 'photos_per_jobs'; did you mean 'photos_per_job'?" in output
    assert "properties" not in output and "Traceback" not in output


def test_nested_keys_on_the_command_line_are_accepted(tmp_path):
    result = snakemake(tmp_path, "-n", "--config", "max_hash_distance=3", "match={min_structure: '0.9'}")
    assert result.returncode == 0, result.stderr


# Run in a fresh interpreter: the schema's defaults changed before the package reads them, then what
# the code's defaults are.
CHANGED_DEFAULTS = """
import copy, dataclasses, json, sys
import photo_dedup.config.settings as settings
changed = copy.deepcopy(settings.schema())
for spec in changed["properties"]["match"]["properties"].values():
    spec["default"] = spec["default"] + 1 if isinstance(spec["default"], int) else spec["default"] + 0.001
changed["properties"]["keeper"]["properties"]["rules"]["default"].reverse()
changed["properties"]["exclude"]["default"].append("*.changed")
settings.schema = lambda: changed
from photo_dedup.choose.keeper import DEFAULT_RULES
from photo_dedup.scan.walk import DEFAULT_EXCLUDES
from photo_dedup.match.verify import MatchThresholds
json.dump({"schema": changed, "match": dataclasses.asdict(MatchThresholds()),
           "rules": list(DEFAULT_RULES), "exclude": list(DEFAULT_EXCLUDES)}, sys.stdout)
"""


def test_the_code_takes_its_defaults_from_the_schema():
    """Change every default in the schema the package reads, and the code's defaults follow.

    Mutant: a default written in the code too (`max_hash_distance: int = 7` in verify.MatchThresholds,
    or `DEFAULT_RULES = ("camera_original", ...)` in keeper) -> it stays at the old value and the test
    fails. (Comparing the code's defaults with the unchanged schema, as this test did, compared each
    value with itself.)
    """
    run = subprocess.run([sys.executable, "-c", CHANGED_DEFAULTS], capture_output=True, text=True, check=True)
    found = json.loads(run.stdout)
    properties = found["schema"]["properties"]
    assert found["match"] == {key: spec["default"] for key, spec in properties["match"]["properties"].items()}
    assert found["match"] != {key: spec["default"] for key, spec in SCHEMA["properties"]["match"]["properties"].items()}
    assert found["rules"] == properties["keeper"]["properties"]["rules"]["default"]
    assert found["rules"] != SCHEMA["properties"]["keeper"]["properties"]["rules"]["default"]
    assert found["exclude"] == [*SCHEMA["properties"]["exclude"]["default"], "*.changed"]


def test_config_yaml_agrees_with_the_schema_defaults():
    from photo_dedup.config.settings import default

    shipped = yaml.safe_load((REPO / "config.yaml").read_text())
    for key, value in shipped.items():
        if isinstance(value, dict):
            assert value == {k: default(key, k) for k in value}, key
        elif key != "library":
            assert value == default(key), key


def test_the_review_server_needs_results_and_says_so(tmp_path, capsys):
    from photo_dedup.review.server import main

    assert main(["--workdir", str(tmp_path), "--port", "0"]) == 2
    assert "no results/report.html" in capsys.readouterr().err


def test_an_old_name_still_works_and_wins_over_the_shipped_default(capsys):
    config = {"match": {"max_colourfulness_change": 0.5, "max_colorfulness_change": "0.3"}}
    normalise_config(config, SCHEMA)
    assert config == {"match": {"max_colourfulness_change": 0.3}}
    flat = {"max_colorfulness_change": "0.2"}
    normalise_config(flat, SCHEMA)
    assert flat == {"match": {"max_colourfulness_change": 0.2}}
    assert "max_colorfulness_change is now called max_colourfulness_change" in capsys.readouterr().err


def test_every_setting_of_a_section_can_be_given_flat_as_text_and_reaches_its_step():
    from photo_dedup.config.settings import default
    from photo_dedup.match.verify import MatchThresholds

    for section in ("match", "keeper"):
        for key in SCHEMA["properties"][section]["properties"]:
            value = default(section, key)
            text = ",".join(value) if isinstance(value, list) else str(value).lower()
            config = normalise_config({key: text}, SCHEMA)
            assert config == {section: {key: value}}, key
            assert schema_problem(config, SCHEMA) is None, key
            if section == "match":
                assert getattr(MatchThresholds(**config["match"]), key) == value
    assert MatchThresholds(**normalise_config({"max_grey_tint": "0.05"}, SCHEMA)["match"]).max_grey_tint == 0.05


def test_every_key_the_readme_names_works_on_the_command_line_as_named(tmp_path):
    """The README's configuration table names each key as `--config` takes it (Snakemake 9 refuses a
    dotted `keeper.rules=` before it reads the workflow); one dry run sets every key to its default."""
    import re

    from photo_dedup.config.settings import default

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n\n| key |", 1)[1].split("\n\n", 1)[0]
    named = re.findall(r"^\| `([^`]+)`(?: \((\w+)\))? \|", table, flags=re.MULTILINE)
    leaves = {
        (section if spec.get("type") == "object" else "", key)
        for section, spec in SCHEMA["properties"].items()
        for key in (spec["properties"] if spec.get("type") == "object" else [section])
    }
    assert {(section, key) for key, section in named} == leaves
    entries = []
    for key, section in named:
        if key == "library":
            continue
        value = default(section, key) if section else default(key)
        entries.append(f"{key}={','.join(value) if isinstance(value, list) else str(value).lower()}")
    result = snakemake(tmp_path, "-n", "--config", *entries)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "photo-dedup: config" not in result.stderr

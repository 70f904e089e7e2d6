"""`pip install .` (not editable) gives a package that runs the workflow: nothing it reads at run time
is left behind in the repository tree (issue 22)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from support.workflow_runner import REPO

pytestmark = pytest.mark.e2e

# What `pip install .` needs of the repository: the package, its build file and the README it names;
# workflow/schemas holds the schema the package's link points to.
SOURCE_PARTS = ["src", "workflow/schemas", "pyproject.toml", "README.md"]


def copy_of_the_source(target: Path) -> Path:
    """The parts of the repository a build reads, links kept as links (a build must follow them)."""
    for part in SOURCE_PARTS:
        source, copy = REPO / part, target / part
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
        else:
            shutil.copy2(source, copy)
    return target


def installed_venv(tmp_path: Path) -> Path:
    """A fresh venv with the package installed by `pip install .`, offline: no dependencies fetched,
    the build run by the venv's own setuptools with `wheel` and the other packages borrowed from the
    test venv."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = str(venv / "bin" / "python")
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # A path in a .pth file is searched after the venv's own packages, and the .pth files found there
    # are not run: the test venv's editable install of photo_dedup stays out of sight (and pip leaves it
    # alone: "outside environment").
    (Path(site) / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    source = copy_of_the_source(tmp_path / "source")
    install = ["-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir", "."]
    built = subprocess.run([python, *install], cwd=source, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    shutil.rmtree(source)  # nothing may be read from the tree the package was built from
    return venv


def test_a_plain_install_runs_the_demo_from_another_folder(tmp_path):
    """Mutant: the schema left out of the package data (pyproject's package-data without
    config.schema.yaml) -> `import photo_dedup.match.verify` fails and the demo run fails."""
    venv = installed_venv(tmp_path)
    python = str(venv / "bin" / "python")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    where = subprocess.run(
        [python, "-c", "import photo_dedup.config.settings as s, photo_dedup.match.verify; print(s.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(venv)  # the installed copy, not the repository's src/

    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    run = subprocess.run(
        [python, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--configfile", str(REPO / "config.yaml")]
        + ["--directory", str(workdir), "--cores", "2"],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "photo-dedup: done." in run.stdout + run.stderr
    summary = json.loads((workdir / "results" / "groups.json").read_text())["summary"]
    assert summary["groups"] > 0
    assert (workdir / "results" / "delete-duplicates.sh").is_file()

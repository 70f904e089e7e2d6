"""Every value the generated scripts receive is escaped for their language by default: hostile text
in every field (quotes, backslashes, line breaks, U+2028, an injected command) stays text.

The AppleScript is checked by reading it as AppleScript does (strings, escapes, `--`/`#`/`(* *)`
comments): the code outside strings and comments is the same as with harmless values, and every
value reads back whole. The shell script is checked with `sh -n` and run for real in a sandbox."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support.deletion_helpers import make_groups, snapshot
from support.shells import SHELLS

from photo_dedup.apple_photos.duplicates import render_applescript
from photo_dedup.outputs.deletion_script import write_deletion_script

HOSTILE = [
    'x" & (do shell script "touch /tmp/photo-dedup-pwned") & "',
    "back\\slash\\",
    'quote"',
    "line\nbreak",
    "carriage\rreturn",
    "para\u2028graph\u2029end",
    "tab\tand -- not a comment (* nor this *)",
    "# hash",
    "nul\x00byte",
    "",
]
ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}


def read_applescript(script: str) -> list[tuple[str, str]]:
    """The script as AppleScript reads it: ("code", text), ("string", value) and ("comment", text)."""
    tokens: list[tuple[str, str]] = []
    code, i = "", 0
    while i < len(script):
        if script.startswith("--", i) or script[i] == "#":
            end = script.find("\n", i)
            end = len(script) if end < 0 else end
            tokens += [("code", code), ("comment", script[i:end])]
            code, i = "", end
        elif script.startswith("(*", i):
            depth, j = 0, i
            while j < len(script):
                if script.startswith("(*", j):
                    depth, j = depth + 1, j + 2
                elif script.startswith("*)", j):
                    depth, j = depth - 1, j + 2
                    if depth == 0:
                        break
                else:
                    j += 1
            tokens += [("code", code), ("comment", script[i:j])]
            code, i = "", j
        elif script[i] == '"':
            value, j = "", i + 1
            while script[j] != '"':
                if script[j] == "\\":
                    value += ESCAPES[script[j + 1]]
                    j += 2
                else:
                    assert script[j] not in "\n\r\u2028\u2029", "a raw line break inside a string literal"
                    value += script[j]
                    j += 1
            tokens += [("code", code), ("string", value)]
            code, i = "", j + 1
        else:
            code += script[i]
            i += 1
    return [*tokens, ("code", code)]


_CHAIN = re.compile(r"\((?:S|\(character id \d+\))(?:\s*&\s*(?:S|\(character id \d+\)))+\)")


def skeleton(script: str) -> str:
    """The code outside strings and comments, each string expression (a literal or a chain of
    literals and `character id`s) as S."""
    text = "".join("S" if kind == "string" else value for kind, value in read_applescript(script) if kind != "comment")
    return _CHAIN.sub("S", text)


_LITERAL = r'"(?:[^"\\]|\\.)*"'
_PART = rf"(?:{_LITERAL}|\(character id \d+\))"
_STRING_EXPRESSION = re.compile(rf"\({_PART}(?:\s*&\s*{_PART})+\)|{_LITERAL}")


def string_values(script: str) -> set[str]:
    """Every string expression's value (chains joined), in code and in comments alike."""
    values = set()
    for line in script.splitlines():
        for chain in _STRING_EXPRESSION.finditer(line):
            value = ""
            for part in re.finditer(r'"((?:[^"\\]|\\.)*)"|\(character id (\d+)\)', chain.group()):
                if part.group(2):
                    value += chr(int(part.group(2)))
                else:
                    value += re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], part.group(1))
            values.add(value)
    return values


def entry(text: str, number: int) -> dict[str, object]:
    return {
        "uuid": f"{text}-uuid{number}",
        "keeper_uuid": f"{text}-keeper{number}",
        "file_name": f"{text}.jpg",
        "albums": [{"uuid": f"{text}-album", "title": f"{text} album"}],
        "keywords": [f"{text} one", f"{text} two"],
        "favorite": True,
        "title": f"{text} title",
        "description": f"{text} caption",
    }


def test_hostile_text_in_every_applescript_field_stays_a_string():
    hostile = render_applescript([entry(text, number) for number, text in enumerate(HOSTILE)])
    harmless = render_applescript([entry("plain", number) for number in range(len(HOSTILE))])
    assert skeleton(hostile) == skeleton(harmless)
    assert "do shell script" not in skeleton(hostile)
    values = string_values(hostile)
    for number, text in enumerate(HOSTILE):
        for field in entry(text, number).values():
            if isinstance(field, str):
                assert field + "/L0/001" in values or field in values, repr(field)
        assert f"{text} one" in values and f"{text} album" in values and f"{text}-album/L0/040" in values


def test_the_skeleton_check_catches_an_unescaped_value(monkeypatch):
    """The check above fails on a template value that is not escaped (the mutant it guards)."""
    import photo_dedup.outputs.templating as templating

    monkeypatch.setattr(templating, "applescript_string", lambda text: f'"{text}"')
    hostile = render_applescript([entry(HOSTILE[0], 0)])
    assert "do shell script" in skeleton(hostile)


HOSTILE_NAMES = [
    "it's.jpg",
    'say "cheese".jpg',
    "$(touch pwned).jpg",
    "`touch pwned`.jpg",
    "line\nbreak; touch pwned.jpg",
    "cr\rname.jpg",
    "-rf.jpg",
    "star*?.jpg",
    "back\\slash.jpg",
    "para\u2028graph.jpg",
    "  spaces  .jpg",
]


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_hostile_names_in_every_shell_value_stay_names(tmp_path, shell):
    """File names, folders, the library root and the quarantine all hostile; run for real."""
    sandbox = tmp_path / "sand $(touch pwned) 'box'\n"
    library = sandbox / "lib `touch pwned`\nrary"
    (library / "keep").mkdir(parents=True)
    (library / "copies\n$(touch pwned)").mkdir()
    groups = {}
    for number, name in enumerate(HOSTILE_NAMES):
        keeper = library / "keep" / name
        keeper.write_bytes(f"photo {number}".encode())
        copy = library / "copies\n$(touch pwned)" / name
        shutil.copyfile(keeper, copy)
        groups[keeper] = [copy]
    before = snapshot(library)
    script = sandbox / "delete.sh"
    quarantine = sandbox / "quar'antine\n$(touch pwned)"
    write_deletion_script(make_groups(groups), script, str(quarantine), [str(library)])
    syntax = subprocess.run([*shell, "-n", str(script)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    for line in script.read_text().splitlines():
        if line.startswith("#"):
            assert "\n" not in line and "pwned" not in line.split("'")[0]
    dry = subprocess.run([*shell, str(script), "-n"], capture_output=True, text=True, cwd=sandbox, timeout=120)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert snapshot(library) == before
    done = subprocess.run([*shell, str(script), "-y"], capture_output=True, text=True, cwd=sandbox, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in (library / "copies\n$(touch pwned)").iterdir()) == []
    restored = subprocess.run([*shell, str(quarantine / "restore.sh")], capture_output=True, text=True, cwd=sandbox)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert snapshot(library) == before
    pwned = [p for p in tmp_path.rglob("pwned")] + [p for p in Path(os.getcwd()).glob("pwned")]
    assert pwned == []

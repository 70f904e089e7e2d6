"""The one Jinja environment per output language: every value is escaped for it by default.

A template never escapes by hand. In HTML, Jinja's autoescape does it; in the shell and
AppleScript templates, `finalize` turns every `{{ value }}` into a literal of that language
(a quoted shell word, an AppleScript string), whatever context it lands in, comments included.
Numbers pass as they are. Text this package made in the target language itself (a rendered
template, a list literal) is marked `Code` and passes unchanged.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from typing import Literal

import jinja2

Language = Literal["html", "sh", "applescript"]


class Code(str):
    """Text already written in the template's language by this package: not escaped again."""


def shell_word(text: str) -> str:
    """`text` as one POSIX sh word that holds no line break.

    Line breaks and carriage returns are written as "$NL" and "$CR" (set at the top of every
    script), so that a value in a `#` comment can never end the comment and become a command.
    """
    parts: list[str] = []
    piece = ""
    for char in text:
        if char in "\n\r":
            if piece:
                parts.append(shlex.quote(piece))
            parts.append('"$NL"' if char == "\n" else '"$CR"')
            piece = ""
        else:
            piece += char
    if piece or not parts:
        parts.append(shlex.quote(piece))
    return "".join(parts)


# Characters AppleScript (or an editor showing the script) may take for a line break or that
# cannot be written inside a literal: written as `character id N`.
_APPLESCRIPT_SPECIAL = {"\u0085", "\u2028", "\u2029", "\x00"}
_APPLESCRIPT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def applescript_string(text: str) -> str:
    """`text` as an AppleScript string expression on one line (escaped, special characters by id)."""
    parts: list[str] = []
    piece = ""
    for char in text:
        if char in _APPLESCRIPT_SPECIAL or (ord(char) < 32 and char not in _APPLESCRIPT_ESCAPES):
            parts.append(f'"{piece}"')
            parts.append(f"(character id {ord(char)})")
            piece = ""
        else:
            piece += _APPLESCRIPT_ESCAPES.get(char, char)
    parts.append(f'"{piece}"')
    literals = [part for part in parts if part != '""'] or ['""']
    return literals[0] if len(literals) == 1 else "(" + " & ".join(literals) + ")"


def applescript_list(items: Iterable[str]) -> Code:
    """An AppleScript list literal of strings: `{"a", "b"}`."""
    return Code("{" + ", ".join(applescript_string(str(item)) for item in items) + "}")


def _escaping(escape: Callable[[str], str]) -> Callable[[object], str]:
    def finalize(value: object) -> str:
        if isinstance(value, Code):
            return value
        if isinstance(value, bool) or value is None:
            raise TypeError(f"a template value must be text or a number, not {value!r}")
        if isinstance(value, int | float):
            return str(value)
        return escape(str(value))

    return finalize


def template_environment(language: Language) -> jinja2.Environment:
    """The package's templates, rendered for `language` with every value escaped for it."""
    loader = jinja2.PackageLoader("photo_dedup.outputs", "templates")
    if language == "html":
        return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env = jinja2.Environment(
        loader=loader,
        autoescape=False,  # not HTML: `finalize` escapes every value for the language instead
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        finalize=_escaping(shell_word if language == "sh" else applescript_string),
    )
    env.filters["as_list"] = applescript_list
    return env

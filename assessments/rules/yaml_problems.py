"""YAML problems in words a council officer can act on, with the line they are on.

PyYAML reports what its parser expected ("expected <block end>, but found '-'"), which means
nothing to someone who is not a programmer. Each known parser message is matched here to what
the writer most likely did (indented a line differently, left a quote open, used a tab) and
what to do about it. Nothing PyYAML says is shown as it is: an unknown message gets a general
sentence about indentation, colons and quotes.

``locate`` finds the line of a key path (``bands[2].min_points``) in the text, so problems
found after the YAML was read also say where they are.
"""

from __future__ import annotations

import re

import yaml

INDENTATION = (
    "this line is not indented like the lines around it. Lines at the same level must start "
    "in the same column: indent with spaces (two per level), not tabs"
)

# (what PyYAML's problem starts with, what its context starts with or None, plain English,
#  use the context's line rather than the problem's)
_KNOWN: tuple[tuple[str, str | None, str, bool], ...] = (
    (
        "found character '\\t'",
        None,
        "this line has a tab character. Indent with spaces only (two per level)",
        False,
    ),
    (
        "mapping values are not allowed here",
        None,
        "there is a colon (:) where a new value cannot start. If the text contains ': ', put "
        "the whole text in quotes; otherwise check this line's indentation",
        False,
    ),
    ("expected <block end>", None, INDENTATION, False),
    ("did not find expected key", None, INDENTATION, False),
    (
        "did not find expected '-' indicator",
        None,
        "this list item does not line up with the items above it: start every item of a list "
        "with '- ' in the same column",
        False,
    ),
    (
        "could not find expected ':'",
        None,
        "a line is missing the colon between a name and its value ('name: value'), or a quote "
        "opened above it is never closed",
        False,
    ),
    (
        "found unexpected end of stream",
        "while scanning a quoted scalar",
        "a quote (\" or ') is opened on this line and never closed",
        True,
    ),
    (
        "found unexpected end of stream",
        None,
        "the file ends in the middle of a value: check for a quote or bracket left open",
        True,
    ),
    (
        "expected ',' or ']'",
        None,
        "a list in square brackets [ ] is not closed, or two of its items have no comma "
        "between them",
        True,
    ),
    (
        "expected ',' or '}'",
        None,
        "a set of values in curly brackets { } is not closed, or two of them have no comma "
        "between them",
        True,
    ),
    (
        "found unknown escape character",
        None,
        "a backslash (\\) inside double quotes starts a special character. Use single quotes "
        "around the text instead",
        False,
    ),
    (
        "expected a comment or a line break",
        None,
        "there is more text after a closing quote or bracket on this line. Put the whole "
        "value inside the quotes",
        False,
    ),
    (
        "expected alphabetic or numeric character",
        None,
        "an asterisk (*) or ampersand (&) at the start of a value is YAML shorthand a rule set "
        "cannot use. Put the text in quotes",
        False,
    ),
    (
        "found undefined tag handle",
        None,
        "an exclamation mark (!) at the start of a value is YAML shorthand a rule set cannot "
        "use. Put the text in quotes",
        False,
    ),
    (
        "could not determine a constructor",
        None,
        "an exclamation mark (!) at the start of a value is YAML shorthand a rule set cannot "
        "use. Put the text in quotes",
        False,
    ),
    (
        "expected '<document start>'",
        None,
        "this line is outside the rule set: every line after the first must be indented "
        "under a name, or start a new name in the first column",
        False,
    ),
    (
        "found character",
        None,
        "a value cannot start with this character (such as @ or `). Put the text in quotes",
        False,
    ),
    (
        "expected the node content",
        None,
        "a value is missing after a dash or colon, or starts with a character YAML reserves. "
        "Put the text in quotes",
        False,
    ),
)

GENERAL = (
    "this line could not be read. Check its indentation (spaces, lined up with the lines at "
    "the same level), the colon between each name and value, and that every quote and bracket "
    "is closed"
)


AFTER_QUOTE = (
    "there is more text after a closing quote on this line. Put the whole value inside the quotes"
)


def plain_yaml_problem(error: yaml.YAMLError, text: str = "") -> tuple[int | None, str]:
    """The line (1-based, or None) and a plain-English sentence for a YAML reading error."""
    problem = str(getattr(error, "problem", "") or "")
    context = str(getattr(error, "context", "") or "")
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    if problem.startswith("expected <block end>") and _after_quote(text, problem_mark):
        return _line(problem_mark), AFTER_QUOTE
    for starts, context_starts, words, at_context in _KNOWN:
        if not problem.startswith(starts):
            continue
        if context_starts is not None and not context.startswith(context_starts):
            continue
        mark = context_mark if at_context and context_mark is not None else problem_mark
        return _line(mark), words
    return _line(problem_mark or context_mark), GENERAL


def _after_quote(text: str, mark) -> bool:
    """True when the text the parser stopped at follows a closing quote on the same line
    (name: 'A' B), which it reports as an indentation problem."""
    if mark is None or not text:
        return False
    lines = text.splitlines()
    if mark.line >= len(lines):
        return False
    before = lines[mark.line][: mark.column].rstrip()
    return before.endswith(("'", '"')) and ":" in before


def _line(mark) -> int | None:
    return None if mark is None else mark.line + 1


_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def locate(text: str, key_paths: list[str]) -> list[int | None]:
    """The line of each key path (``bands[2].min_points``) in YAML ``text``: of the deepest key
    or item found on the way, so a missing key points at its parent. None for a path when the
    text cannot be composed or nothing on it is found. The text is composed once for all the
    paths: a file with a thousand problems is read once, not a thousand times."""
    skipped = [not path or path.startswith(("(", "line ")) for path in key_paths]
    if all(skipped):
        return [None] * len(key_paths)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return [None] * len(key_paths)
    return [
        None if skip else _line_of(root, path)
        for path, skip in zip(key_paths, skipped, strict=True)
    ]


def _line_of(node, key_path: str) -> int | None:
    line = None
    for index, key in _STEP.findall(key_path):
        if isinstance(node, yaml.SequenceNode) and index:
            position = int(index)
            if position >= len(node.value):
                break
            node = node.value[position]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode) and key:
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                break
        else:
            break
    return line

"""The subject-access export as a PDF: the same content as the JSON file
(``valuing_send.audit.subject_access.held_about``), laid out to be read. Each part of the
export is a section with a heading one level below its parent's: its plain fields as a table of
row headers and values, a list of plain records (the access log) as one table with a column
per field, and anything nested as sections of its own. Nothing is left out: what the JSON holds,
the PDF shows."""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

# A list of records with no more fields than this is one table; wider ones are a section each.
TABLE_COLUMNS = 8
DEEPEST_HEADING = 6
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LABELS = {
    "id": "Record number",
    "upn": "UPN",
    "la_code": "Local authority code",
    "ip_address": "From address",
    "from_address": "From address",
    "sen_status": "SEN status",
}


@dataclass
class Section:
    heading: str
    level: int
    facts: list[tuple[str, str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # a list of sentences (a trace)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.facts or self.items or self.rows or self.children)


def label(key) -> str:
    key = str(key)
    if key in _LABELS:
        return _LABELS[key]
    words = key.replace("_", " ").strip()
    words = re.sub(r"\bid$", "ID", words)
    return words[:1].upper() + words[1:]


def _singular(heading: str) -> str:
    return heading[:-1] if heading.endswith("s") and not heading.endswith("ss") else heading


def _plain(value) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _flat(value) -> bool:
    return _plain(value) or (isinstance(value, list) and all(_plain(v) for v in value))


def text(value) -> str:
    if value is None or value == "" or value == []:
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(k)}: {text(v)}" for k, v in value.items())
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return f"{moment:%-d %B %Y, %H:%M}"
    if isinstance(value, str) and _DATE.match(value):
        try:
            return f"{datetime.date.fromisoformat(value):%-d %B %Y}"
        except ValueError:
            return value
    return str(value)


def section(heading: str, value, level: int) -> Section:
    here = Section(heading=heading, level=min(level, DEEPEST_HEADING))
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, list) and item and all(_plain(v) for v in item) and len(item) > 3:
                here.children.append(Section(label(key), min(level + 1, 6), items=_texts(item)))
            elif _flat(item):
                here.facts.append((label(key), text(item)))
            else:
                here.children.append(section(label(key), item, level + 1))
    elif isinstance(value, list):
        if value and all(_plain(v) for v in value):
            here.items = _texts(value)
        elif value and all(
            isinstance(v, dict) and len(v) <= TABLE_COLUMNS and all(_flat(x) for x in v.values())
            for v in value
        ):
            keys = list(dict.fromkeys(k for v in value for k in v))
            here.columns = [label(k) for k in keys]
            here.rows = [[text(v.get(k)) for k in keys] for v in value]
        else:
            for number, item in enumerate(value, start=1):
                name = f"{_singular(heading)} {number}"
                if isinstance(item, dict) and item.get("id") is not None:
                    name += f" (record number {item['id']})"
                here.children.append(section(name, item, level + 1))
    else:
        here.facts.append((heading, text(value)))
    return here


def _texts(values) -> list[str]:
    return [text(v) for v in values]


def sections(held: dict) -> list[Section]:
    """Each part of the export as a level-2 section, in the export's order."""
    return [section(label(key), value, 2) for key, value in held.items()]

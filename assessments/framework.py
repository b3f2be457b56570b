"""The needs framework: schema, loading from ``seeds/frameworks/`` and the in-memory definition.

A framework file is validated strictly (unknown keys are errors) and every problem is reported
with the file, the key path and what is wrong, e.g.
``seeds/frameworks/x.yaml: areas[1].domains[0].levels: must list levels 0 to 4 in order``.
Loading is idempotent; a version, once loaded, never changes (a different file with the same
version is refused), so past assessments keep the framework they were made with.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SCHEMA_ID = "valuing-send/needs-framework@1"
PHASE_KEYS = ("early_years", "primary", "secondary", "post_16")
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds" / "frameworks"
# libyaml where PyYAML has it: the same values as yaml.safe_load, read about 13 times faster (a
# 60 KB framework file in 6 ms, not 76), which every load_seeds and every test loading it pays.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrameworkError(ValueError):
    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {key}: {problem}" for key, problem in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelMeaning(_Strict):
    level: int = Field(ge=0, le=4)
    name: str = Field(min_length=1)
    meaning: str = Field(min_length=1)


class DomainLevel(_Strict):
    level: int = Field(ge=0, le=4)
    descriptor: str = Field(min_length=1, max_length=600)
    examples: dict[Literal["early_years", "primary", "secondary", "post_16"], list[str]]

    @field_validator("examples")
    @classmethod
    def every_phase(cls, value):
        missing = [phase for phase in PHASE_KEYS if phase not in value]
        if missing:
            raise ValueError(f"needs examples for {', '.join(missing)}")
        return value


def _levels_in_order(levels):
    if [item.level for item in levels] != [0, 1, 2, 3, 4]:
        raise ValueError("must list levels 0 to 4 in order, once each")
    return levels


class Domain(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z_]*$", max_length=40)
    name: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    min_age: int | None = Field(default=None, ge=0, le=25)
    levels: list[DomainLevel]

    @field_validator("levels")
    @classmethod
    def levels_in_order(cls, value):
        return _levels_in_order(value)


class Area(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z_]*$", max_length=40)
    name: str = Field(min_length=1)
    domains: list[Domain] = Field(min_length=1)


class FrameworkFile(_Strict):
    schema_: Literal["valuing-send/needs-framework@1"] = Field(alias="schema")
    version: str = Field(pattern=r"^\d{4}\.\d+$")
    name: str = Field(min_length=1)
    effective_from: datetime.date
    description: str = Field(min_length=1)
    levels: list[LevelMeaning]
    areas: list[Area] = Field(min_length=1)

    @field_validator("levels")
    @classmethod
    def levels_in_order(cls, value):
        return _levels_in_order(value)

    @model_validator(mode="after")
    def unique_codes(self):
        seen: set[str] = set()
        for area in self.areas:
            for domain in area.domains:
                if domain.code in seen:
                    raise ValueError(f"domain code {domain.code!r} is used twice")
                seen.add(domain.code)
        return self


def _key_path(location) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{'schema' if part == 'schema_' else part}" if path else str(part)
    return path or "(top level)"


def parse_framework(data, source: str) -> FrameworkFile:
    if not isinstance(data, dict):
        raise FrameworkError(source, [("(top level)", "must be a mapping of keys to values")])
    try:
        return FrameworkFile.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "is not a known key"
            elif item["type"] == "missing":
                message = "is required"
            problems.append((_key_path(item["loc"]), message))
        raise FrameworkError(source, problems) from None


def read_framework_file(path: Path) -> tuple[FrameworkFile, dict, str]:
    """Parse and validate one file: the model, the plain data to store, and its checksum."""
    source = (
        str(path.relative_to(SEEDS_DIR.parent.parent))
        if path.is_relative_to(SEEDS_DIR.parent.parent)
        else str(path)
    )
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise FrameworkError(
            source, [(where, f"is not valid YAML: {getattr(error, 'problem', error)}")]
        ) from None
    model = parse_framework(data, source)
    content = json.loads(model.model_dump_json(by_alias=True))
    checksum = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return model, content, checksum


# ----- The in-memory definition pages use (built once per framework version) -----


@dataclass(frozen=True, slots=True)
class LevelDefinition:
    level: int
    name: str
    descriptor: str
    examples: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class DomainDefinition:
    code: str
    name: str
    summary: str
    area_code: str
    area_name: str
    min_age: int | None
    levels: tuple[LevelDefinition, ...]

    def applies_at(self, age: int) -> bool:
        return self.min_age is None or age >= self.min_age

    def level(self, value: int | None) -> LevelDefinition | None:
        return self.levels[value] if value is not None else None


@dataclass(frozen=True, slots=True)
class AreaDefinition:
    code: str
    name: str
    domains: tuple[DomainDefinition, ...]


@dataclass(frozen=True, slots=True)
class FrameworkDefinition:
    version: str
    name: str
    level_names: tuple[str, ...]
    areas: tuple[AreaDefinition, ...]

    @property
    def domains(self) -> tuple[DomainDefinition, ...]:
        return tuple(domain for area in self.areas for domain in area.domains)

    @property
    def domain_codes(self) -> tuple[str, ...]:
        return tuple(domain.code for domain in self.domains)

    def domain(self, code: str) -> DomainDefinition:
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(code)

    def area(self, code: str) -> AreaDefinition:
        for area in self.areas:
            if area.code == code:
                return area
        raise KeyError(code)

    def domains_for_age(self, age: int) -> tuple[DomainDefinition, ...]:
        return tuple(domain for domain in self.domains if domain.applies_at(age))


def phase_for_age(age: int) -> str:
    """Which set of examples suits a child of this age."""
    if age < 5:
        return "early_years"
    if age < 11:
        return "primary"
    if age < 16:
        return "secondary"
    return "post_16"


def build_definition(content: dict) -> FrameworkDefinition:
    level_names = tuple(item["name"] for item in content["levels"])
    areas = []
    for area in content["areas"]:
        domains = tuple(
            DomainDefinition(
                code=domain["code"],
                name=domain["name"],
                summary=domain["summary"],
                area_code=area["code"],
                area_name=area["name"],
                min_age=domain["min_age"],
                levels=tuple(
                    LevelDefinition(
                        level=item["level"],
                        name=level_names[item["level"]],
                        descriptor=item["descriptor"],
                        examples={phase: tuple(texts) for phase, texts in item["examples"].items()},
                    )
                    for item in domain["levels"]
                ),
            )
            for domain in area["domains"]
        )
        areas.append(AreaDefinition(code=area["code"], name=area["name"], domains=domains))
    return FrameworkDefinition(content["version"], content["name"], level_names, tuple(areas))


_DEFINITIONS: dict[str, FrameworkDefinition] = {}


def definition_for(framework) -> FrameworkDefinition:
    """The framework's definition, built once per process: a framework version never changes,
    so its checksum identifies it (pages can defer loading ``content``)."""
    found = _DEFINITIONS.get(framework.checksum)
    if found is None:
        found = _DEFINITIONS[framework.checksum] = build_definition(framework.content)
    return found


def shipped_framework_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.yaml"))

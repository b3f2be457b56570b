"""Reading rule-set files from disk: the only place the rules module's input touches files.

A rule set read from a file is checked against the needs framework shipped in
``seeds/frameworks/`` as the database checks an uploaded one against the framework in use: a
domain code the framework does not have is refused, with the nearest code it does have."""

import datetime
from functools import cache
from pathlib import Path

from assessments.framework import read_framework_file, shipped_framework_paths
from assessments.rules import RuleSet, ruleset_from_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_RULES_DIR = REPO_ROOT / "seeds" / "rules"


def source_name(path: Path) -> str:
    """How messages name a rule file: relative to the repository root when inside it."""
    resolved = path.resolve()
    if resolved.is_relative_to(REPO_ROOT):
        return resolved.relative_to(REPO_ROOT).as_posix()
    return str(path)


@cache
def _shipped_frameworks() -> tuple:
    return tuple(read_framework_file(path)[0] for path in shipped_framework_paths())


def shipped_framework_domains(today: datetime.date | None = None) -> dict[str, str]:
    """Codes and names of the shipped needs framework new assessments use, chosen as
    ``services.current_framework`` chooses among loaded ones: the latest already in effect,
    else the earliest."""
    frameworks = _shipped_frameworks()
    if not frameworks:
        raise FileNotFoundError("No needs framework found in seeds/frameworks/")
    today = today or datetime.date.today()
    in_effect = [f for f in frameworks if f.effective_from <= today]
    framework = (
        max(in_effect, key=lambda f: (f.effective_from, f.version))
        if in_effect
        else min(frameworks, key=lambda f: f.effective_from)
    )
    return {domain.code: domain.name for area in framework.areas for domain in area.domains}


def load_ruleset_file(path: str | Path, known_domains: dict[str, str] | None = None) -> RuleSet:
    """One rule-set file, checked against ``known_domains`` (by default the shipped needs
    framework's)."""
    path = Path(path)
    return ruleset_from_yaml(
        path.read_text(encoding="utf-8"),
        source=source_name(path),
        known_domains=shipped_framework_domains() if known_domains is None else known_domains,
    )


def shipped_ruleset_paths() -> list[Path]:
    return sorted(SHIPPED_RULES_DIR.glob("*.yaml"))


def load_shipped_rulesets() -> dict[str, RuleSet]:
    """Every shipped rule set, keyed by its id."""
    rulesets: dict[str, RuleSet] = {}
    for path in shipped_ruleset_paths():
        ruleset = load_ruleset_file(path)
        if ruleset.id in rulesets:
            raise ValueError(f"{source_name(path)}: rule set id {ruleset.id!r} is used twice")
        rulesets[ruleset.id] = ruleset
    return rulesets

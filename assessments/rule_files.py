"""Reading rule-set files from disk: the only place the rules module's input touches files."""

from pathlib import Path

from assessments.rules import RuleSet, ruleset_from_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_RULES_DIR = REPO_ROOT / "seeds" / "rules"


def source_name(path: Path) -> str:
    """How messages name a rule file: relative to the repository root when inside it."""
    resolved = path.resolve()
    if resolved.is_relative_to(REPO_ROOT):
        return resolved.relative_to(REPO_ROOT).as_posix()
    return str(path)


def load_ruleset_file(path: str | Path) -> RuleSet:
    path = Path(path)
    return ruleset_from_yaml(path.read_text(encoding="utf-8"), source=source_name(path))


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

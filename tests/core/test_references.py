"""What the project points readers at exists, and pages point users only at what they can read."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_every_adr_named_in_the_repository_exists():
    named = set()
    for path in [ROOT / "pyproject.toml", ROOT / "README.md", *ROOT.glob("docs/**/*.md")]:
        named |= set(re.findall(r"docs/adr/[\w.-]+\.md", path.read_text(encoding="utf-8")))
    assert named, "expected the ADRs to be named somewhere"
    assert [name for name in sorted(named) if not (ROOT / name).exists()] == []


def test_every_adr_has_a_number_of_its_own_that_its_title_and_references_use():
    numbers: dict[int, list[str]] = {}
    for path in sorted((ROOT / "docs" / "adr").glob("*.md")):
        number = int(path.name[:4])
        assert path.read_text(encoding="utf-8").startswith(f"# {number}. "), path.name
        numbers.setdefault(number, []).append(path.name)
    assert {number: names for number, names in numbers.items() if len(names) > 1} == {}
    cited = set()
    for path in [ROOT / "README.md", *ROOT.glob("docs/**/*.md")]:
        cited |= {int(n) for n in re.findall(r"\bADR (\d{4})\b", path.read_text(encoding="utf-8"))}
    assert cited, "expected the ADRs to be cited by number somewhere"
    assert sorted(cited - set(numbers)) == []


@pytest.mark.django_db
def test_the_rule_set_editor_points_admins_at_nothing_they_cannot_read(
    client_as, admin, rule_sets, authority_a
):
    from assessments import rulesets

    draft = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    html = client_as(admin).get(reverse("ruleset-edit-yaml", args=[draft.pk])).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert not re.search(r"[\w/-]+\.md\b", main)
    assert "design.md" not in main

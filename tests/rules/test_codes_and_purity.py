"""The shared codes, and the rules package's promise: no Django, no I/O."""

import ast
from pathlib import Path

import pytest

import assessments.rules
from assessments.rules import codes

RULES_PACKAGE = Path(assessments.rules.__file__).parent
FORBIDDEN_IMPORTS = {"django", "valuing_send", "os", "pathlib", "io", "socket", "urllib", "shutil"}


def test_codes_are_unique_and_labelled():
    for choices in (
        codes.SETTING_TYPES,
        codes.PHASES,
        codes.SEN_STATUSES,
        codes.REQUESTS,
        codes.TIERS,
        codes.CLASSIFICATIONS,
        codes.NEEDS_AREAS,
    ):
        assert len({code for code, _ in choices}) == len(choices)
        assert all(label for _, label in choices)


def test_tiers_are_ranked_in_order():
    assert codes.TIER_CODES == ("universal", "sen_support", "targeted_plus", "specialist")
    assert [codes.TIER_RANK[code] for code in codes.TIER_CODES] == [0, 1, 2, 3]


def test_every_phase_has_an_age_range_and_domains_name_known_areas():
    assert set(codes.PHASE_AGE_RANGES) == set(codes.PHASE_CODES)
    assert codes.PHASE_AGE_RANGES["post_16"] == (16, 25)
    areas = {code for code, _ in codes.NEEDS_AREAS}
    assert all(area in areas for _, _, area in codes.NEEDS_DOMAINS)
    assert len(codes.NEEDS_DOMAINS) == 12


@pytest.mark.parametrize("module", sorted(RULES_PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_rules_modules_import_no_django_and_do_no_io(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))

    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"open", "input", "print"}, node.func.id
    imported_modules = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    # The one module of the project outside this package the rules may read: pure shared codes.
    assert not (imported & FORBIDDEN_IMPORTS) - {"valuing_send"}
    assert {m for m in imported_modules if m.startswith("valuing_send")} <= {"valuing_send.codes"}

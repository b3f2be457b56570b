import copy

import pytest
import yaml

from assessments.framework import (
    FrameworkError,
    parse_framework,
    read_framework_file,
    shipped_framework_paths,
)
from assessments.models import NeedsFramework
from assessments.services import current_framework, framework_load

SHIPPED = shipped_framework_paths()[0]


@pytest.fixture(scope="module")
def good():
    return yaml.safe_load(SHIPPED.read_text())


def test_shipped_framework_has_twelve_domains_in_five_areas_with_five_levels():
    model, content, checksum = read_framework_file(SHIPPED)
    assert [area.code for area in model.areas] == [
        "communication_interaction",
        "cognition_learning",
        "semh",
        "sensory_physical",
        "wider",
    ]
    domains = [domain for area in model.areas for domain in area.domains]
    assert len(domains) == 12
    assert all([level.level for level in domain.levels] == [0, 1, 2, 3, 4] for domain in domains)
    assert next(d for d in domains if d.code == "preparing_for_adulthood").min_age == 14
    assert len(checksum) == 64


@pytest.mark.django_db
def test_loading_is_idempotent_and_keeps_one_row_per_version():
    first, created = framework_load(SHIPPED)
    again, created_again = framework_load(SHIPPED)
    assert created and not created_again
    assert first.pk == again.pk
    assert NeedsFramework.objects.count() == 1
    assert current_framework() == first
    assert (
        first.definition.domain("hearing").levels[3].name
        == "Significant needs needing specialist input"
    )


@pytest.mark.django_db
def test_a_changed_file_under_a_loaded_version_is_refused(tmp_path, good):
    framework_load(SHIPPED)
    changed = copy.deepcopy(good)
    changed["areas"][0]["domains"][0]["levels"][2]["descriptor"] = "Edited after it was used"
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(changed))
    with pytest.raises(FrameworkError, match="2026.1 is already loaded with different content"):
        framework_load(path)
    assert (
        NeedsFramework.objects.get().content["areas"][0]["domains"][0]["levels"][2]["descriptor"]
        != "Edited after it was used"
    )


@pytest.mark.django_db
def test_a_new_version_does_not_change_past_assessments(tmp_path, good, child, caseworker):
    from assessments.services import assessment_start

    old, _ = framework_load(SHIPPED)
    assessment, _ = assessment_start(child, by=caseworker)
    newer = copy.deepcopy(good)
    newer["version"] = "2027.1"
    newer["effective_from"] = "2026-10-01"
    newer["areas"][0]["domains"][0]["name"] = "Speech and language"
    path = tmp_path / "newer.yaml"
    path.write_text(yaml.safe_dump(newer))
    new, created = framework_load(path)
    assert created and current_framework() == new
    assessment.refresh_from_db()
    assert assessment.framework == old
    assert (
        assessment.framework.definition.domain("speech_language").name
        == "Speech, language and communication"
    )


def _mutate(good, change):
    data = copy.deepcopy(good)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("version"), "x.yaml: version: is required"),
        (lambda d: d.update(colour="blue"), "x.yaml: colour: is not a known key"),
        (
            lambda d: d["areas"][0]["domains"][0]["levels"].pop(),
            "x.yaml: areas[0].domains[0].levels: must list levels 0 to 4 in order, once each",
        ),
        (
            lambda d: d["areas"][1]["domains"][0].update(code="hearing"),
            "domain code 'hearing' is used twice",
        ),
        (
            lambda d: d["areas"][0]["domains"][1]["levels"][0]["examples"].pop("primary"),
            "x.yaml: areas[0].domains[1].levels[0].examples: needs examples for primary",
        ),
        (lambda d: d.update(schema="something-else"), "x.yaml: schema:"),
        (lambda d: d.update(effective_from="next tuesday"), "x.yaml: effective_from:"),
        (
            lambda d: d["areas"][2]["domains"][0].update(min_age=-1),
            "x.yaml: areas[2].domains[0].min_age:",
        ),
    ],
)
def test_bad_framework_files_name_the_file_key_and_problem(good, change, expected):
    with pytest.raises(FrameworkError) as error:
        parse_framework(_mutate(good, change), "x.yaml")
    assert expected in str(error.value)


def test_a_file_that_is_not_yaml_says_where(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("schema: valuing-send/needs-framework@1\nareas: [\n  - code: x\n  bad: : :\n")
    with pytest.raises(FrameworkError, match="broken.yaml: line 3: is not valid YAML: "):
        read_framework_file(path)


def test_a_framework_file_reads_as_yaml_safe_load_reads_it(good):
    """libyaml (the fast loader) gives the shipped file the same values the Python one does
    (``good`` is the shipped file read by ``yaml.safe_load``)."""
    model, _, _ = read_framework_file(SHIPPED)
    assert parse_framework(good, SHIPPED.name) == model


def test_a_list_at_the_top_level_is_refused():
    with pytest.raises(FrameworkError, match="must be a mapping"):
        parse_framework(["not", "a", "mapping"], "x.yaml")

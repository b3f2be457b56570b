"""Readiness figures as the pages compute them (the rules module's functions, fed from models)."""

import pytest

from assessments.presenters import profile_rows, radar_chart, readiness
from assessments.rules import readiness_for_needs, setting_readiness


def test_setting_readiness_is_mean_capability_out_of_four():
    # (4 + 2 + 0) / (3 × 4) = 6/12 = 50%
    assert setting_readiness({"a": 4, "b": 2}, ["a", "b", "c"]) == 50


def test_readiness_for_needs_counts_only_domains_with_need():
    # needs 3 + 2 = 5; covered min(1,3) + min(4,2) = 3 → 60%
    assert readiness_for_needs({"a": 1, "b": 4, "c": 0}, {"a": 3, "b": 2, "c": 0}) == 60
    assert readiness_for_needs({"a": 1}, {"a": 0}) is None


class Rating:
    def __init__(self, domain, level, ability=None, family=None):
        self.domain, self.level = domain, level
        self.setting_ability, self.family_capacity = ability, family
        self.evidence, self.source = "", ""


@pytest.mark.django_db
def test_rows_mark_shortfalls_and_changes(framework):
    definition = framework.definition
    ratings = [Rating("speech_language", 3), Rating("hearing", 1), Rating("vision", 0)]
    rows = profile_rows(
        definition,
        ratings,
        {"speech_language": 2, "hearing": 1},
        {"speech_language": 1, "hearing": 2},
    )
    by_code = {row.code: row for row in rows}
    assert by_code["speech_language"].shortfall and by_code["speech_language"].change == "rose"
    assert not by_code["hearing"].shortfall and by_code["hearing"].change == "fell"
    assert by_code["vision"].capability == 0 and by_code["vision"].change == ""
    # needs 3 + 1 = 4, covered 2 + 1 = 3 → 75%
    assert readiness(rows, {"speech_language": 2, "hearing": 1}) == 75
    chart = radar_chart(rows, child_name="Amy", setting_name="Oakfield")
    assert len(chart.axes) == 3 and len(chart.rings) == 4
    assert "Needs above it in: Speech, language and communication." in chart.description
    assert radar_chart(rows, child_name="Amy", setting_name=None).capability_points is None

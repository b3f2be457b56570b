"""The row builder: columns from the model's ``_meta``, the model's own defaults, and a clear
error for what is missing."""

import json

import pytest

from assessments.demo_data.rows import Dataset, Table
from assessments.models import Assessment, Recommendation


def test_columns_are_the_models_concrete_fields_in_order():
    with_ids = Table("assessments.Assessment", own_ids=True)
    assert with_ids.columns == tuple(f.column for f in Assessment._meta.concrete_fields)
    without_ids = Table("assessments.Assessment")
    assert without_ids.columns == with_ids.columns[1:] and "id" not in without_ids.columns


def test_a_row_takes_the_models_defaults_for_what_is_left_out():
    table = Table("assessments.Assessment", own_ids=True)
    table.add(
        id=7,
        authority_id=1,
        child_id=2,
        framework_id=3,
        created_at="2026-01-05 10:00:00",
        created_by_id=4,
        updated_at="2026-01-05 10:00:00",
    )
    (row,) = table.records()
    assert row["status"] == "draft" and type(row["status"]) is str  # the choice's value
    assert (row["request"], row["version"]) == ("none", 1)  # fixed defaults
    assert (row["setting_id"], row["completed_at"]) == (None, None)  # nullable
    assert (row["last_area"], row["need_vector"]) == ("", "")  # blank text
    recommendations = Table("assessments.Recommendation")
    recommendations.add(
        authority_id=1,
        assessment_id=7,
        rule_set_id=1,
        created_at="2026-01-05 10:00:00",
        tier="sen_support",
        total_points=3,
        mainstream_capable=True,
        classification="appropriate",
    )
    (row,) = recommendations.records()
    assert json.loads(row["result"]) == {} and row["superseded_at"] is None
    assert list(row) == [f.column for f in Recommendation._meta.concrete_fields][1:]


def test_timestamps_are_never_defaulted_so_the_seed_decides_them():
    changes = Table("assessments.AssessmentStatusChange")
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'at'"):
        changes.add(assessment_id=1, to_status="draft", by_id=1)
    assert changes.rows == []


def test_tables_are_written_in_the_order_they_are_declared():
    dataset = Dataset()
    dataset.table("children", "assessments.Child", own_ids=True)
    dataset.table("assessments", "assessments.Assessment", own_ids=True)
    assert list(dataset.tables) == ["children", "assessments"]
    with pytest.raises(ValueError, match="already a table 'children'"):
        dataset.table("children", "assessments.Child")

"""Invariants of one demo-scale authority generated in memory (no database)."""

import datetime
from collections import Counter, defaultdict
from types import SimpleNamespace

import numpy as np
import pytest

from assessments.demo_data.calibration import NEEDS, PLACEMENTS, calibration, scale_targets
from assessments.rules.codes import PHASE_AGE_RANGES
from assessments.services import missing_answers
from assessments.validators import need_code_problems, upn_problem
from assessments.vectors import profile_vectors
from valuing_send.authorities.models import Setting
from valuing_send.core.dates import age_on

from .conftest import AS_OF, generate, records

PLACEMENT_OF_TYPE = {
    "mainstream": "mainstream",
    "resourced": "resourced",
    "state_special": "state_special",
    "independent_special": "independent_special",
    "ap": "ap",
    "fe": "fe",
    "early_years": "early_years",
    "other": "other",
}


@pytest.fixture(scope="module")
def rows(demo):
    _, dataset = demo
    return {key: records(table) for key, table in dataset.tables.items()}


def _shares(values):
    counts = Counter(values)
    total = sum(counts.values())
    return {key: count / total for key, count in counts.items()}


def test_counts_match_the_requested_scale(demo, rows):
    plan, _ = demo
    targets = scale_targets("demo")
    children = rows["children"]
    assert len(children) == targets.children == 2000
    assert sum(c["sen_status"] == "E" for c in children) == targets.ehc_plans
    assert sum(c["sen_status"] == "K" for c in children) == targets.sen_support
    previous = sum(a["status"] == "superseded" for a in rows["assessments"])
    assert 0.2 <= previous / len(children) <= 0.3
    assert len(rows["assessments"]) == len(children) + previous
    assert len(rows["users"]) + len(plan.ctx.existing_caseworkers) == -(-targets.ehc_plans // 150)


def test_need_and_placement_mix_within_two_points_of_the_calibration(rows, demo):
    plan, _ = demo
    cal = calibration()
    ehc = [c for c in rows["children"] if c["sen_status"] == "E"]
    sen_support = [c for c in rows["children"] if c["sen_status"] == "K"]
    for group, expected in ((ehc, cal.ehc_need_shares), (sen_support, cal.sen_support_need_shares)):
        got = _shares(c["primary_need"] for c in group)
        for need, share in zip(NEEDS, expected, strict=True):
            assert got.get(need, 0) == pytest.approx(share, abs=0.02), need
    published = {"ASD": 0.315, "SLCN": 0.213, "SEMH": 0.207, "MLD": 0.106, "SLD": 0.040}
    got = _shares(c["primary_need"] for c in ehc)
    for need, share in published.items():
        assert got[need] == pytest.approx(share, abs=0.02), need
    assert "NSA" not in got

    settings = {s["id"]: s for s in rows["settings"]}
    placements = Counter()
    for child in ehc:
        setting = settings.get(child["current_setting_id"])
        placements[setting["setting_type"] if setting else "none"] += 1
    for placement, share in zip(PLACEMENTS, cal.ehc_placement_shares, strict=True):
        assert placements[placement] / len(ehc) == pytest.approx(share, abs=0.02), placement
    mainstream = (placements["mainstream"] + placements["resourced"]) / len(ehc)
    assert mainstream == pytest.approx(0.436, abs=0.02)
    assert placements["state_special"] / len(ehc) == pytest.approx(0.250, abs=0.02)


def test_same_seed_same_data_other_seed_other_data(definition, demo):
    _, dataset = demo
    _, again = generate(definition)
    assert again.digest() == dataset.digest()
    _, other = generate(definition, seed=8)
    assert other.digest() != dataset.digest()


def test_children_pass_the_child_form_rules(rows, demo):
    plan, _ = demo
    caseworkers = set(plan.ctx.existing_caseworkers) | {u["id"] for u in rows["users"]}
    settings = {s["id"]: s for s in rows["settings"]}
    upns = [c["upn"] for c in rows["children"] if c["upn"]]
    assert len(upns) == len(set(upns))
    assert len(upns) > 0.7 * len(rows["children"])
    for child in rows["children"]:
        born = datetime.date.fromisoformat(child["date_of_birth"])
        assert 0 <= age_on(born, AS_OF) <= 25
        assert not need_code_problems(
            child["sen_status"], child["primary_need"], child["secondary_need"]
        )
        if child["upn"]:
            assert upn_problem(child["upn"]) is None
            assert child["upn"][1:4] == plan.ctx.la_code
        dates = {
            name: datetime.date.fromisoformat(child[name]) if child[name] else None
            for name in ("sen_support_start_date", "plan_start_date", "next_review_date")
        }
        assert (child["sen_status"] == "E") == (dates["plan_start_date"] is not None)
        for name in ("sen_support_start_date", "plan_start_date"):
            if dates[name]:
                assert born <= dates[name] <= AS_OF
        if dates["sen_support_start_date"] and dates["plan_start_date"]:
            assert dates["sen_support_start_date"] <= dates["plan_start_date"]
        assert dates["next_review_date"] > born
        assert child["caseworker_id"] in caseworkers
        if child["held_band"] is not None:
            assert child["sen_status"] == "E" and 1 <= child["held_band"] <= 20
        setting = settings.get(child["current_setting_id"])
        if setting:
            low, high = PHASE_AGE_RANGES[setting["phase"]]
            assert low <= age_on(born, AS_OF) <= high, (setting, child)
    secondary = sum(bool(c["secondary_need"]) for c in rows["children"]) / len(rows["children"])
    assert 0.15 < secondary < 0.4
    assert set(Counter(c["gender"] for c in rows["children"])) <= {"F", "M", "U"}
    assert len({c["ethnicity"] for c in rows["children"]}) >= 10


def test_settings_pass_the_register_rules(rows):
    fields = {f.name: f for f in Setting._meta.fields}
    urns, types = [], Counter()
    for setting in rows["settings"]:
        for name in ("urn", "ukprn"):
            if setting[name]:
                for validator in fields[name].validators:
                    validator(setting[name])
        urns += [setting["urn"]] if setting["urn"] else []
        types[setting["setting_type"]] += 1
        assert setting["capacity"] is None or setting["capacity"] > 0
        if setting["setting_type"] == "fe":
            assert setting["ukprn"].startswith("1") and len(setting["ukprn"]) == 8
    assert len(urns) == len(set(urns))
    assert set(types) == set(PLACEMENT_OF_TYPE)
    assert len({s["name"] for s in rows["settings"]}) == len(rows["settings"])
    capability = defaultdict(dict)
    for row in rows["capabilities"]:
        capability[row["setting_id"]][row["domain"]] = row["level"]
    assert all(len(levels) == 12 for levels in capability.values())
    by_type = defaultdict(list)
    for setting in rows["settings"]:
        by_type[setting["setting_type"]] += list(capability[setting["id"]].values())
    assert set(by_type["mainstream"]) <= {1, 2, 3}
    assert np.mean(by_type["mainstream"]) < 2.3
    assert min(by_type["state_special"]) >= 2 and np.mean(by_type["state_special"]) >= 3
    assert 4 in by_type["state_special"]
    assert 3 in by_type["resourced"]


def test_every_assessment_is_complete_with_the_apps_own_vectors(rows, demo, definition):
    ratings = defaultdict(list)
    for rating in rows["ratings"]:
        ratings[rating["assessment_id"]].append(SimpleNamespace(**rating))
    born = {c["id"]: datetime.date.fromisoformat(c["date_of_birth"]) for c in rows["children"]}
    stub = SimpleNamespace(framework=SimpleNamespace(definition=definition))
    changes = defaultdict(list)
    for change in rows["status_changes"]:
        changes[change["assessment_id"]].append((change["from_status"], change["to_status"]))
    for assessment in rows["assessments"]:
        own = ratings[assessment["id"]]
        assert missing_answers(stub, own) == []
        assert profile_vectors(definition.domain_codes, own) == (
            assessment["need_vector"],
            assessment["ability_vector"],
            assessment["family_vector"],
        )
        created = datetime.date.fromisoformat(assessment["created_at"][:10])
        age = age_on(born[assessment["child_id"]], created)
        assert {r.domain for r in own} == {d.code for d in definition.domains_for_age(age)}
        assert all(0 <= r.level <= 4 for r in own)
        assert assessment["completed_at"] >= assessment["created_at"]
        assert assessment["completed_at"][:10] <= AS_OF.isoformat()
        expected = [("", "draft"), ("draft", "complete")]
        if assessment["status"] == "superseded":
            expected.append(("complete", "superseded"))
        assert changes[assessment["id"]] == expected
    requests = Counter(a["request"] for a in rows["assessments"] if a["status"] == "complete")
    assert requests["none"] / sum(requests.values()) > 0.8
    assert requests["ehc_assessment"] > 0 and requests["specialist_placement"] > 0


def _previous_and_current(rows):
    by_id = {a["id"]: a for a in rows["assessments"]}
    for current in rows["assessments"]:
        if current["copied_from_id"]:
            before = by_id[current["copied_from_id"]]
            assert before["status"] == "superseded" and before["child_id"] == current["child_id"]
            gap = datetime.date.fromisoformat(
                current["created_at"][:10]
            ) - datetime.date.fromisoformat(before["created_at"][:10])
            yield before, current, gap.days


def test_no_assessment_is_dated_before_its_framework_was_in_use(rows):
    in_use_from = "2026-09-01"  # the shipped framework's effective_from (conftest)
    for assessment in rows["assessments"]:
        assert in_use_from <= assessment["created_at"] <= assessment["completed_at"]
    for change in rows["status_changes"]:
        assert change["at"] >= in_use_from
    for rating in rows["ratings"]:
        assert rating["updated_at"] >= in_use_from
    # A year's history does not fit in the framework's first months: reviews come sooner.
    gaps = [gap for _, _, gap in _previous_and_current(rows)]
    assert 0.2 <= len(gaps) / len(rows["children"]) <= 0.3
    assert min(gaps) >= 28 and max(gaps) <= 83


def test_previous_assessments_are_a_year_earlier_and_mostly_lower(definition):
    # A framework long in use: a year's history fits, and the rows are the same as they were
    # before assessments were kept within the framework's time (same seed, same data).
    plan, dataset = generate(definition, framework_from=datetime.date(2020, 9, 1))
    rows = {key: list(table.records()) for key, table in dataset.tables.items()}
    assert min(a["created_at"] for a in rows["assessments"]) < "2025-01-01"
    assert (
        dataset.digest()
        == generate(definition, framework_from=datetime.date(2024, 1, 1))[1].digest()
    )
    rose = changed = count = 0
    for before, current, gap in _previous_and_current(rows):
        count += 1
        assert 290 <= gap <= 440
        pairs = [
            (int(b), int(a))
            for b, a in zip(before["need_vector"], current["need_vector"], strict=True)
            if b != "-" and a != "-"
        ]
        if any(a != b for b, a in pairs):
            changed += 1
            rose += sum(a > b for b, a in pairs) > sum(a < b for b, a in pairs)
    assert 0.2 <= count / len(rows["children"]) <= 0.3
    assert changed / count > 0.8
    assert rose / changed > 0.7


def test_a_framework_not_yet_in_use_is_refused(definition):
    with pytest.raises(ValueError, match="in use only from 23 November 2026"):
        generate(definition, framework_from=AS_OF)


KEY_DOMAINS = {
    "HI": ["hearing"],
    "VI": ["vision"],
    "MSI": ["hearing", "vision"],
    "PD": ["physical_mobility"],
    "ASD": ["social_communication"],
    "SLCN": ["speech_language"],
    "SEMH": ["emotional_wellbeing", "behaviour_regulation"],
    "SPLD": ["specific_learning"],
    "MLD": ["general_learning"],
    "SLD": ["general_learning"],
    "PMLD": ["general_learning", "independence_self_care"],
    "DS": ["general_learning"],
}


def test_profiles_fit_the_primary_need(rows, definition):
    codes = definition.domain_codes
    children = {c["id"]: c for c in rows["children"]}
    settings = {s["id"]: s for s in rows["settings"]}
    highest = defaultdict(list)
    key_level = defaultdict(list)
    special, mainstream = [], []
    for assessment in rows["assessments"]:
        if assessment["status"] != "complete":
            continue
        child = children[assessment["child_id"]]
        levels = {
            code: int(ch)
            for code, ch in zip(codes, assessment["need_vector"], strict=True)
            if ch != "-"
        }
        need = child["primary_need"]
        if need in KEY_DOMAINS:
            key = max(levels[d] for d in KEY_DOMAINS[need])
            highest[need].append(key == max(levels.values()))
            key_level[child["sen_status"]].append(key)
        setting = settings.get(child["current_setting_id"])
        if child["sen_status"] == "E" and setting:
            group = (
                special
                if setting["setting_type"] in ("state_special", "independent_special")
                else mainstream
            )
            group.append(sum(levels.values()))
        if need == "PMLD" and child["sen_status"] == "E":
            assert levels["general_learning"] == 4 and levels["independence_self_care"] == 4
        if need == "NSA":
            assert max(levels.values()) <= 2
    for need, flags in highest.items():
        assert sum(flags) / len(flags) >= 0.8, need
    assert set(key_level["E"]) <= {3, 4}
    assert set(key_level["K"]) <= {1, 2, 3}
    assert np.mean(key_level["E"]) > np.mean(key_level["K"]) + 1
    assert np.mean(special) > np.mean(mainstream)


def test_caseload_is_shared_between_caseworkers(rows):
    load = Counter(c["caseworker_id"] for c in rows["children"])
    assert max(load.values()) - min(load.values()) <= 1
    assert all(a["created_by_id"] == a["completed_by_id"] for a in rows["assessments"])

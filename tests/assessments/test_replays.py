import csv
import io

import pytest
from django.urls import reverse

from assessments import recommendations, rulesets
from assessments.models import ReplayChange, ReplayRun
from assessments.rules import Caseload
from tests.factories import ChildFactory, SettingFactory, complete_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(authority_a, caseworker, oakfield, framework):
    """Twelve children with varied needs at Oakfield, two of them with an EHC plan."""
    special = SettingFactory(
        authority=authority_a,
        name="Riverside Special",
        setting_type="state_special",
        phase="all_through",
        capabilities__default_level=4,
    )
    children = []
    for index in range(12):
        child = ChildFactory(
            authority=authority_a,
            last_name=f"Pupil{index:02d}",
            current_setting=special if index < 2 else oakfield,
            sen_status="E" if index < 2 else "K",
            held_band=3 if index < 2 else None,
        )
        levels = {"speech_language": index % 5, "social_communication": (index * 2) % 4}
        complete_assessment(child, caseworker, levels)
        children.append(child)
    return children


@pytest.fixture
def draft(rule_sets, authority_a, admin):
    version = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    # Harsher points for levels 3 and 4: some children move up a band or tier.
    return rulesets.ruleset_update_points(version, [0, 1, 3, 12, 20], by=admin)


def test_replay_matches_one_by_one_evaluation_and_lists_who_changes(
    client_as, manager, caseload, draft, rule_sets, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(manager).post(reverse("replay-start", args=[draft.pk]))
    run = ReplayRun.objects.get()
    assert response.url == reverse("replay-detail", args=[run.pk])
    assert run.status == "done" and run.baseline == rule_sets["valuing-send-default"]
    expected_changes, tiers_after = set(), {}
    for child in caseload:
        assessment = child.assessments.get(status="complete")
        before = recommendations.recommend(assessment, run.baseline)
        after = recommendations.recommend(assessment, draft)
        tiers_after[after.tier] = tiers_after.get(after.tier, 0) + 1
        # Money, tiers, above the range and classification: never band numbers.
        if headline(before) != headline(after):
            expected_changes.add(child.pk)
    assert set(ReplayChange.objects.values_list("child_id", flat=True)) == expected_changes
    assert run.summary["children"] == 12
    assert run.summary["changed"] == len(expected_changes) > 0
    assert {k: v for k, v in run.summary["tiers_after"].items() if v} == tiers_after
    html = client_as(manager).get(reverse("replay-detail", args=[run.pk])).content.decode()
    assert f'<p class="govuk-body app-figure__value">{len(expected_changes)}</p>' in html
    assert (
        "Moves between tiers" in html or run.summary["tiers_before"] == run.summary["tiers_after"]
    )
    # While it ran, the page polled and swapped #replay-body: the finished page's body holds the
    # results, and the words its live region reads out once.
    polled = (
        client_as(manager)
        .get(reverse("replay-detail", args=[run.pk]), headers={"HX-Request": "true"})
        .content.decode()
    )
    body = polled[polled.index('<div id="replay-body">') :]
    assert "Children by tier" in body and "hx-trigger" not in body
    assert (
        f'data-app-announce="The replay has finished: {len(expected_changes)} of 12 children'
        in body
    )


def headline(recommendation):
    return (
        recommendation.tier,
        recommendation.annual_top_up_at_current_setting,
        recommendation.above_range,
        recommendation.mainstream_capable,
        recommendation.classification,
    )


def test_replay_across_schemes_compares_money_and_counts_above_the_range(
    client_as, manager, admin, caseload, rule_sets, authority_a, django_capture_on_commit_callbacks
):
    """The active scheme has seven bands; the Herefordshire draft has twenty-one named groups
    paid per term. The replay names each scheme's bands on its own, adds up the year's worth
    of each published amount, and counts children above each range apart."""
    herefordshire = rulesets.ruleset_copy(
        rule_sets["herefordshire-early-years"], authority_a, by=admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_as(manager).post(reverse("replay-start", args=[herefordshire.pk]))
    run = ReplayRun.objects.get()
    summary = run.summary
    labels_after = [row["label"] for row in summary["bands_after"]]
    assert set(labels_after) <= {band.label for band in herefordshire.ruleset.bands} | {
        "No band (below the first band)"
    }
    assert {row["label"] for row in summary["bands_before"]} <= {
        band.label for band in run.baseline.ruleset.bands
    } | {"No band (below the first band)"}
    expected_after = 0
    for child in caseload:
        after = recommendations.recommend(
            child.assessments.get(status="complete"),
            herefordshire,
            held_scheme=run.baseline.ruleset,
        )
        expected_after += after.annual_top_up_at_current_setting or 0
    assert summary["top_up_after_pence"] == expected_after
    assert sum(row["top_up_pence"] for row in summary["bands_after"]) == expected_after
    assert "above_range_after" in summary
    html = client_as(manager).get(reverse("replay-detail", args=[run.pk])).content.decode()
    assert "Bands under the active rules (Valuing SEND default 2025.3)" in html
    assert "Bands under this version (Herefordshire High Needs Matrix (early years tariffs)" in html
    assert "Above the scheme's range</h2>" in html


def test_children_above_the_range_are_counted_apart_and_in_no_total(
    manager, admin, authority_a, caseworker, oakfield, framework, rule_sets
):
    from assessments import replays

    child = ChildFactory(authority=authority_a, current_setting=oakfield)
    complete_assessment(child, caseworker, dict.fromkeys(
        ["speech_language", "social_communication", "general_learning", "specific_learning",
         "emotional_wellbeing", "behaviour_regulation", "hearing", "vision"], 4))  # fmt: skip
    draft = rulesets.ruleset_copy(rule_sets["valuing-send-default"], authority_a, by=admin)
    run = replays.replay_start(authority_a, draft, by=manager)
    run = replays.replay_execute(run.pk)
    # C&I 20 + C&L 20 + SEMH 20 + S&P 20 (cap) + independence 1 = 81 > 64.
    assert run.summary["above_range_before"] == run.summary["above_range_after"] == 1
    assert run.summary["top_up_before_pence"] == run.summary["top_up_after_pence"] == 0
    stored = child.assessments.get().recommendations.get()
    assert stored.above_range and stored.top_up is None and stored.band is None


def test_the_caseload_reader_in_one_query_equals_the_row_by_row_reader(
    caseload, django_assert_max_num_queries, authority_a
):
    from assessments.caseload import caseload_for, caseload_row_by_row

    # The caseload, its frameworks' domains and its settings' types.
    with django_assert_max_num_queries(3):
        fast = caseload_for(authority_a)
    slow = caseload_row_by_row(authority_a)
    assert len(fast) == len(slow) == 1
    (codes, a, refs_a), (codes_b, b, refs_b) = fast[0], slow[0]
    assert codes == codes_b and list(refs_a) == list(refs_b)
    for field in (
        "levels",
        "family_capacity",
        "setting_ability",
        "previous_levels",
        "has_previous",
        "ages",
        "sen_status",
        "current_setting_type",
        "held_band",
        "request",
    ):
        assert (getattr(a, field) == getattr(b, field)).all(), field

    def settings_of(caseload):
        ids = list(caseload.setting_ids) + [None]
        return [ids[key] for key in caseload.current_setting.tolist()]

    assert settings_of(a) == settings_of(b)


def test_changes_are_written_the_same_by_copy_and_by_bulk_create(
    caseload, draft, manager, authority_a, monkeypatch
):
    from assessments import replays

    def fields(run):
        return sorted(
            run.changes.values_list(
                "child_id", "tier_before", "tier_after", "band_before", "band_after",
                "above_range_before", "above_range_after", "top_up_before", "top_up_after",
                "mainstream_before", "mainstream_after", "classification_before",
                "classification_after",
            )
        )  # fmt: skip

    copied = replays.replay_execute(replays.replay_start(authority_a, draft, by=manager).pk)
    monkeypatch.setattr(replays.connection, "vendor", "sqlite")
    inserted = replays.replay_execute(replays.replay_start(authority_a, draft, by=manager).pk)
    assert fields(copied) == fields(inserted) != []


def test_drill_down_and_csv(
    client_as, manager, caseload, draft, django_capture_on_commit_callbacks
):
    client = client_as(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("replay-start", args=[draft.pk]))
    run = ReplayRun.objects.get()
    change = run.changes.select_related("child").first()
    html = client.get(
        reverse("replay-changes", args=[run.pk]),
        {"from": change.tier_before, "to": change.tier_after},
    ).content.decode()
    assert change.child.full_name in html
    # Bands by name, each from its own scheme.
    before_band = run.baseline.ruleset.band_by_number(change.band_before)
    if before_band is not None:
        assert before_band.label in html
    response = client.get(reverse("replay-csv", args=[run.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Disposition"] == f'attachment; filename="replay-{run.pk}-changes.csv"'
    assert len(rows) == run.changes.count()
    assert {row["last_name"] for row in rows} == set(
        run.changes.values_list("child__last_name", flat=True)
    )
    assert {row["band_before"] for row in rows} <= {
        band.label for band in run.baseline.ruleset.bands
    } | {"No band", "Above the scheme's range"}
    assert all(not row["band_after"].isdigit() for row in rows)
    assert all(
        row["annual_top_up_after"] == "" or "." in row["annual_top_up_after"] for row in rows
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "gold"}, "from", "Select the tier under the active rules from the list"),
        ({"to": "x\x00"}, "to", "Select the tier under this version from the list"),
    ],
)
def test_invalid_drill_down_filters_are_explained_and_list_nothing(
    client_as, manager, caseload, draft, django_capture_on_commit_callbacks, params, field, message
):
    client = client_as(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("replay-start", args=[draft.pk]))
    run = ReplayRun.objects.get()
    assert run.changes.exists()
    response = client.get(reverse("replay-changes", args=[run.pk]), params)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="#id_{field}">{message}</a>' in html
    assert "Pupil" not in html
    assert "No children are listed until the filters are corrected" in html


def test_progress_partial_while_running(client_as, manager, draft, authority_a):
    run = ReplayRun.objects.create(
        authority=authority_a,
        draft=draft,
        baseline=draft.based_on,
        draft_checksum=draft.checksum,
        requested_by=manager,
        status="running",
        total=70000,
        processed=35000,
    )
    client = client_as(manager)
    full = client.get(reverse("replay-detail", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in full and "Refresh to see progress" in full
    partial = client.get(
        reverse("replay-detail", args=[run.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.lstrip().startswith('<div id="replay-body">')
    assert 'hx-select="#replay-body"' in partial and 'data-app-announce="Replay running"' in partial
    assert '<progress id="replay-bar" class="app-progress" max="100" value="50">' in partial


def test_a_failure_is_recorded_and_shown(
    client_as, manager, draft, authority_a, monkeypatch, django_capture_on_commit_callbacks
):
    from assessments import replays
    from assessments.tasks import replay_caseload

    def broken(authority, **kwargs):
        raise RuntimeError("database went away")

    run = ReplayRun.objects.create(
        authority=authority_a,
        draft=draft,
        baseline=draft.based_on,
        draft_checksum=draft.checksum,
        requested_by=manager,
    )
    monkeypatch.setattr(replays, "caseload_for", broken)
    replay_caseload(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and "database went away" in run.error
    client = client_as(manager)
    page = client.get(reverse("replay-detail", args=[run.pk])).content.decode()
    assert "The replay failed" in page and "Try the replay again" in page
    assert [(c.from_status, c.to_status) for c in run.status_changes.all()] == [
        ("queued", "running"),
        ("running", "failed"),
    ]
    assert {c.by for c in run.status_changes.all()} == {manager}

    # Trying again queues the run once more; with the fault gone it finishes.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("replay-retry", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "done" and run.error == ""
    assert [c.to_status for c in run.status_changes.all()][-3:] == ["queued", "running", "done"]
    # A finished run cannot be "tried again": the workflow refuses, with a message.
    response = client.post(reverse("replay-retry", args=[run.pk]), follow=True)
    assert "so it cannot become waiting to start" in response.content.decode()


def test_caseworkers_cannot_replay_and_other_authorities_cannot_see(
    client_as, caseworker, manager, caseworker_b, draft, authority_b
):
    assert client_as(caseworker).post(reverse("replay-start", args=[draft.pk])).status_code == 403
    client_as(manager).post(reverse("replay-start", args=[draft.pk]))
    run = ReplayRun.objects.get()
    from tests.conftest import _member
    from valuing_send.authorities.models import Role

    other_manager = _member(authority_b, Role.MANAGER, "max@southshire.example", "Max Other")
    client = client_as(other_manager)
    for name in ("replay-detail", "replay-changes", "replay-csv"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404


def test_the_active_rule_set_is_not_replayed_against_itself(client_as, manager, rule_sets):
    response = client_as(manager).post(
        reverse("replay-start", args=[rule_sets["valuing-send-default"].pk]), follow=True
    )
    assert "This is the active rule set" in response.content.decode()
    assert not ReplayRun.objects.exists()


def _change_rows(run):
    fields = [f.name for f in ReplayChange._meta.concrete_fields if f.name not in ("id", "run")]
    return sorted(run.changes.values_list(*fields))


def _summary(run):
    return {key: value for key, value in run.summary.items() if key != "timings_ms"}


def test_a_replay_of_a_generated_caseload_is_the_same_read_in_one_query_or_row_by_row(
    framework, manager, monkeypatch, django_assert_max_num_queries
):
    """2,000 generated children (profiles replaced by later ones, every kind of setting, held
    bands, requests): the one-query reader and COPY give the same caseload, changes and summary
    as the ORM reader and bulk_create."""
    import numpy as np

    from assessments import replays
    from assessments.caseload import caseload_for, caseload_row_by_row
    from assessments.demo_data.pipeline import populate_named

    authority = populate_named("Testshire County Council", "demo", seed=3)[0].authority
    draft = rulesets.ruleset_update_points(
        rulesets.ruleset_copy(rulesets.active_rule_set(authority), authority, by=manager),
        [0, 1, 3, 12, 20],
        by=manager,
    )

    # The caseload, its frameworks' domains and its settings' types.
    with django_assert_max_num_queries(3):
        fast = caseload_for(authority)
    slow = caseload_row_by_row(authority)
    assert [codes for codes, _, _ in fast] == [codes for codes, _, _ in slow]
    for (_, a, refs_a), (_, b, refs_b) in zip(fast, slow, strict=True):
        assert list(refs_a) == list(refs_b) and len(refs_a) > 1500
        for field in Caseload.__slots__:
            if field in ("refs", "setting_ids", "current_setting", "domain_codes"):
                continue
            value_a, value_b = getattr(a, field), getattr(b, field)
            np.testing.assert_array_equal(value_a, value_b, err_msg=field)
            assert value_a.dtype == value_b.dtype, field
        assert a.has_previous.any() and (a.held_band >= 0).any() and (a.request > 0).any()

    in_one_query = replays.replay_execute(replays.replay_start(authority, draft, by=manager).pk)
    monkeypatch.setattr(replays.connection, "vendor", "sqlite")
    row_by_row = replays.replay_execute(replays.replay_start(authority, draft, by=manager).pk)
    assert in_one_query.summary["changed"] > 0
    assert _summary(in_one_query) == _summary(row_by_row)
    assert _change_rows(in_one_query) == _change_rows(row_by_row)


def test_replay_changes_naming_an_erased_child_are_refused_and_erasing_removes_them(
    caseload, draft, manager, authority_a, caseworker
):
    """ReplayChange has no foreign-key constraints (they cost most of the write): the replay
    checks the children in one query under a lock, and erasing a child removes its changes."""
    import numpy as np
    from django.db import IntegrityError

    from assessments import replays, services

    run = replays.replay_execute(replays.replay_start(authority_a, draft, by=manager).pk)
    change = run.changes.first()
    assert change is not None
    assessment_ids = np.array([change.assessment_id, change.assessment_id + 10_000])
    child_ids = np.array([change.child_id, change.child_id + 10_000])  # no such child
    values = {key: np.zeros(2, dtype=np.int64) for key in replays.COLUMNS}
    with pytest.raises(IntegrityError, match="1 of the children this replay changes were erased"):
        replays.write_changes(run, (assessment_ids, child_ids), np.arange(2), values, values)

    services.child_erase(change.child, by=None)
    assert not run.changes.filter(child_id=change.child_id).exists()
    assert not ReplayChange.objects.filter(assessment_id=change.assessment_id).exists()
    assert run.changes.exists()


def _advisory_waiters() -> int:
    """Sessions of this database waiting for an advisory lock."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
        )
        return cursor.fetchone()[0]


def _in_thread(work, outcome: dict, name: str):
    """Run ``work`` in its own thread, so on its own database connection, keeping what it
    returned or raised under ``name``."""
    import threading

    from django.db import connection

    def run():
        try:
            outcome[name] = work()
        except Exception as error:  # the test asserts on it
            outcome[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def _wait_for_a_waiter() -> bool:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _advisory_waiters():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["erase", "replay"])
def test_erasing_a_child_and_writing_a_replay_wait_for_each_other_on_two_connections(
    first, caseload, draft, manager, authority_a, monkeypatch
):
    """The lock that stands in for ReplayChange's foreign keys, between two real sessions:
    whichever of erasing a child and writing a replay's changes comes second waits for the
    first to commit. Erasing first: the replay then finds the child gone and is refused.
    Replaying first: the erasure then finds the changes committed and removes them with the
    child. Without the lock, either order leaves changes naming a child that no longer
    exists."""
    import threading

    import numpy as np
    from django.db import IntegrityError, connection, transaction

    from assessments import replays, services
    from assessments.models import Child

    if connection.vendor != "postgresql":
        pytest.skip("the lock is PostgreSQL's (SQLite writes one transaction at a time)")
    monkeypatch.setattr(replays, "enqueue_on_commit", lambda *args, **kwargs: None)
    run = replays.replay_start(authority_a, draft, by=manager)
    child = caseload[0]
    assessment = child.assessments.get(status="complete")
    ids = (np.array([assessment.pk]), np.array([child.pk]))
    values = {key: np.zeros(1, dtype=np.int64) for key in replays.COLUMNS}
    holding, release = threading.Event(), threading.Event()

    def hold(step):
        def work():
            with transaction.atomic():
                step()
                holding.set()
                assert release.wait(20), "the test never let the first transaction commit"
            return "committed"

        return work

    def erase():
        services.child_erase(Child.objects.get(pk=child.pk), by=None)

    def write():
        replays.write_changes(run, ids, np.arange(1), values, values)

    def second():
        with transaction.atomic():
            (write if first == "erase" else erase)()
        return "committed"

    outcome = {}
    first_thread = _in_thread(hold(erase if first == "erase" else write), outcome, "first")
    assert holding.wait(20), outcome.get("first")
    second_thread = _in_thread(second, outcome, "second")
    try:
        assert _wait_for_a_waiter(), "the second transaction did not wait for the lock"
        assert second_thread.is_alive() and "second" not in outcome
    finally:
        release.set()
        first_thread.join(20)
        second_thread.join(20)
    assert outcome["first"] == "committed"
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not ReplayChange.objects.filter(child_id=child.pk).exists()
    if first == "erase":
        assert isinstance(outcome["second"], IntegrityError)
        assert "1 of the children this replay changes were erased" in str(outcome["second"])
    else:
        assert outcome["second"] == "committed"

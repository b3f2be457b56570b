"""Writing generated data to the database (PostgreSQL in the suite): valid by the app's own
validation, never duplicated, and wired into ``setup_demo``."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse

from assessments import queries, recommendations, rulesets
from assessments.demo_data.calibration import published_authorities
from assessments.demo_data.pipeline import AlreadyPopulated, ensure_authority, populate_named
from assessments.demo_data.rows import Table
from assessments.demo_data.validation import validate_authority
from assessments.demo_data.writers import writer_for
from assessments.models import Assessment, DomainRating
from valuing_send.authorities import choices
from valuing_send.authorities.models import Authority, Role, User

pytestmark = pytest.mark.django_db


def test_demo_data_passes_the_apps_validation_and_is_not_duplicated(framework):
    result, created = populate_named("Testshire County Council", "demo", seed=3)
    authority = result.authority
    assert created
    assert authority.children.count() == result.counts["children"] == 2000
    assert Assessment.objects.filter(authority=authority).count() == result.counts["assessments"]
    assert (
        DomainRating.objects.filter(assessment__authority=authority).count()
        == result.counts["ratings"]
    )
    assert authority.settings_register.count() == result.counts["settings"]
    caseworkers = User.objects.filter(
        memberships__authority=authority, memberships__role=Role.CASEWORKER
    )
    assert caseworkers.count() == 4
    assert not any(user.has_usable_password() for user in caseworkers)
    assert {"plan", "rows", "write:ratings", "recommendations", "commit"} <= set(result.timings)
    assert "write:recommendations" in result.timings
    # Every current profile has its recommendation, worked out in one batch, written with the
    # other tables and dated when the profile was completed.
    complete = Assessment.objects.filter(authority=authority, status="complete")
    assert authority.recommendations.current().count() == complete.count() > 1000
    assert result.counts["recommendations"] == complete.count()
    assert not authority.recommendations.exclude(created_at=F("assessment__completed_at")).exists()
    assert not authority.recommendations.exclude(result={}).exists()  # detail worked out on view
    for sample in complete.order_by("pk")[:40]:
        one_by_one = recommendations.recommend(sample)
        stored = sample.recommendations.get()
        assert stored.rule_set == rulesets.active_rule_set(authority)
        assert (
            stored.tier,
            stored.band,
            stored.total_points,
            stored.top_up,
            stored.mainstream_capable,
            stored.classification,
        ) == (
            one_by_one.tier,
            one_by_one.band_number,
            one_by_one.total_points,
            recommendations.headline_fields(one_by_one)["top_up"],
            one_by_one.mainstream_capable,
            one_by_one.classification,
        )
    # The child and settings forms on a sample; every other check on every record.
    assert validate_authority(authority, form_sample=120) == []
    with pytest.raises(AlreadyPopulated):
        populate_named("Testshire County Council", "demo", seed=3)
    assert authority.children.count() == 2000


def test_per_table_reference_checks_give_valid_data(framework):
    # What the pages keep of an authority, kept while it was empty: rows written with COPY
    # send no signal, so the generator itself forgets them.
    authority, _, _ = ensure_authority("Checkshire")
    assert choices.register(authority) == [] and queries.children_count(authority) == 0
    result, _ = populate_named("Checkshire", "demo", seed=4, bulk_references=True)
    assert "references" in result.timings
    assert validate_authority(result.authority, form_sample=20) == []
    assert result.authority == authority
    assert len(choices.register(authority)) == authority.settings_register.active().count() > 0
    assert len(choices.caseworkers(authority)) == 4
    assert queries.children_count(authority) == result.counts["children"] == 2000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL COPY path")
def test_per_table_reference_checks_catch_a_broken_reference(caseworker):
    with pytest.raises(IntegrityError), transaction.atomic():
        writer = writer_for(connection)
        if not writer.trust_references():
            pytest.skip("needs a PostgreSQL superuser")
        changes = Table("assessments.AssessmentStatusChange")
        changes.add(
            assessment_id=987654321,
            to_status="draft",
            by_id=caseworker.pk,
            at="2026-01-05 10:00:00",
            reason="Started",
        )
        writer.write("status_changes", changes)
        writer.verify_references()


def test_a_model_gaining_a_required_column_is_reported():
    children = Table("assessments.Child", own_ids=True)
    with pytest.raises(TypeError, match="'first_name', 'last_name', 'date_of_birth',"):
        children.add(id=1, authority_id=1, updated_at="2026-01-05 10:00:00")
    with pytest.raises(TypeError, match="unexpected keyword argument 'nickname'"):
        Table("authorities.SettingCapability").add(
            setting_id=1, domain="hearing", level=2, nickname="x"
        )


def test_real_authorities_get_their_published_codes_and_others_a_free_code(db):
    rutland, published, created = ensure_authority("Rutland County Council")
    assert created and published.la_code == "857"
    assert (rutland.name, rutland.la_code, rutland.ons_code, rutland.region) == (
        "Rutland",
        "857",
        "E06000017",
        "East Midlands",
    )
    assert ensure_authority("857")[0] == rutland
    real_codes = {row.la_code for row in published_authorities()}
    first, _, _ = ensure_authority("Northmoor Borough Council")
    second, _, _ = ensure_authority("Southmoor Borough Council")
    for fictional in (first, second):
        fictional.full_clean()
        assert fictional.la_code not in real_codes
    assert first.la_code != second.la_code
    assert ensure_authority("northmoor borough council")[0] == first


def test_generate_demo_command_reports_counts_and_phases(framework):
    out = io.StringIO()
    call_command("generate_demo", "--national", "--only", "420", "--seed", "2", stdout=out)
    scilly = Authority.objects.get(la_code="420")
    assert scilly.name == "Isles of Scilly"
    assert scilly.children.filter(sen_status="E").count() == 17
    text = out.getvalue()
    assert "Isles of Scilly" in text and "write:ratings" in text and "total" in text
    call_command("generate_demo", "--national", "--only", "420", stdout=out)
    assert "already has children, skipped" in out.getvalue()
    assert scilly.children.count() == 17 + round(17 * 3.375)


def test_setup_demo_generates_demo_data_once(framework):
    out = io.StringIO()
    call_command("setup_demo", stdout=out)
    authority = Authority.objects.get(la_code="999")
    assert authority.children.count() == 2000
    assert "2,000 children" in out.getvalue()
    casey = User.objects.get(email="caseworker@demo.valuing-send.test")
    assert casey.caseload.count() > 100
    assert casey.caseload.filter(sen_status="E").exists()
    call_command("setup_demo", stdout=io.StringIO())
    assert authority.children.count() == 2000
    assert Assessment.objects.filter(authority=authority).count() < 2600


def test_setup_demo_ships_a_draft_a_manager_can_replay_straight_away(
    framework, client, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    call_command("setup_demo", stdout=out)
    authority = Authority.objects.get(la_code="999")
    draft = authority.rule_sets.get()
    shipped = rulesets.active_rule_set(authority)
    assert draft.status == "draft" and draft.based_on == shipped and shipped.authority is None
    assert draft.created_by.email == "admin@demo.valuing-send.test"
    assert rulesets.scheme_of(draft)["points"] == [0, 1, 3, 7, 12]
    assert rulesets.scheme_of(shipped)["points"] == [0, 1, 3, 6, 10]
    assert rulesets.scheme_of(draft)["bands"] == rulesets.scheme_of(shipped)["bands"]
    assert f"draft rule set to replay: {draft.name} {draft.version}" in out.getvalue()

    # The manager's tour: sign in, open the rule sets, replay the draft.
    client.force_login(User.objects.get(email="manager@demo.valuing-send.test"))
    assert draft.version in client.get(reverse("ruleset-list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("replay-start", args=[draft.pk]), follow=True)
    run = authority.replays.get()
    assert run.status == "done" and run.draft == draft and run.baseline == shipped
    summary = run.summary
    assert summary["children"] == 2000
    assert 0 < summary["changed"] < 2000
    assert summary["top_up_after_pence"] > summary["top_up_before_pence"]
    assert "Replay" in response.content.decode()

    # Running it again keeps the draft (and makes no other).
    call_command("setup_demo", stdout=io.StringIO())
    assert list(authority.rule_sets.all()) == [draft]


def test_free_text_is_written_as_it_is_tabs_newlines_and_backslashes_included(authority_a):
    name = "Tab\there, new\nline, back\\slash, \\N and a quote '"
    settings = Table("authorities.Setting")
    settings.add(
        authority_id=authority_a.pk,
        name=name,
        phase="primary",
        setting_type="mainstream",
        capacity=None,
        created_at="2026-01-05 10:00:00",
        updated_at="2026-01-05 10:00:00",
    )
    with transaction.atomic():
        writer_for(connection).write("settings", settings)
    written = authority_a.settings_register.get()
    assert (written.name, written.capacity, written.urn, written.version) == (name, None, "", 1)

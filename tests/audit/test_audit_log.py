"""The audit log: every write to case data and every read of a child's information is recorded
with who, when, what, from where and why; the database refuses to change or delete a record;
admins search it by child and by person and export everything held about a child."""

import json
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from tests.factories import ChildFactory, complete_assessment
from valuing_send.audit import because
from valuing_send.audit.models import Action, AuditEvent
from valuing_send.audit.queryset import AuditedQuerySet
from valuing_send.audit.registry import tracked_models
from valuing_send.authorities.models import Membership, Role

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def child_data(**overrides):
    from tests.assessments.test_children_views import child_data as valid

    return valid(**{"first_name": "Ada", "last_name": "Lovelace", **overrides})


class TestWrites:
    def test_adding_a_child_records_who_when_what_and_from_where(self, client_as, caseworker):
        client = client_as(caseworker)
        response = client.post(
            reverse("child-create"), child_data(), HTTP_X_REQUEST_ID="req-0123456789"
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        child = caseworker.caseload.model.objects.get(last_name="Lovelace")
        (event,) = events(action=Action.CREATE, object_type="assessments.child")
        assert event.child_id == child.pk == int(event.object_id)
        assert event.authority_id == child.authority_id
        assert event.user_id == caseworker.pk and event.actor == caseworker.email
        assert event.ip_address == "127.0.0.1"
        assert event.request_id == "req-0123456789"
        assert event.path == reverse("child-create")
        assert event.description == "Created the child's record"
        # No personal data in the log itself: names, not values
        assert "Lovelace" not in json.dumps(
            [event.description, event.fields, event.path, event.reason]
        )

    def test_changes_made_by_queryset_updates_are_recorded_with_the_fields(
        self, client_as, caseworker, child
    ):
        client = client_as(caseworker)
        response = client.post(
            reverse("child-edit", args=[child.pk]),
            child_data(first_name="Amelia", last_name="Jones", version=child.version),
        )
        assert response.status_code == 302
        (event,) = events(action=Action.UPDATE, object_type="assessments.child")
        assert event.child_id == child.pk
        assert "first_name" in event.fields and "version" not in event.fields
        assert event.actor == caseworker.email

    def test_ratings_saved_in_the_assessment_journey_are_recorded(
        self, client_as, caseworker, child, framework
    ):
        from assessments import services

        draft, _ = services.assessment_start(child, by=caseworker)
        rating = draft.ratings.get(domain="hearing")
        area = draft.framework.definition.domain("hearing").area_code
        client_as(caseworker).post(
            reverse("assessment-area", args=[draft.pk, area]),
            {
                "autosave": "hearing",
                "hearing-level": "2",
                "hearing-evidence": "Audiology report",
                "hearing-source": "professional",
                "hearing-setting_ability": "2",
                "hearing-family_capacity": "2",
                "hearing-version": rating.version,
            },
            HTTP_HX_REQUEST="true",
        )
        updates = events(action=Action.UPDATE, object_type="assessments.domainrating")
        assert [e.object_id for e in updates] == [str(rating.pk)]
        assert updates[0].child_id == child.pk
        assert set(updates[0].fields) >= {"level", "evidence"}
        created = events(action=Action.CREATE, object_type="assessments.domainrating")
        assert len(created) == draft.ratings.count()  # bulk_create at the start

    def test_deletes_and_role_changes_are_recorded(self, client_as, admin, caseworker, authority_a):
        lost = ChildFactory(authority=authority_a)
        lost_pk = lost.pk
        lost.delete()
        (deleted,) = events(action=Action.DELETE, object_type="assessments.child")
        assert deleted.child_id == lost_pk and deleted.actor == "system"
        membership = Membership.objects.get(user=caseworker, authority=authority_a)
        client_as(admin).post(
            reverse("user-edit", args=[membership.pk]),
            {"role": Role.MANAGER, "version": membership.version},
        )
        (change,) = events(action=Action.UPDATE, object_type="authorities.membership")
        assert change.fields == ["role"] and change.actor == admin.email
        assert change.authority_id == authority_a.pk

    def test_a_reason_given_is_kept_with_the_write(self, caseworker, child):
        from assessments import services

        with because("Parent's request at the review meeting"):
            services.child_update(child, {"upn": ""}, expected_version=child.version, by=caseworker)
        (event,) = events(action=Action.UPDATE, object_type="assessments.child")
        assert event.reason == "Parent's request at the review meeting"

    def test_writes_rolled_back_leave_no_record(self, caseworker, child):
        with transaction.atomic():
            child.first_name = "Changed"
            child.save()
            transaction.set_rollback(True)
        assert not events(object_type="assessments.child", action=Action.UPDATE)

    def test_synthetic_data_is_one_event_not_thousands(self, authority_b, framework):
        from assessments.demo_data.calibration import Targets
        from assessments.demo_data.pipeline import populate_authority

        result = populate_authority(authority_b, Targets(ehc_plans=12, sen_support=30), seed=3)
        assert result.counts["children"] > 10
        recorded = events(authority_id=authority_b.pk)
        assert len(recorded) == 1
        assert recorded[0].description.startswith("Generated synthetic data")


class TestReads:
    def test_viewing_a_child_a_profile_and_the_family_view_is_recorded(
        self, client_as, panel_member, child, caseworker, framework
    ):
        assessment = complete_assessment(child, caseworker)
        AuditEvent.objects.all()  # (reading in a test is fine; features never do)
        client = client_as(panel_member)
        for name, pk in (
            ("child-detail", child.pk),
            ("assessment-summary", assessment.pk),
            ("family-view", assessment.pk),
        ):
            assert client.get(reverse(name, args=[pk])).status_code == 200
        reads = events(action=Action.READ, user_id=panel_member.pk)
        assert [(e.object_type, e.description) for e in reads] == [
            ("assessments.child", "Viewed the child's record"),
            ("assessments.assessment", "Viewed a needs profile and its recommendation"),
            ("assessments.assessment", "Viewed what the family will see"),
        ]
        assert {e.child_id for e in reads} == {child.pk}
        assert all(e.ip_address == "127.0.0.1" and e.request_id for e in reads)

    def test_a_refused_read_records_nothing(self, client_as, caseworker_b, child):
        assert (
            client_as(caseworker_b).get(reverse("child-detail", args=[child.pk])).status_code == 404
        )
        assert not events(action=Action.READ)

    def test_searching_children_records_which_filters_not_what_was_typed(
        self, client_as, caseworker, child
    ):
        client_as(caseworker).get(reverse("child-list"), {"q": "Jones", "status": "K"})
        (event,) = events(action=Action.SEARCH)
        assert event.fields == ["q", "status"]
        assert "Jones" not in json.dumps([event.description, event.fields, event.path])

    def test_signing_in_is_recorded(self, client, caseworker):
        from tests.conftest import PASSWORD
        from tests.factories import authenticator, current_code

        device = authenticator(caseworker)
        client.post(reverse("login"), {"username": caseworker.email, "password": PASSWORD})
        client.post(reverse("sign-in-code"), {"code": current_code(device)})
        (event,) = events(action=Action.SIGN_IN)
        assert event.user_id == caseworker.pk and event.ip_address == "127.0.0.1"


class TestAppendOnly:
    @pytest.fixture
    def event(self, caseworker, child):
        from valuing_send.audit import record

        return record(Action.READ, object_type="assessments.child", object_id=child.pk)

    def test_the_database_refuses_updates(self, event):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(actor="someone else")

    def test_the_database_refuses_deletes(self, event):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()

    def test_raw_sql_is_refused_too(self, event):
        from django.db import connection

        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_the_model_refuses_too(self, event):
        with pytest.raises(ValueError):
            event.save()
        with pytest.raises(ValueError):
            event.delete()


def test_every_tracked_model_records_its_queryset_writes():
    """A tracked model whose manager is not an AuditedQuerySet would lose its update() and
    bulk_create() writes."""
    wrong = [
        model._meta.label
        for model in tracked_models()
        if not issubclass(model._default_manager._queryset_class, AuditedQuerySet)
    ]
    assert not wrong, f"Give these models a manager from AuditedQuerySet: {wrong}"


def test_no_feature_reads_the_audit_log():
    """Only the audit package (its admin search and the subject-access export) reads the log."""
    readers = []
    for folder in ("assessments", "panels", "valuing_send"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if relative.parts[:2] == ("valuing_send", "audit") or "migrations" in relative.parts:
                continue
            if "AuditEvent" in path.read_text() or "audit.queries" in path.read_text():
                readers.append(str(relative))
    assert not readers, f"Features must not read the audit log: {readers}"


class TestSearchPage:
    def test_admin_finds_a_childs_events_by_name_then_by_child(
        self, client_as, admin, caseworker, child, django_assert_max_num_queries
    ):
        client_as(caseworker).get(reverse("child-detail", args=[child.pk]))
        client = client_as(admin)
        page = client.get(reverse("audit-search"), {"q": "Amy"}).content.decode()
        assert "Choose the child" in page
        assert f"?child={child.pk}" in page
        with django_assert_max_num_queries(12):
            response = client.get(reverse("audit-search"), {"child": child.pk})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Viewed the child&#x27;s record" in html or "Viewed the child's record" in html
        assert caseworker.email in html and "127.0.0.1" in html
        assert reverse("subject-access-export", args=[child.pk]) in html
        # and the search itself is recorded
        assert events(action=Action.SEARCH, user_id=admin.pk, child_id=child.pk)

    def test_admin_finds_a_persons_events_including_sign_ins(
        self, client_as, admin, caseworker, child
    ):
        from valuing_send.audit import record
        from valuing_send.audit.context import Actor, acting

        with acting(Actor(label=caseworker.email, user_id=caseworker.pk)):
            record(
                Action.SIGN_IN,
                object_type="authorities.user",
                object_id=caseworker.pk,
                description="Signed in with a password and a second factor",
            )
        client_as(caseworker).get(reverse("child-detail", args=[child.pk]))
        html = (
            client_as(admin).get(reverse("audit-search"), {"user": caseworker.pk}).content.decode()
        )
        assert "Signed in with a password and a second factor" in html
        assert "Viewed the child" in html
        assert "2 records" in html

    def test_another_authoritys_child_is_not_found_and_others_are_refused(
        self, client_as, admin, caseworker, child_b
    ):
        assert (
            client_as(admin).get(reverse("audit-search"), {"child": child_b.pk}).status_code == 404
        )
        assert client_as(caseworker).get(reverse("audit-search")).status_code == 403
        assert client_as(admin).post(reverse("audit-search")).status_code == 405

    def test_events_of_another_authority_are_never_listed(
        self, client_as, admin, caseworker_b, child_b, authority_a
    ):
        client_as(caseworker_b).get(reverse("child-detail", args=[child_b.pk]))
        html = client_as(admin).get(reverse("audit-search"), {"action": "read"}).content.decode()
        assert caseworker_b.email not in html
        assert "0 records" in html


class TestSubjectAccessExport:
    def test_everything_held_about_the_child_as_json_with_the_reason_recorded(
        self, client_as, admin, caseworker, child, framework
    ):
        assessment = complete_assessment(child, caseworker, {"hearing": 3})
        client_as(caseworker).get(reverse("child-detail", args=[child.pk]))
        client = client_as(admin)
        url = reverse("subject-access-export", args=[child.pk])
        assert "Why are you exporting" in client.get(url).content.decode()
        refused = client.post(url, {"reason": ""})
        assert refused.status_code == 400
        assert "Enter why you are exporting" in refused.content.decode()
        response = client.post(url, {"reason": "SAR 2026-041 from Amy's mother"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Disposition"] == (
            f'attachment; filename="child-{child.pk}-subject-access.json"'
        )
        data = json.loads(response.content)
        assert data["child"]["first_name"] == "Amy" and data["child"]["upn"] == "B801200005001"
        assert data["child"]["current_setting_name"] == "Oakfield Primary School"
        (profile,) = data["needs_profiles"]
        assert profile["id"] == assessment.pk
        assert {r["domain"]: r["level"] for r in profile["ratings"]}["hearing"] == 3
        assert profile["recommendations"][0]["result"]["trace"]
        log = data["access_log"]
        assert any(e["who"] == caseworker.email and e["action"] == "Viewed" for e in log)
        export = log[-1]
        assert export["action"] == "Exported" and export["reason"].startswith("SAR 2026-041")
        (recorded,) = events(action=Action.EXPORT)
        assert recorded.user_id == admin.pk and recorded.child_id == child.pk

    def test_only_admins_of_the_childs_authority(
        self, client_as, caseworker, manager, child, child_b, admin
    ):
        url = reverse("subject-access-export", args=[child.pk])
        assert client_as(manager).post(url, {"reason": "x"}).status_code == 403
        assert (
            client_as(admin)
            .post(reverse("subject-access-export", args=[child_b.pk]), {"reason": "x"})
            .status_code
            == 404
        )
        assert client_as(admin).put(url).status_code == 405
        assert not events(action=Action.EXPORT)

"""Operating the service: health endpoints, JSON logs with a request id and no personal data,
the data-retention command, security headers, and the cache and outbox without Redis."""

import datetime
import json
import logging
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from panels import services as panel_services
from panels.codes import CaseKind, CaseStatus
from tests.factories import ChildFactory, complete_assessment
from tests.panels.factories import InvitationFactory
from valuing_send.core.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


class TestHealth:
    def test_live_answers_without_touching_anything(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get("/health/live/", HTTP_HOST="10.0.0.7")  # a load balancer
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert response["Cache-Control"].startswith("max-age=0")

    def test_ready_reports_each_check_and_needs_only_the_database(self, client):
        response = client.get("/health/ready/", HTTP_HOST="10.0.0.7")
        data = response.json()
        assert response.status_code == 200
        assert set(data["checks"]) == {"database", "redis", "workers"}
        assert data["checks"]["database"]["ok"] is True
        assert "PostgreSQL answered" in data["checks"]["database"]["detail"]
        # No worker runs in the unit tests: reported, and the service is degraded, not down.
        assert data["checks"]["workers"]["ok"] is False
        assert data["status"] == "degraded"
        strict = client.get("/health/ready/?strict=1", HTTP_HOST="10.0.0.7")
        assert strict.status_code == 503 and strict.json()["status"] == "unavailable"

    def test_ready_fails_when_the_database_does_not_answer(self, client, monkeypatch):
        from valuing_send.core import system_checks

        monkeypatch.setattr(
            system_checks,
            "check_database",
            lambda: system_checks.Check("Database", False, "PostgreSQL did not answer"),
        )
        response = client.get("/health/ready/")
        assert response.status_code == 503
        assert response.json()["checks"]["database"]["ok"] is False

    def test_health_is_get_only(self, client):
        assert client.post("/health/live/").status_code == 405


class TestLogs:
    def test_json_lines_carry_the_request_id(self, client_as, caseworker):
        records = []
        handler = logging.Handler()
        handler.emit = records.append
        logging.getLogger("django.request").addHandler(handler)
        try:
            response = client_as(caseworker).get(
                "/children/999999/", HTTP_X_REQUEST_ID="trace-abcdef123"
            )
        finally:
            logging.getLogger("django.request").removeHandler(handler)
        assert response.status_code == 404
        assert response["X-Request-ID"] == "trace-abcdef123"
        line = json.loads(JsonFormatter().format(records[-1]))
        assert line["request_id"] == "trace-abcdef123"
        assert line["level"] == "WARNING" and line["logger"] == "django.request"
        assert line["message"] == "Not Found: /children/999999/"
        assert line["time"].endswith("Z")

    def test_a_made_up_request_id_is_replaced(self, client):
        response = client.get(reverse("accessibility"), HTTP_X_REQUEST_ID="<script>")
        assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32

    def test_no_childs_name_or_date_of_birth_reaches_the_logs(
        self, client_as, caseworker, panel_member, framework, oakfield, caplog
    ):
        """Use the app as a caseworker would, with every logger at DEBUG, then look for the
        child's details in every formatted line."""
        from tests.assessments.test_children_views import child_data

        caplog.set_level(logging.DEBUG)
        client = client_as(caseworker)
        data = child_data(
            first_name="Zebedee",
            last_name="Quixote-Marchbanks",
            date_of_birth_day="17",
            date_of_birth_month="3",
            date_of_birth_year="2016",
        )
        client.post(reverse("child-create"), data)
        from assessments.models import Child

        child = Child.objects.get(last_name="Quixote-Marchbanks")
        client.get(reverse("child-detail", args=[child.pk]))
        client.get(reverse("child-list"), {"q": "Quixote"})
        client.get(reverse("child-list"), {"q": "17/03/2016"})
        client.get(reverse("child-list"), {"status": "ZZ", "q": "Zebedee"})  # a refused filter
        client.post(reverse("child-edit", args=[child.pk]), {**data, "version": "²"})  # refused
        client.post(reverse("child-create"), {**data, "date_of_birth_year": "2999"})
        assessment = complete_assessment(child, caseworker, {"hearing": 3})
        client.get(reverse("assessment-summary", args=[assessment.pk]))
        client_as(panel_member).get(reverse("family-view", args=[assessment.pk]))
        client.get(reverse("child-detail", args=[child.pk + 1000]))  # a 404
        client_as(panel_member).get(reverse("child-edit", args=[child.pk]))  # a 403
        # Panels: a case, its evidence pack, the decision's letter and a parent's link.
        case = panel_services.case_open(
            child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=date(2026, 11, 2)
        )
        panel_services.case_move(case, CaseStatus.REQUEST_READY, by=caseworker)
        client.get(reverse("case-detail", args=[case.pk]))
        client_as(panel_member).get(reverse("evidence-pack", args=[case.pk]))
        panel_services.decision_record(case, outcome="agree", reasons="Agreed", by=panel_member)
        assert case.letters.exists()
        for letter in case.letters.all():
            client.get(reverse("letter-detail", args=[letter.pk]))
        _, token = InvitationFactory.issue(case, by=caseworker)
        Client().get(reverse("journey-start", args=[token]))
        Client().get(reverse("journey-need", args=[token, 99]))  # a page that is not there
        lines = [JsonFormatter().format(record) for record in caplog.records]
        assert len(lines) > 3  # the app did log (requests refused, not found)
        text = "\n".join(lines)
        for secret in (
            "Zebedee",
            "Quixote",
            "Marchbanks",
            "2016-03-17",
            "17/03/2016",
            "17 March 2016",
            token,
        ):
            assert secret not in text, f"{secret!r} reached the logs"

    def test_a_secure_links_token_never_reaches_the_logs(self, caplog):
        token = "ab" * 32
        caplog.set_level(logging.INFO)
        response = Client().get(f"/views/{token}/")
        assert response.status_code == 404
        (record,) = [r for r in caplog.records if r.name == "django.request"]
        assert json.loads(JsonFormatter().format(record))["message"] == "Not Found: /views/[token]/"
        RequestIdFilter().filter(record)  # the plain format's filter
        assert token not in record.getMessage()


class TestRetention:
    def test_the_command_removes_what_is_past_its_time_and_records_it(
        self, caseworker, framework, authority_a, capsys
    ):
        from assessments.models import Assessment, Child
        from valuing_send.audit.models import AuditEvent

        today = datetime.date(2026, 11, 30)
        old = ChildFactory(authority=authority_a, date_of_birth=datetime.date(1995, 11, 29))
        kept = ChildFactory(authority=authority_a, date_of_birth=datetime.date(1995, 12, 1))
        assessment = complete_assessment(old, caseworker, {"hearing": 3})
        from assessments import services

        services.override_record(
            assessment.recommendations.first(),
            tier="specialist",
            band=None,
            provision="",
            reason="Panel decision",
            by=caseworker,
        )
        call_command("apply_retention", "--dry-run", "--today", today.isoformat())
        assert "Would remove 1: Children's records past their retention" in capsys.readouterr().out
        assert Child.objects.filter(pk=old.pk).exists()

        call_command("apply_retention", "--today", today.isoformat())
        out = capsys.readouterr().out
        assert (
            "Removed 1: Children's records past their retention (date of birth + 31 years)" in out
        )
        assert not Child.objects.filter(pk=old.pk).exists()
        assert not Assessment.objects.filter(pk=assessment.pk).exists()
        assert Child.objects.filter(pk=kept.pk).exists()
        erased = AuditEvent.objects.filter(
            action="delete", child_id=old.pk, actor="retention policy"
        )
        assert erased.filter(object_type="assessments.child").count() == 1
        assert erased.filter(object_type="assessments.domainrating").exists()

    def test_old_sessions_attempts_and_sent_tasks_go_unsent_ones_stay(self, authority_a, capsys):
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        from valuing_send.core.models import OutboxMessage

        long_ago = timezone.now() - datetime.timedelta(days=400)
        Session.objects.create(session_key="x" * 32, session_data="", expire_date=long_ago)
        sent = OutboxMessage.objects.create(task="t", sent_at=long_ago)
        waiting = OutboxMessage.objects.create(task="t", created_at=long_ago)
        call_command("apply_retention")
        assert not Session.objects.filter(session_key="x" * 32).exists()
        assert not OutboxMessage.objects.filter(pk=sent.pk).exists()
        assert OutboxMessage.objects.filter(pk=waiting.pk).exists()

    def test_a_bad_date_is_explained(self):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--today must be a date"):
            call_command("apply_retention", "--today", "31/02/2026")


class TestSecurityHeaders:
    def test_every_page_carries_them_and_signed_in_pages_are_not_stored(
        self, client_as, caseworker, child
    ):
        response = client_as(caseworker).get(reverse("child-detail", args=[child.pk]))
        assert "camera=()" in response["Permissions-Policy"]
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private", "no-cache"} <= directives

    def test_public_pages_may_be_cached(self, client):
        response = client.get(reverse("accessibility"))
        assert "Permissions-Policy" in response
        assert "no-store" not in response.get("Cache-Control", "")


class TestCacheOnRedis:
    @pytest.mark.integration
    def test_one_redis_client_serves_every_call_and_reads_what_was_written(self):
        import os

        from django.core.cache import caches

        from valuing_send.core.cache import ResilientRedisCache

        location = os.environ["REDIS_URL"]
        cache = ResilientRedisCache(location, {"OPTIONS": {"socket_timeout": 1}})
        first = cache._cache.get_client()
        assert cache._cache.get_client() is first  # not built again for each call
        assert cache._cache.get_client(write=True) is first  # one server: one pool
        cache.set("kept-client-test", {"a": 1}, 30)
        assert cache.get("kept-client-test") == {"a": 1}
        assert caches["default"].get("kept-client-test") == {"a": 1}  # the same Redis
        cache.delete("kept-client-test")
        assert cache.get("kept-client-test", "gone") == "gone"


# A cache whose Redis is unreachable: nothing listens on the discard port.
NO_REDIS = override_settings(
    CACHES={
        "default": {
            "BACKEND": "valuing_send.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)


class TestWithoutRedis:
    @NO_REDIS
    def test_the_cache_reads_as_empty_and_drops_writes(self, caplog):
        from django.core.cache import cache

        assert cache.get("anything", "default") == "default"
        assert cache.set("key", "value") is None
        assert cache.get_many(["a", "b"]) == {}
        assert "Cache unavailable" in caplog.text

    def test_in_process_tasks_still_go_through_the_outbox(
        self, client_as, admin, mailoutbox, django_capture_on_commit_callbacks
    ):
        from valuing_send.authorities.models import Role
        from valuing_send.core.models import OutboxMessage

        with django_capture_on_commit_callbacks(execute=True):
            client_as(admin).post(
                reverse("user-add"),
                {
                    "full_name": "Out Box",
                    "email": "outbox@northshire.example",
                    "role": Role.MANAGER,
                },
            )
        (message,) = OutboxMessage.objects.all()
        assert message.sent_at is not None and message.attempts == 1
        assert message.task == "valuing_send.authorities.tasks.send_account_email"
        assert len(mailoutbox) == 1

    @NO_REDIS
    def test_the_lists_still_show_everything_without_their_kept_entries(
        self, client_as, caseworker, child, caplog
    ):
        """The children list and the work tray read their kept entries in one round trip
        (``core.cache.KeptReads``); with no Redis every entry is missing and made again."""
        client = client_as(caseworker)
        html = client.get(reverse("child-list")).content.decode()
        assert "<strong>1</strong> child" in html
        assert ">Casey Worker</option>" in html  # the filter form, made again
        assert f'href="/children/{child.pk}/"' in html
        html = client.get(reverse("child-list"), {"q": child.last_name}).content.decode()
        assert "<strong>1</strong> child match" in html
        html = client.get(reverse("case-tray")).content.decode()
        assert ">Casey Worker</option>" in html
        assert ">Oakfield Primary School</option>" in html
        assert "Cache unavailable (get_many)" in caplog.text

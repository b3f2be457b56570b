"""Faults, with the real servers the test script owns: Redis stopped (pages serve; queued work
waits in the database outbox and is sent when Redis is back), a worker killed mid-task (the task
is given to another and the page shows it starting again), and PostgreSQL stopped during a save
(the person sees what happened, keeps what they typed, and saves it when the database is back).
"""

import os
import re
import signal
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection, connections
from django.urls import reverse

from tests.integration.worker import wait_for
from valuing_send.authorities.models import Role
from valuing_send.core import outbox
from valuing_send.core.models import OutboxMessage

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _mail_to(folder, address):
    files = list(folder.glob("*.log")) if folder.exists() else []
    return [f for f in files if f"To: {address}" in f.read_text()]


def _add_user(client, email):
    return client.post(
        reverse("user-add"), {"full_name": "New Person", "email": email, "role": Role.MANAGER}
    )


class TestRedisDown:
    def test_pages_serve_and_queued_work_waits_then_is_sent(
        self, client_as, admin, child, servers, start_worker
    ):
        client = client_as(admin)
        servers.redis_stop()
        try:
            # Pages that read and pages that queue work both still work.
            assert client.get(reverse("child-detail", args=[child.pk])).status_code == 200
            response = _add_user(client, "first@northshire.example")
            assert response.status_code == 302
            status = client.get(reverse("system-status")).content.decode()
            assert "Redis" in status and "Did not answer" in status
            (waiting,) = OutboxMessage.objects.filter(sent_at__isnull=True)
            assert waiting.task == "valuing_send.authorities.tasks.send_account_email"
            assert waiting.attempts == 1 and "Error" in waiting.last_error
            assert isinstance(waiting.args[0], int)  # an id, never a name
            # The beat's flush cannot send it yet, and says so.
            assert outbox.flush() == (0, 1)
        finally:
            servers.redis_start()

        worker = start_worker()
        # Back: the next thing queued goes, and takes what waited with it.
        _add_user(client, "second@northshire.example")
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
        for address in ("first@northshire.example", "second@northshire.example"):
            wait_for(lambda a=address: _mail_to(worker.mail, a), message=f"the email to {address}")

    def test_the_beat_task_sends_what_waited(self, client_as, admin, servers, start_worker):
        from valuing_send.core.tasks import outbox_flush

        client = client_as(admin)
        servers.redis_stop()
        try:
            _add_user(client, "waited@northshire.example")
        finally:
            servers.redis_start()
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1
        worker = start_worker()
        outbox_flush.apply()
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
        wait_for(lambda: _mail_to(worker.mail, "waited@northshire.example"), message="the email")

    def test_replays_invitation_emails_and_indicator_refreshes_wait_then_run(
        self,
        client_as,
        manager,
        admin,
        caseworker,
        child,
        framework,
        authority_a,
        servers,
        start_worker,
        monkeypatch,
    ):
        import datetime

        from assessments import rulesets
        from assessments.models import ReplayRun, RuleSetVersion
        from panels import services as panel_services
        from panels.codes import CaseKind
        from tests.factories import complete_assessment
        from valuing_send.indicators import debounce
        from valuing_send.indicators.models import SnapshotRun, SnapshotTrigger

        complete_assessment(child, caseworker, {"speech_language": 3})
        draft = rulesets.ruleset_copy(
            RuleSetVersion.objects.get(authority__isnull=True, ruleset_id="eleven-domain-tariffs"),
            authority_a,
            by=admin,
        )
        case = panel_services.case_open(
            child, CaseKind.ASSESSMENT_REQUEST, by=caseworker, received_date=datetime.date.today()
        )
        OutboxMessage.objects.update(sent_at=datetime.datetime.now(datetime.UTC))
        monkeypatch.setattr(debounce, "DEBOUNCE_SECONDS", 1)
        servers.redis_stop()
        try:
            # Each page that queues work still answers, and the work waits in the outbox.
            client = client_as(manager)
            assert client.post(reverse("replay-start", args=[draft.pk])).status_code == 302
            assert client.post(reverse("indicator-recompute")).status_code == 302
            client = client_as(caseworker)
            response = client.post(
                reverse("invitation-create", args=[case.pk]),
                {"role": "parent", "recipient_name": "Mrs Jones", "email": "mum@example.org"},
            )
            assert response.status_code == 302
            child.save()  # a change to the caseload asks for a (debounced) recompute
            assert client.get(reverse("case-detail", args=[case.pk])).status_code == 200
            waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
            assert sorted(waiting.values_list("task", flat=True)) == [
                "assessments.tasks.replay_caseload",
                "panels.tasks.invitation_email_send",
                "valuing_send.indicators.tasks.recompute_authority",
                "valuing_send.indicators.tasks.recompute_authority",
            ]
            assert waiting.get(countdown=1).args == [authority_a.pk]  # the debounced one
            assert all(m.attempts == 1 and m.last_error for m in waiting)
        finally:
            servers.redis_start()

        worker = start_worker()
        assert outbox.flush() == (4, 0)
        run = ReplayRun.objects.get()
        wait_for(lambda: ReplayRun.objects.get(pk=run.pk).status == "done", message="the replay")
        wait_for(lambda: _mail_to(worker.mail, "mum@example.org"), message="the invitation email")
        for trigger in (SnapshotTrigger.MANUAL, SnapshotTrigger.CHANGE):
            wait_for(
                lambda t=trigger: SnapshotRun.objects.filter(
                    authority=authority_a, trigger=t, finished_at__isnull=False
                ).exists(),
                message=f"the {trigger} indicator recompute",
            )


class TestWorkerKilledMidTask:
    def test_the_replay_is_given_to_a_new_worker_process_and_the_page_shows_it_resume(
        self, client_as, manager, admin, caseworker, child, framework, authority_a, start_worker
    ):
        import psycopg

        from assessments import rulesets
        from assessments.models import ReplayRun, RuleSetVersion
        from tests.factories import complete_assessment

        complete_assessment(child, caseworker, {"speech_language": 3})
        draft = rulesets.ruleset_copy(
            RuleSetVersion.objects.get(authority__isnull=True, ruleset_id="eleven-domain-tariffs"),
            authority_a,
            by=admin,
        )
        worker = start_worker(pool="prefork")
        db = connection.settings_dict
        # Another session holds the table the replay writes its results to, so the task stops
        # part way (after it has marked its attempt) until the lock is released.
        blocker = psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"]
        )
        blocker.execute("LOCK TABLE assessments_replaychange IN EXCLUSIVE MODE")
        # Watched from a session of its own: inside the blocker's transaction pg_stat_activity
        # would show the same snapshot every time.
        watcher = psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=True
        )
        try:
            client = client_as(manager)
            client.post(reverse("replay-start", args=[draft.pk]))
            run = ReplayRun.objects.get()

            def waiting_backend():
                row = watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE '%assessments_replaychange%'"
                ).fetchone()
                return row[0] if row else None

            backend = wait_for(waiting_backend, message="the task to reach the lock")
            run.refresh_from_db()
            assert run.attempts == 1
            (process,) = worker.pool_processes()
            os.kill(process, signal.SIGKILL)  # the pool process dies mid-task
            watcher.execute("SELECT pg_terminate_backend(%s)", [backend])

            def second_attempt():
                run.refresh_from_db()
                return run.attempts == 2 and waiting_backend()

            try:
                wait_for(second_attempt, message="the task to be given to a new pool process")
            except BaseException:
                print(
                    watcher.execute(
                        "SELECT pid, state, wait_event_type, left(query, 200) FROM pg_stat_activity"
                    ).fetchall()
                )
                print(list(ReplayRun.objects.values("attempts", "status")))
                raise
            assert worker.pool_processes() and worker.pool_processes() != [process]
            page = client.get(reverse("replay-detail", args=[run.pk])).content.decode()
            assert "started again from the beginning (attempt 2)" in page
        finally:
            blocker.rollback()  # releases the lock
            blocker.close()
            watcher.close()
        wait_for(lambda: ReplayRun.objects.get(pk=run.pk).status == "done", message="done")
        page = client.get(reverse("replay-detail", args=[run.pk])).content.decode()
        assert "Children by tier" in page


class _Browser:
    """A person at a live server: their cookies sent with every request and kept from every
    answer, redirects followed as a browser does (a POST's redirect becomes a GET)."""

    def __init__(self, base, client):
        self.base = base
        self.cookies = {name: morsel.value for name, morsel in client.cookies.items()}

    def open(self, path, data=None):
        method = "POST" if data is not None else "GET"
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        for _ in range(5):
            request = urllib.request.Request(
                self.base + path,
                data=body,
                method=method,
                headers={
                    "Referer": self.base,
                    "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                },
            )
            try:
                response = _NO_REDIRECTS.open(request)
                status, headers, text = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                status, headers, text = error.code, error.headers, error.read()
            for header in headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if status in (301, 302, 303) and headers.get("Location"):
                path, method, body = headers["Location"], "GET", None
                continue
            return status, text.decode()
        raise AssertionError("too many redirects")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


def _hidden_fields(html):
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)


class TestDatabaseDown:
    def test_a_save_while_postgresql_is_stopped_keeps_the_input_and_succeeds_after(
        self, live_server, client, caseworker, child, servers
    ):
        import html as html_module

        client.force_login(caseworker)
        browser = _Browser(live_server.url, client)
        status, form_page = browser.open(reverse("child-edit", args=[child.pk]))
        assert status == 200
        fields = dict(
            re.findall(r'name="(csrfmiddlewaretoken|version)" value="([^"]+)"', form_page)
        )
        data = {
            **fields,
            "first_name": "Amelia",
            "last_name": "Jones",
            "date_of_birth_day": str(child.date_of_birth.day),
            "date_of_birth_month": str(child.date_of_birth.month),
            "date_of_birth_year": str(child.date_of_birth.year),
            "upn": child.upn,
            "gender": child.gender,
            "ethnicity": child.ethnicity,
            "current_setting": str(child.current_setting_id or ""),
            "sen_status": child.sen_status,
            "primary_need": child.primary_need,
            "caseworker": str(caseworker.pk),
        }
        servers.postgres_stop()
        try:
            status, kept_page = browser.open(reverse("child-edit", args=[child.pk]), data)
            assert status == 503
            assert "Your changes have not been saved" in kept_page
            kept = dict(_hidden_fields(kept_page))
            assert kept["first_name"] == "Amelia" and kept["version"] == fields["version"]
            assert kept["csrfmiddlewaretoken"]
            status, page = browser.open(reverse("child-list"))
            assert status == 503 and "Sorry, the service is unavailable" in page
        finally:
            servers.postgres_start()
            connections.close_all()  # this process's connections died with the server
        # "Try again" sends exactly what the page kept.
        resend = {}
        for name, value in _hidden_fields(kept_page):
            resend.setdefault(name, []).append(html_module.unescape(value))
        status, _ = browser.open(reverse("child-edit", args=[child.pk]), resend)
        assert status == 200  # followed to the child's page
        child.refresh_from_db()
        assert child.first_name == "Amelia"

    def test_a_connection_cut_between_requests_is_replaced_unnoticed(
        self, live_server, client, caseworker, child
    ):
        client.force_login(caseworker)
        browser = _Browser(live_server.url, client)
        assert browser.open(reverse("child-detail", args=[child.pk]))[0] == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
        status, page = browser.open(reverse("child-detail", args=[child.pk]))
        assert status == 200 and "Amy Jones" in page

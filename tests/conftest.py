"""Personas shared by every test: staff of authority A in each role, and a caseworker of B.

The main suite runs on the PostgreSQL that scripts/test.sh starts (DATABASE_URL); tests that
need Redis or a Celery worker are marked ``integration`` and find REDIS_URL set.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import AuthorityFactory, MembershipFactory, UserFactory, authenticator
from valuing_send.authorities.models import Role

# Playwright's sync API runs an event loop in the main thread; Django's ORM would otherwise
# refuse to run beside it (SynchronousOnlyOperation) in the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"


def _isolate_parallel_worker():
    """When the suite runs in parallel (pytest-xdist, as ``make test`` runs it), each worker
    has its own test database (pytest-django adds the worker's id to its name) and, set here
    before anything connects, its own Redis database (1 for gw0, 2 for gw1, ...) and documents
    folder. Both workers' databases hand out the same ids, so a shared cache would serve one
    worker what the other kept for "authority 1", a shared broker would give one worker's tasks
    to a Celery worker reading the other's database, and documents of "child 1" would meet in
    one folder. The Celery workers the integration tests start inherit ``REDIS_URL``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    documents = settings.DOCUMENTS_ROOT / worker
    settings.DOCUMENTS_ROOT = documents
    settings.STORAGES["documents"]["OPTIONS"]["location"] = documents
    url = os.environ.get("REDIS_URL", "")
    if url:
        own = urlunsplit(urlsplit(url)._replace(path=f"/{1 + int(worker[2:])}"))
        os.environ["REDIS_URL"] = own
        settings.REDIS_URL = own
        settings.CACHES["default"]["LOCATION"] = own
        settings.CELERY_BROKER_URL = own
        from valuing_send.celery import app

        app.conf.broker_url = own


_isolate_parallel_worker()


def pytest_terminal_summary(terminalreporter):
    """What the browser tests' WCAG checks covered (pages, exceptions, key presses), after the
    results; in a parallel run, as the worker that ran them reported it."""
    from tests.browser.wcag import REPORT

    if REPORT:
        terminalreporter.section("WCAG checks beyond axe")
        for line in REPORT:
            terminalreporter.write_line(line)


def pytest_sessionfinish(session):
    """A parallel run's worker hands its WCAG report to the main process (pytest-xdist's
    ``workeroutput``)."""
    if hasattr(session.config, "workeroutput"):
        from tests.browser.wcag import REPORT

        session.config.workeroutput["wcag_report"] = list(REPORT)


# Modules whose tests share a module-scoped fixture that takes most of their time: the fuzzing's
# world and the forms found by reading every page its personas can open (17-26 s). Handed out
# one at a time, their tests built it once on each worker.
ONE_WORKER_MODULES = ("tests/security/test_fuzz_forms.py",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist hands tests to workers one at a time, except two kinds of unit. The browser
    tests: the journeys and the checks over the pages they recorded (``after_journeys``, which
    read the session's recorder) run together, in order, in one worker. And each module of
    ``ONE_WORKER_MODULES``, so its costly fixture is built once. xdist hands out the units with
    the most tests first, so both start at once, on different workers. (xdist's own
    ``loadgroup`` marks do not group under pytest 9.2: it renames nodes through an attribute
    pytest no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/browser/"):
                return "browser"
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_WORKER_MODULES else nodeid

    return BrowserTestsTogether(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: the main process gathers what each worker's WCAG checks reported."""
    from tests.browser.wcag import REPORT

    REPORT.extend(getattr(node, "workeroutput", {}).get("wcag_report", ()))


def pytest_collection_modifyitems(items):
    """Tests that stop and start the PostgreSQL and Redis every worker shares (the ``servers``
    fixture) are marked ``serial``: ``make test`` runs them alone, after the parallel run."""
    for item in items:
        if "servers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.serial)


@pytest.fixture
def authority_a(db):
    return AuthorityFactory(name="Northshire County Council", la_code="901", ons_code="E10000901")


@pytest.fixture
def authority_b(db):
    return AuthorityFactory(name="Southshire Borough Council", la_code="902", ons_code="E06000902")


def _member(authority, role, email, full_name):
    user = UserFactory(email=email, full_name=full_name)
    MembershipFactory(user=user, authority=authority, role=role)
    return user


@pytest.fixture
def caseworker(authority_a):
    return _member(authority_a, Role.CASEWORKER, "casey@northshire.example", "Casey Worker")


@pytest.fixture
def panel_member(authority_a):
    return _member(authority_a, Role.PANEL_MEMBER, "pat@northshire.example", "Pat Panel")


@pytest.fixture
def manager(authority_a):
    return _member(authority_a, Role.MANAGER, "morgan@northshire.example", "Morgan Manager")


@pytest.fixture
def admin(authority_a):
    return _member(authority_a, Role.ADMIN, "alex@northshire.example", "Alex Admin")


@pytest.fixture
def caseworker_b(authority_b):
    return _member(authority_b, Role.CASEWORKER, "bo@southshire.example", "Bo Other")


def _force_login_with_second_factor(self, user, backend=None, *, verified=True):
    """Django's ``Client.force_login``, giving a session that has passed both factors as signing
    in through the pages does (a real TOTP device of the user's, recorded as
    ``django_otp.login`` records it): staff sessions without a verified second factor are ended
    by ``TwoFactorRequiredMiddleware``. ``force_login(user, verified=False)`` gives the
    half-signed-in session that middleware refuses. Patched onto every test ``Client`` so that
    tests written with a plain ``Client()`` keep working."""
    from django_otp import DEVICE_ID_SESSION_KEY

    _django_force_login(self, user, backend)
    if verified:
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()


_django_force_login = Client.force_login
Client.force_login = _force_login_with_second_factor


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client signed in as that user, with the second factor
    passed (a real TOTP device of theirs, as ``django_otp.login`` records it)."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Passwords hashed with MD5 in tests, as Django's testing guide advises: the production
    hasher (PBKDF2, about 0.5 s a password here) would otherwise run for every user a fixture
    or factory makes and for every sign-in a test posts. What the tests check of passwords
    (validators, sign-in, lockout, changes) does not depend on the hasher."""
    from django.conf import settings
    from django.contrib.auth import hashers

    previous = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()
    yield
    settings.PASSWORD_HASHERS = previous
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def tasks_run_in_process(request):
    """Tasks run eagerly unless the test is an integration test with a real worker: the suite
    has REDIS_URL set, and queued tasks that no worker consumes would hide their effects."""
    from valuing_send.celery import app

    eager = request.node.get_closest_marker("integration") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def framework(db):
    """The shipped needs framework (and the shipped rule sets recommendations need), loaded
    as ``manage.py load_seeds`` does."""
    from assessments.framework import shipped_framework_paths
    from assessments.rulesets import shipped_load
    from assessments.services import framework_load

    shipped_load()
    return framework_load(shipped_framework_paths()[0])[0]


@pytest.fixture
def oakfield(authority_a):
    """A mainstream primary in authority A that meets every domain up to level 2."""
    from tests.factories import SettingFactory

    return SettingFactory(authority=authority_a, name="Oakfield Primary School", urn="900001")


@pytest.fixture
def child(authority_a, oakfield, caseworker):
    from tests.factories import ChildFactory

    return ChildFactory(
        authority=authority_a,
        first_name="Amy",
        last_name="Jones",
        upn="B801200005001",
        current_setting=oakfield,
        caseworker=caseworker,
    )


@pytest.fixture
def child_b(authority_b):
    from tests.factories import ChildFactory

    return ChildFactory(authority=authority_b, first_name="Ben", last_name="Other")


@pytest.fixture
def rule_sets(framework):
    """The shipped rule set versions by id."""
    from assessments.models import RuleSetVersion

    return {v.ruleset_id: v for v in RuleSetVersion.objects.filter(authority__isnull=True)}

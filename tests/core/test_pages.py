import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_accessibility_statement_is_public_and_complete(client):
    html = client.get(reverse("accessibility")).content.decode()
    for heading in (
        "Accessibility statement for Valuing SEND",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "Preparation of this accessibility statement",
    ):
        assert heading in html


def test_privacy_notice_names_lawful_basis_and_rights(client):
    html = client.get(reverse("privacy")).content.decode()
    assert "Privacy notice" in html
    assert "Article 6(1)(e)" in html
    assert "Information Commissioner" in html


def test_every_page_has_skip_link_header_phase_banner_and_footer(client):
    html = client.get(reverse("accessibility")).content.decode()
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert "govuk-phase-banner" in html and "Beta" in html
    assert 'href="/accessibility/"' in html and 'href="/privacy/"' in html


def test_templates_carry_no_inline_script_or_style(client_as, admin):
    """The CSP forbids inline code, so no page may rely on it."""
    client = client_as(admin)
    for name in ("home", "users", "user-add", "system-status", "accessibility"):
        response = client.get(reverse(name))
        html = response.content.decode()
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "style=" not in html
        assert " onclick=" not in html
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith(("src=", 'type="module" src=')), chunk[:80]


@pytest.mark.parametrize(
    ("persona", "role_text"),
    [
        ("caseworker", "signed in as caseworker"),
        ("panel_member", "signed in as panel member"),
        ("manager", "signed in as manager"),
        ("admin", "signed in as authority admin"),
    ],
)
def test_home_greets_each_role(request, client_as, persona, role_text):
    html = client_as(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    assert role_text in html
    assert "Northshire County Council" in html


def test_home_is_get_only(client_as, caseworker):
    assert client_as(caseworker).post(reverse("home")).status_code == 405


def test_system_status_reports_each_dependency_to_admins(client_as, admin):
    html = client_as(admin).get(reverse("system-status")).content.decode()
    assert "Database" in html and "answered in" in html
    assert "Redis" in html
    assert "Background workers" in html


def test_system_status_never_calls_something_working_and_not_configured_at_once(
    client_as, admin, settings
):
    from valuing_send.celery import app

    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    html = client_as(admin).get(reverse("system-status")).content.decode()
    rows = {
        name: html[html.index(f'<dt class="govuk-summary-list__key">{name}</dt>') :][:600]
        for name in ("Database", "Redis", "Background workers")
    }
    assert '<strong class="govuk-tag govuk-tag--green">Working</strong>' in rows["Database"]
    for name in ("Redis", "Background workers"):
        assert '<strong class="govuk-tag govuk-tag--grey">Not used</strong>' in rows[name]
        assert "Working" not in rows[name]
    assert "Not configured: tasks run in the web process" in rows["Redis"]
    assert app.conf.task_always_eager  # the autouse fixture's setting, untouched


def test_system_status_says_redis_is_working_when_it_answers(client_as, admin):
    html = client_as(admin).get(reverse("system-status")).content.decode()
    row = html[html.index('<dt class="govuk-summary-list__key">Redis</dt>') :][:600]
    assert '<strong class="govuk-tag govuk-tag--green">Working</strong>' in row
    assert "Answered in" in row and "Not configured" not in row


def test_system_status_is_for_admins_only(client_as, manager):
    assert client_as(manager).get(reverse("system-status")).status_code == 403


def test_missing_page_is_a_govuk_404(client_as, caseworker):
    response = client_as(caseworker).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_caseworker_home_lists_drafts_reviews_and_caseload(
    client_as, caseworker, child, framework, authority_a
):
    import datetime

    from assessments.services import assessment_start
    from tests.factories import ChildFactory

    draft, _ = assessment_start(child, by=caseworker)
    today = datetime.date.today()
    child.next_review_date = today - datetime.timedelta(days=3)
    child.save()
    ChildFactory(authority=authority_a, first_name="Not", last_name="Mine")
    html = client_as(caseworker).get(reverse("home")).content.decode()
    assert f'href="{reverse("assessment-continue", args=[draft.pk])}">Continue' in html
    assert '<p class="govuk-body app-figure__value">1</p>' in html  # Amy only
    assert "1 review overdue" in html


def test_caseworker_home_counts_reviews_overdue_and_due_and_links_to_them(
    client_as, caseworker, authority_a, django_assert_max_num_queries
):
    import datetime

    from tests.factories import ChildFactory

    today = datetime.date.today()
    for days, count in ((-10, 25), (0, 3), (30, 72), (31, 4)):
        ChildFactory.create_batch(
            count,
            authority=authority_a,
            caseworker=caseworker,
            next_review_date=today + datetime.timedelta(days=days),
        )
    ChildFactory.create_batch(5, authority=authority_a, next_review_date=today)  # not theirs
    client = client_as(caseworker)
    client.get(reverse("home"))
    with django_assert_max_num_queries(8):
        html = client.get(reverse("home")).content.decode()
    children = reverse("child-list")
    assert (
        f'<a class="govuk-link" href="{children}?caseworker=me&amp;review=overdue">'
        "25 reviews overdue</a>" in html
    )
    assert (
        f'<a class="govuk-link" href="{children}?caseworker=me&amp;review=next_30_days">'
        "75 reviews due in the next 30 days</a>" in html
    )
    listed = client.get(children, {"caseworker": "me", "review": "next_30_days"}).content.decode()
    assert "<strong>75</strong> children match your search and filters" in listed
    listed = client.get(children, {"caseworker": "me", "review": "overdue"}).content.decode()
    assert "<strong>25</strong> children match your search and filters" in listed


def test_manager_home_shows_the_caseload_and_the_valuing_send_headline(
    client_as, manager, caseworker, child, framework, authority_a, django_assert_max_num_queries
):
    from tests.factories import ChildFactory, complete_assessment

    complete_assessment(child, caseworker, {"speech_language": 3})  # under-supported on SEN support
    planned = ChildFactory(
        authority=authority_a, sen_status="E", current_setting=child.current_setting
    )
    from datetime import date

    planned.plan_start_date = date(2024, 9, 1)
    planned.save()
    complete_assessment(
        planned, caseworker, default=0
    )  # an EHC plan with no need: could be prevented
    client = client_as(manager)
    client.get(reverse("home"))
    with django_assert_max_num_queries(8):
        html = client.get(reverse("home")).content.decode()
    assert 'Children with an EHC plan</h2><p class="govuk-body app-figure__value">1</p>' in html
    assert '<p class="govuk-body app-figure__value">50%</p>' in html  # 1 of 2 could be prevented
    assert "of 2 current needs profiles" in html

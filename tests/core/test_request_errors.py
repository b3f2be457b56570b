"""Requests no page of ours sends get a GOV.UK error page that says what went wrong, not a
bare status or Django's own page."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Child

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "application/xml", "application/x-yaml"]
)
def test_a_json_or_other_non_form_body_is_refused_with_words(client_as, caseworker, content_type):
    response = client_as(caseworker).post(
        reverse("child-create"),
        data=json.dumps({"first_name": "Sam", "last_name": "Taylor"}),
        content_type=content_type,
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert '<h1 class="govuk-heading-l">There is a problem with your request</h1>' in html
    assert "This page only accepts what its own form sends" in html
    assert content_type in html
    assert not Child.objects.exists()


def test_the_same_request_sent_by_a_form_still_works(client_as, caseworker):
    from tests.assessments.test_children_views import child_data

    response = client_as(caseworker).post(reverse("child-create"), child_data())
    assert response.status_code == 302
    assert Child.objects.get().first_name == "Sam"


def test_an_empty_form_post_shows_the_forms_errors_not_a_blank_form(client_as, admin, framework):
    from assessments.rulesets import active_rule_set, ruleset_copy

    draft = ruleset_copy(
        active_rule_set(admin.memberships.get().authority),
        admin.memberships.get().authority,
        by=admin,
    )
    response = client_as(admin).post(
        reverse("ruleset-edit-yaml", args=[draft.pk]),
        content_type="application/x-www-form-urlencoded",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert "This page is out of date or was not sent in full" in html


def test_a_post_without_the_csrf_token_gets_a_govuk_page_that_says_why(caseworker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)
    response = client.post(reverse("child-create"), {"first_name": "Sam"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "govuk-template" in html
    assert '<h1 class="govuk-heading-l">The form could not be sent</h1>' in html
    assert "Go back, reload the page and try again" in html
    assert "CSRF verification failed" not in html
    assert not Child.objects.exists()

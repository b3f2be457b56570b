"""The indicator pages, per persona: content for the roles allowed, 403 for the others, 405 for
the wrong method, 404 for another authority's records, constant queries, and downloads that
open in a spreadsheet with the page's figures."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import MembershipFactory, SettingFactory, UserFactory
from valuing_send.authorities.models import Role
from valuing_send.indicators import snapshots
from valuing_send.indicators.models import AmbitionTarget, SnapshotTrigger

from .conftest import CENSUS, FINAL

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(hand_built, authority_a, published_small):
    snapshots.snapshot_period(authority_a, FINAL, trigger=SnapshotTrigger.MANUAL)
    return hand_built


@pytest.fixture
def manager_b(authority_b):
    user = UserFactory(email="max@southshire.example", full_name="Max Manager")
    MembershipFactory(user=user, authority=authority_b, role=Role.MANAGER)
    return user


PAGES = [
    ("indicator-dashboard", ()),
    ("indicator-group", ("prevalence",)),
    ("indicator-detail", ("plans-mainstream-pct",)),
    ("valuing-send", ()),
    ("ambitions", ()),
    ("projection", ()),
    ("national-table", ()),
    ("national-ranking", ()),
    ("national-authority", ("902",)),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_caseworkers_and_panel_members_may_not_see_indicators(
    client_as, caseworker, panel_member, published_small, name, args
):
    for user in (caseworker, panel_member):
        assert client_as(user).get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_indicator_pages_refuse_post(client_as, manager, published_small, name, args):
    assert client_as(manager).post(reverse(name, args=args)).status_code == 405


def test_published_statistics_are_read_once_per_load_of_them(client_as, manager, stored):
    """The comparators and published figures are kept in the process per version of the
    published statistics: a second view does not read them; a load (new rows, recorded as an
    import) is read on the next view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from valuing_send.indicators.models import PublishedFigure, PublishedImport

    client = client_as(manager)
    url = reverse("indicator-dashboard")
    assert "Northshire (DfE): <strong>1,100</strong>" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    read = " ".join(query["sql"] for query in again.captured_queries)
    assert "indicators_publishedfigure" in read  # the version check ...
    assert '"indicators_publishedfigure"."value"' not in read  # ... but not the figures
    assert "indicators_statisticalneighbour" in read and "rank" not in read
    old = PublishedFigure.objects.get(area__code="901", indicator="ehc_plans", year=2025)
    old.delete()
    PublishedFigure.objects.create(
        **{
            field.name: getattr(old, field.name)
            for field in PublishedFigure._meta.concrete_fields
            if field.name not in {"id", "value", "numerator"}
        },
        value=1234,
        numerator=1234,
    )
    PublishedImport.objects.create(source="a new release", figures=1)
    assert "Northshire (DfE): <strong>1,234</strong>" in client.get(url).content.decode()


def test_dashboard_shows_local_figures_beside_published_ones(
    client_as, manager, stored, django_assert_max_num_queries
):
    client = client_as(manager)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("indicator-dashboard")).content.decode()
    assert "Figures for January 2026" in html
    # EHC plans: 3 locally; Northshire's published 1,100; England 638,745; neighbours' mean
    # (2,100 + 3,600) ÷ 2 = 2,850.
    assert ">3</p>" in html
    assert "Northshire (DfE): <strong>1,100</strong>" in html
    assert "England: <strong>638,745</strong>" in html
    assert "Statistical neighbours (mean of 2): <strong>2,850</strong>" in html
    assert "1 of 3" in html  # in mainstream
    assert "carries DfE local authority code 901" in html
    assert "the children" in html  # managers may drill down


def test_dashboard_tiles_are_kept_per_run_and_for_who_may_drill(
    client_as, manager, admin, stored, authority_a
):
    """The tiles are rendered once per run of the figures: a second view reads no figures; an
    admin (who may not see the children behind a figure) gets their own tiles, not the
    manager's; a recompute after the records changed shows the new figures at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("indicator-dashboard")
    client = client_as(manager)
    first = client.get(url).content.decode()
    assert ">3</p>" in first and reverse("indicator-children") in first
    with CaptureQueriesContext(connection) as again:
        second = client.get(url).content.decode()
    assert "indicators_indicatorsnapshot" not in " ".join(q["sql"] for q in again.captured_queries)
    assert ">3</p>" in second and reverse("indicator-children") in second
    as_admin = client_as(admin).get(url).content.decode()
    assert ">3</p>" in as_admin and reverse("indicator-children") not in as_admin

    # Finn's plan ceased before the census: one plan fewer.
    authority_a.children.filter(first_name="Finn").update(
        sen_status="K",
        plan_ceased_date=datetime.date(2025, 12, 1),
        plan_cease_reason="2",
    )
    run = snapshots.snapshot_period(authority_a, FINAL, trigger=SnapshotTrigger.MANUAL)
    assert run.snapshots.get(indicator="ehc_plans", dimension="", category="").value == 2
    after = client.get(url).content.decode()
    assert ">2</p>" in after and ">3</p>" not in after


def test_admins_see_figures_but_not_the_children_behind_them(client_as, admin, stored):
    html = client_as(admin).get(reverse("indicator-dashboard")).content.decode()
    assert "EHC plans in mainstream schools" in html
    assert reverse("indicator-children") not in html
    response = client_as(admin).get(
        reverse("indicator-children"), {"indicator": "ehc_plans", "period": CENSUS.isoformat()}
    )
    assert response.status_code == 403


def test_another_authoritys_manager_sees_only_their_own(client_as, manager_b, stored):
    html = client_as(manager_b).get(reverse("indicator-dashboard")).content.decode()
    assert "have not been worked out yet" in html
    assert "Handbuilt" not in html


def test_indicator_page_quotes_dfe_and_breaks_down(client_as, manager, stored):
    html = (
        client_as(manager)
        .get(reverse("indicator-detail", args=["plans-mainstream-pct"]))
        .content.decode()
    )
    assert "“Total percentage mainstream schools”" in html
    assert "EHC plans in mainstream schools by sex" in html
    assert "indicator=plans_mainstream_pct" in html  # drill-down links
    assert 'style="' not in html and "<script>" not in html


def test_drill_down_lists_exactly_the_children_behind_a_figure(
    client_as, manager, stored, django_assert_max_num_queries
):
    client = client_as(manager)
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("indicator-children"),
            {
                "indicator": "plans_special_pct",
                "period": CENSUS.isoformat(),
                "dimension": "gender",
                "category": "M",
            },
        )
    html = response.content.decode()
    assert "2 children" in html
    assert "Ben Handbuilt" in html and "Finn Handbuilt" in html and "Amy Handbuilt" not in html
    heat = client.get(
        reverse("indicator-children"),
        {
            "indicator": "capability_shortfall_pct",
            "period": CENSUS.isoformat(),
            "dimension": "setting_domain",
            "category": f"{stored['oak'].pk}:speech_language",
        },
    ).content.decode()
    assert "Amy Handbuilt" in heat and "Dan Handbuilt" in heat and "Oak Primary" in heat


def test_drill_down_to_another_authoritys_setting_is_404(client_as, manager, stored, authority_b):
    theirs = SettingFactory(authority=authority_b)
    response = client_as(manager).get(
        reverse("indicator-children"),
        {
            "indicator": "capability_shortfall_pct",
            "period": CENSUS.isoformat(),
            "dimension": "setting_domain",
            "category": f"{theirs.pk}:speech_language",
        },
    )
    assert response.status_code == 404


def test_drill_down_refuses_unknown_values_with_an_error(client_as, manager, stored):
    response = client_as(manager).get(
        reverse("indicator-children"),
        {
            "indicator": "ehc_plans",
            "period": CENSUS.isoformat(),
            "dimension": "gender",
            "category": "Z",
        },
    )
    assert response.status_code == 400
    assert "Unknown breakdown category" in response.content.decode()


def test_drill_down_downloads_open_in_a_spreadsheet(client_as, manager, stored):
    response = client_as(manager).get(
        reverse("indicator-children"),
        {
            "indicator": "avoidable_pct",
            "period": CENSUS.isoformat(),
            "export": "children",
            "format": "xlsx",
        },
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Child ID", "First name", "Last name")
    assert sorted(row[1] for row in rows[1:]) == ["Amy", "Finn"]


def test_every_table_downloads_with_the_figures_the_page_shows(client_as, manager, stored):
    client = client_as(manager)
    url = reverse("indicator-detail", args=["avoidable-pct"])
    context = client.get(url).context
    table = next(b.chart.table for b in context["breakdowns"] if b.dimension == "gender")
    response = client.get(url, {"export": table.key, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.values]
    assert rows[0] == table.headings
    assert rows[1:] == [[cell.value for cell in row] for row in table.rows]
    assert ["Female", 100, 1, 1] in rows and ["Male", 33.3, 1, 3] in rows
    csv_text = b"".join(
        client.get(url, {"export": table.key, "format": "csv"}).streaming_content
    ).decode()
    assert "Female,100,1,1" in csv_text
    assert client.get(url, {"export": "nope", "format": "csv"}).status_code == 404


def test_valuing_send_headline_states_both_denominators(client_as, manager, stored):
    html = client_as(manager).get(reverse("valuing-send")).content.decode()
    assert "75.0%" in html and "of the 4 cases where more is held or asked for" in html
    assert "that is 50.0% of all 4 children with a current needs profile" in html
    assert "Under-supported: need not met" in html
    assert "Where capability falls short of need: type of setting by domain" in html
    assert "Each classification by ethnicity" in html
    assert "£7,500" in html


def test_ambition_targets_are_set_and_checked(client_as, manager, stored):
    client = client_as(manager)
    url = reverse("ambition-target", args=[3, "plans-mainstream-pct"])
    assert "Target for “EHC plans in mainstream schools”" in client.get(url).content.decode()
    response = client.post(url, {"target": "30", "note": "Regional average", "version": "0"})
    assert response.status_code == 302
    target = AmbitionTarget.objects.get()
    assert (target.ambition, target.indicator, target.target, target.updated_by) == (
        3,
        "plans_mainstream_pct",
        30,
        manager,
    )
    html = client.get(reverse("ambitions")).content.decode()
    assert "met" in html  # 33.3% against a target of 30
    # A stale form (version 0 again) does not overwrite: both targets are shown.
    stale = client.post(url, {"target": "50", "version": "0"})
    assert stale.status_code == 409
    assert "Someone else set this target" in stale.content.decode()
    assert 'value="50"' in stale.content.decode()  # the user's answer is kept
    assert client.post(url, {"target": "lots", "version": "1"}).status_code == 400
    target.refresh_from_db()
    assert target.target == 30
    assert (
        client.post(
            reverse("ambition-target", args=[3, "ehc-plans"]), {"target": "1", "version": "0"}
        ).status_code
        == 404
    )


def test_other_authoritys_targets_are_not_shown(client_as, manager, manager_b, stored, authority_b):
    AmbitionTarget.objects.create(
        authority=authority_b,
        ambition=3,
        indicator="plans_mainstream_pct",
        target=99,
        updated_by=manager_b,
    )
    html = client_as(manager).get(reverse("ambitions")).content.decode()
    assert "99.0" not in html


def test_recompute_queues_and_runs(
    client_as, manager, caseworker, stored, django_capture_on_commit_callbacks
):
    assert client_as(caseworker).post(reverse("indicator-recompute")).status_code == 403
    client = client_as(manager)
    assert client.get(reverse("indicator-recompute")).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicator-recompute"))
    assert response.status_code == 302
    assert (
        stored["amy"].authority.indicator_runs.filter(trigger=SnapshotTrigger.MANUAL).count() >= 2
    )


def test_projection_states_its_method(client_as, manager, stored):
    html = (
        client_as(manager)
        .get(
            reverse("projection"),
            {"years": "3", "earlier_support_pct": "20", "mainstream_first_pct": "0"},
        )
        .content.decode()
    )
    assert "How the projection is worked out" in html
    assert "This January's 3 plans grow" in html
    assert "January 2029" in html
    bad = client_as(manager).get(reverse("projection"), {"years": "9"})
    assert bad.status_code == 400
    assert "govuk-error-summary" in bad.content.decode()
    assert "How the projection is worked out" not in bad.content.decode()


def test_national_table_sorts_and_counts_queries(
    client_as, manager, published_small, django_assert_max_num_queries
):
    client = client_as(manager)
    with django_assert_max_num_queries(10):
        html = client.get(
            reverse("national-table"), {"sort": "mainstream", "order": "desc"}
        ).content.decode()

    def at(text, name):
        return text.index(f">{name}</a>")

    assert at(html, "Southshire") < at(html, "Northshire") < at(html, "Westshire")
    assert 'aria-sort="descending"' in html
    ascending = client.get(
        reverse("national-table"), {"sort": "weeks20ex", "order": "asc"}
    ).content.decode()
    # Westshire has no figure (x): last whichever way.
    assert at(ascending, "Northshire") < at(ascending, "Southshire") < at(ascending, "Westshire")
    bogus = client.get(reverse("national-table"), {"sort": "bogus"})
    assert bogus.status_code == 400 and "Southshire" not in bogus.content.decode()
    period = client.get(reverse("indicator-dashboard"), {"period": "1999-01-01"})
    assert period.status_code == 400 and "govuk-error-summary" in period.content.decode()


def test_national_authority_page(client_as, manager, published_small):
    html = client_as(manager).get(reverse("national-authority", args=["901"])).content.decode()
    assert "Statistical neighbours (mean)" in html
    assert "Southshire" in html and "Very close" in html
    assert (
        client_as(manager).get(reverse("national-authority", args=["E12000008"])).status_code == 404
    )
    assert client_as(manager).get(reverse("national-authority", args=["999"])).status_code == 404

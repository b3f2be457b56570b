import datetime
import re

import pytest
from django.urls import reverse

from assessments.models import Child
from tests.factories import ChildFactory, SettingFactory

pytestmark = pytest.mark.django_db


def child_data(**overrides):
    data = {
        "first_name": "Sam",
        "last_name": "Taylor",
        "date_of_birth_day": "14",
        "date_of_birth_month": "6",
        "date_of_birth_year": str(datetime.date.today().year - 8),
        "upn": "",
        "gender": "M",
        "ethnicity": "WBRI",
        "current_setting": "",
        "sen_status": "K",
        "primary_need": "ASD",
        "secondary_need": "",
    }
    data.update(overrides)
    return data


NO_SUCH_SETTING = (
    "No setting in the register has that name or URN: check the spelling, or enter part of the name"
)


class TestChildList:
    def test_every_role_sees_their_authoritys_children_only(
        self, request, client_as, child, child_b
    ):
        for persona in ("caseworker", "panel_member", "manager", "admin"):
            html = (
                client_as(request.getfixturevalue(persona))
                .get(reverse("child-list"))
                .content.decode()
            )
            assert "Jones, Amy" in html
            assert "Other, Ben" not in html
            assert "<strong>1</strong> child" in html

    @pytest.mark.parametrize(
        "query", ["amy", "JONES", "amy jon", "B801200005001", "b801 2000 05001"]
    )
    def test_search_by_name_or_upn(self, client_as, caseworker, child, authority_a, query):
        ChildFactory(authority=authority_a, first_name="Zara", last_name="Khan")
        html = client_as(caseworker).get(reverse("child-list"), {"q": query}).content.decode()
        assert "Jones, Amy" in html
        assert "Khan, Zara" not in html

    def test_search_by_date_of_birth(self, client_as, caseworker, child, authority_a):
        ChildFactory(
            authority=authority_a,
            first_name="Zara",
            last_name="Khan",
            date_of_birth=datetime.date(2015, 1, 2),
        )
        html = (
            client_as(caseworker).get(reverse("child-list"), {"q": "02/01/2015"}).content.decode()
        )
        assert "Khan, Zara" in html and "Jones, Amy" not in html

    def test_filters_by_status_need_setting_phase_and_caseworker(
        self, client_as, caseworker, child, authority_a, oakfield
    ):
        other_setting = SettingFactory(authority=authority_a, name="Hillside Academy")
        today = datetime.date.today()
        teenager = ChildFactory(
            authority=authority_a,
            first_name="Tia",
            last_name="Teen",
            sen_status="E",
            primary_need="SEMH",
            current_setting=other_setting,
            date_of_birth=today.replace(year=today.year - 14, day=1),
        )
        client = client_as(caseworker)

        def names(**params):
            html = client.get(reverse("child-list"), params).content.decode()
            return {name for name in ("Jones, Amy", "Teen, Tia") if name in html}

        assert names(status="E") == {"Teen, Tia"}
        assert names(need="SLCN") == {"Jones, Amy"}
        assert names(setting=str(other_setting.pk)) == {"Teen, Tia"}  # links made before
        assert names(setting="hillside academy") == {"Teen, Tia"}
        assert names(setting="Oakfield Primary School (900001)") == {"Jones, Amy"}
        assert names(setting="900001") == {"Jones, Amy"}
        assert names(setting="Hill") == {"Teen, Tia"}  # part of a name
        assert names(phase="secondary") == {"Teen, Tia"}
        assert names(phase="primary") == {"Jones, Amy"}
        assert names(caseworker="me") == {"Jones, Amy"}
        assert names(caseworker="none") == {"Teen, Tia"}
        assert names(status="E", need="SLCN") == set()
        assert teenager.pk  # created in this authority

    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"status": "ZZ"}, "status", "Select the SEN status from the list"),
            ({"need": "XYZ"}, "need", "Select the primary need from the list"),
            ({"phase": "old"}, "phase", "Select the age from the list"),
            ({"setting": "abc"}, "setting", NO_SUCH_SETTING),
            ({"setting": "999999"}, "setting", NO_SUCH_SETTING),
            ({"caseworker": "42"}, "caseworker", "Select the caseworker from the list"),
            ({"review": "soon"}, "review", "Select the review date from the list"),
            ({"q": "a" * 150}, "q", "The search must be 100 characters or fewer"),
            (
                {"q": "a\x00b"},
                "q",
                "The search must not include control characters or text-direction overrides",
            ),
            (
                {"q": "amy\u202e"},
                "q",
                "The search must not include control characters or text-direction overrides",
            ),
        ],
    )
    def test_invalid_filters_are_explained_and_no_children_are_listed_as_if_filtered(
        self, client_as, caseworker, child, params, field, message
    ):
        response = client_as(caseworker).get(reverse("child-list"), {**params, "page": "999"})
        html = response.content.decode()
        assert response.status_code == 400
        assert "<title>Error: Children" in html
        assert f'<a href="#id_{field}">{message}</a>' in html  # the error summary
        assert f'id="id_{field}_error"' in html
        # Never a list that looks filtered: no children, and a sentence saying why.
        assert "Jones, Amy" not in html
        assert "match your search and filters" not in html
        assert "No children are listed until the search and filters are corrected" in html

    def test_an_invalid_filter_asked_for_by_htmx_reloads_the_whole_page(
        self, client_as, caseworker, child
    ):
        response = client_as(caseworker).get(
            reverse("child-list"),
            {"status": "ZZ"},
            headers={"HX-Request": "true", "HX-Target": "results"},
        )
        assert response["HX-Redirect"] == reverse("child-list") + "?status=ZZ"

    def test_filter_by_review_date(self, client_as, caseworker, child, authority_a):
        today = datetime.date.today()
        child.next_review_date = today - datetime.timedelta(days=1)
        child.save()
        ChildFactory(
            authority=authority_a,
            first_name="Soon",
            last_name="Due",
            caseworker=caseworker,
            next_review_date=today + datetime.timedelta(days=30),
        )
        ChildFactory(
            authority=authority_a,
            first_name="Later",
            last_name="Due",
            caseworker=caseworker,
            next_review_date=today + datetime.timedelta(days=31),
        )
        ChildFactory(
            authority=authority_a, first_name="Today", last_name="Due", next_review_date=today
        )
        client = client_as(caseworker)

        def names(**params):
            html = client.get(reverse("child-list"), params).content.decode()
            return {
                name
                for name in ("Jones, Amy", "Due, Soon", "Due, Later", "Due, Today")
                if name in html
            }

        assert names(review="overdue") == {"Jones, Amy"}
        assert names(review="next_30_days") == {"Due, Soon", "Due, Today"}
        assert names(review="next_30_days", caseworker="me") == {"Due, Soon"}
        html = client.get(reverse("child-list"), {"review": "overdue"}).content.decode()
        assert '<option value="overdue" selected>Overdue</option>' in html
        assert "<strong>1</strong> child matches your search and filters" in html
        assert "Review due" in html  # the column appears when filtering by review date

    def test_htmx_filtering_returns_only_the_results(self, client_as, caseworker, child):
        response = client_as(caseworker).get(
            reverse("child-list"),
            {"q": "amy"},
            headers={"HX-Request": "true", "HX-Target": "results"},
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="results"')
        assert "Jones, Amy" in html and "<html" not in html

    def test_setting_filter_is_a_text_field_that_suggests_from_the_register(
        self, client_as, caseworker, child, oakfield, authority_a, authority_b
    ):
        SettingFactory(authority=authority_a, name="Oak Tree Academy", urn="900002")
        SettingFactory(authority=authority_a, name="Royal Oak Infants", urn="")
        SettingFactory(authority=authority_a, name="Cloakroom Nursery")  # "oak" inside a word
        SettingFactory(authority=authority_b, name="Oakfield Other Authority")
        client = client_as(caseworker)
        html = client.get(reverse("child-list"), {"setting": "Oakfield Primary School"}).content
        html = html.decode()
        assert 'name="setting"' in html and 'value="Oakfield Primary School"' in html
        suggestions_url = reverse("child-list-setting-suggestions")
        assert f'data-app-autocomplete="{suggestions_url}"' in html
        # No option per setting (by name: a setting's id may equal a caseworker's, whose option
        # the caseworker filter rightly has).
        for name in ("Oakfield Primary School", "Oak Tree Academy", "Royal Oak Infants"):
            assert f">{name}</option>" not in html
        response = client.get(suggestions_url, {"q": "oak"})
        assert response.status_code == 200
        assert response.json() == {
            "results": [
                "Oak Tree Academy (900002)",
                "Oakfield Primary School (900001)",
                "Royal Oak Infants",
            ]
        }
        assert client.get(suggestions_url, {"q": "90000"}).json()["results"] == [
            "Oak Tree Academy (900002)",
            "Oakfield Primary School (900001)",
        ]
        assert client.get(suggestions_url, {"q": " "}).json() == {"results": []}
        assert client.post(suggestions_url, {"q": "oak"}).status_code == 405

    def test_setting_suggestions_run_the_same_queries_for_3_or_60_settings(
        self, client_as, caseworker, authority_a
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = client_as(caseworker)
        url = reverse("child-list-setting-suggestions")

        def queries():
            counts = {}
            for text in ("oak", "9000"):
                client.get(url, {"q": text})
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url, {"q": text})
                counts[text] = (len(captured), len(response.json()["results"]))
            return counts

        for number in range(3):
            SettingFactory(authority=authority_a, name=f"Oak {number}", urn=f"90000{number}")
        small = queries()
        for number in range(3, 60):
            SettingFactory(authority=authority_a, name=f"Oak {number:02}", urn=f"9000{number:02}")
        large = queries()
        # Session, user, membership; the register's matches (at most 10).
        assert {text: count for text, (count, _) in large.items()} == {"oak": 4, "9000": 4}
        assert {text: count for text, (count, _) in small.items()} == {"oak": 4, "9000": 4}
        assert large["oak"][1] == 10 and small["oak"][1] == 3

    def test_setting_suggestions_need_a_member_of_the_authority(self, client, caseworker):
        url = reverse("child-list-setting-suggestions")
        assert client.get(url, {"q": "oak"}).status_code == 302  # to sign in
        from tests.factories import UserFactory

        client.force_login(UserFactory())
        assert client.get(url, {"q": "oak"}).status_code == 403

    def test_a_search_keeps_its_form_in_the_cache_but_never_what_was_typed(
        self, client_as, caseworker, child, monkeypatch
    ):
        from django.core.cache import cache

        kept = []
        real_set = cache.set

        def watched_set(key, value, *args, **kwargs):
            kept.append((key, value))
            return real_set(key, value, *args, **kwargs)

        monkeypatch.setattr(cache, "set", watched_set)
        client = client_as(caseworker)
        for typed, shown in (
            ('Jones <b>"&', 'value="Jones &lt;b&gt;&quot;&amp;"'),
            ("Amy", 'value="Amy"'),  # the same kept form, another search
            (" Amy ", 'value=" Amy "'),
        ):
            html = client.get(reverse("child-list"), {"q": typed}).content.decode()
            assert f'name="q" {shown}' in html
            assert typed.startswith("Jones") or ">Jones, Amy</a>" in html  # the child found
        assert len([key for key, _ in kept if "children-filters" in key]) == 1
        assert not any("Jones" in str(value) or "Amy" in str(value) for _, value in kept)

    def test_unfiltered_count_is_kept_and_forgotten_when_a_child_is_added(
        self, client_as, caseworker, child, authority_a, django_assert_num_queries
    ):
        client = client_as(caseworker)
        assert "<strong>1</strong> child" in client.get(reverse("child-list")).content.decode()
        ChildFactory(authority=authority_a)
        html = client.get(reverse("child-list")).content.decode()
        assert "<strong>2</strong> children" in html
        Child.objects.filter(authority=authority_a).exclude(pk=child.pk).delete()
        html = client.get(reverse("child-list")).content.decode()
        assert "<strong>1</strong> child" in html

    LIST_QUERIES = (
        {},
        {"page": "2"},
        {"q": "child"},
        {"status": "K", "setting": "Oakfield Primary School"},
        {"caseworker": "me", "review": "overdue"},
    )

    def _queries_per_list(self, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = {}
        for params in self.LIST_QUERIES:
            client.get(reverse("child-list"), params)  # the unfiltered count, once kept
            with CaptureQueriesContext(connection) as captured:
                response = client.get(reverse("child-list"), params)
            assert response.status_code == 200
            counts[tuple(params)] = len(captured)
        return counts

    def test_list_runs_the_same_queries_whatever_the_size_of_the_authority(
        self, client_as, caseworker, authority_a, oakfield
    ):
        from tests.factories import MembershipFactory

        ChildFactory.create_batch(
            30, authority=authority_a, current_setting=oakfield, caseworker=caseworker
        )
        client = client_as(caseworker)
        client.get(reverse("child-list"))  # the session's first request chooses the authority
        small = self._queries_per_list(client)
        # Ten times the children, and a register and a team that a select per option would
        # make the page grow with.
        settings = SettingFactory.create_batch(60, authority=authority_a)
        for _ in range(25):
            MembershipFactory(authority=authority_a, role="caseworker")
        ChildFactory.create_batch(
            270, authority=authority_a, current_setting=oakfield, caseworker=caseworker
        )
        ChildFactory.create_batch(30, authority=authority_a, current_setting=settings[0])
        large = self._queries_per_list(client)
        assert large == small
        # Session, user, membership; count (filtered only); page; for the setting filter, the
        # settings it names; for any filter, the audit log's record that the list was
        # searched. The caseworker choices are kept.
        assert large[("q",)] == 6
        assert max(large.values()) <= 8
        assert large[()] == 4  # unfiltered: the count is kept, not counted

    def test_list_paginates(self, client_as, caseworker, authority_a, oakfield):
        ChildFactory.create_batch(
            60, authority=authority_a, current_setting=oakfield, caseworker=caseworker
        )
        html = client_as(caseworker).get(reverse("child-list"), {"page": "2"}).content.decode()
        assert "<strong>60</strong> children" in html
        assert html.count('<tr class="govuk-table__row">') == 26  # header + 25 rows
        assert 'aria-current="page">2</a>' in html

    def test_long_lists_leave_out_page_numbers_with_a_gap(self, client_as, caseworker, authority_a):
        Child.objects.bulk_create(ChildFactory.build_batch(176, authority=authority_a))
        client = client_as(caseworker)
        html = client.get(reverse("child-list")).content.decode()
        numbers = re.findall(r'aria-label="Page (\d+)"', html)
        assert numbers == ["1", "2", "3", "8"]
        assert html.count("govuk-pagination__item--ellipses") == 1
        html = client.get(reverse("child-list"), {"page": "8"}).content.decode()
        assert re.findall(r'aria-label="Page (\d+)"', html) == ["1", "6", "7", "8"]
        assert html.count("govuk-pagination__item--ellipses") == 1
        html = client.get(reverse("child-list"), {"page": "5"}).content.decode()
        assert re.findall(r'aria-label="Page (\d+)"', html) == [str(n) for n in range(1, 9)]
        assert "govuk-pagination__item--ellipses" not in html

    def test_the_whole_list_read_gives_the_rows_the_orm_gives(
        self, caseworker, authority_a, authority_b, oakfield
    ):
        """The unfiltered list's page is read with SQL made once (``queries._whole_page``):
        the same rows, in the same order, as the ORM's read, across pages and for a child with
        nothing recorded; never another authority's."""
        from assessments import queries

        ChildFactory.create_batch(
            30, authority=authority_a, current_setting=oakfield, caseworker=caseworker
        )
        ChildFactory(authority=authority_a, current_setting=None, caseworker=None, upn="")
        ChildFactory(authority=authority_a, last_name="Aaron", first_name="Zed")
        ChildFactory(authority=authority_a, last_name="Aaron", first_name="Zed")  # a tie: by pk
        ChildFactory.create_batch(5, authority=authority_b, last_name="Aaron")
        whole = queries.children_matching(authority_a, {}, user=caseworker)
        assert whole.whole_of == authority_a.pk
        orm = queries.children_matching(authority_a, {}, user=caseworker)
        orm.whole_of = None  # the ORM's own read, as every filtered list reads
        for start in (0, 25, 30):
            rows = whole[start : start + 25]
            assert rows == orm[start : start + 25]
            assert {row["authority_id"] for row in rows} == {authority_a.pk}
        assert len(whole[25:50]) == 8
        assert [row["last_name"] for row in whole[0:2]] == ["Aaron", "Aaron"]
        assert (
            queries.children_matching(authority_a, {"status": "K"}, user=caseworker).whole_of
            is None
        )
        assert (
            queries.children_matching(authority_a, {"page": 2}, user=caseworker).whole_of
            == authority_a.pk
        )

    def test_a_search_pages_through_its_matches_in_name_order(
        self, client_as, caseworker, authority_a, authority_b, oakfield
    ):
        # Mixed case sorts as the upper-cased names do; another authority's Pattersons never.
        names = [f"{last} {n:02d}" for n in range(15) for last in ("PATEL", "patterson")]
        for name in names:
            last, first = name.split()
            ChildFactory(
                authority=authority_a,
                last_name=last,
                first_name=f"Kid{first}",
                current_setting=oakfield,
                caseworker=caseworker,
            )
        ChildFactory.create_batch(5, authority=authority_b, last_name="Patterson")
        client = client_as(caseworker)
        listed = []
        for page in ("1", "2"):
            html = client.get(reverse("child-list"), {"q": "pat", "page": page}).content.decode()
            assert "<strong>30</strong> children match" in html
            listed += re.findall(r'href="/children/\d+/">([^<]+)</a>', html)
        expected = sorted(
            (f"{name.split()[0]}, Kid{name.split()[1]}" for name in names), key=str.upper
        )
        assert listed == expected
        assert html.count("Oakfield Primary School</td>") == 5
        assert html.count("Casey Worker</td>") == 5

    @pytest.mark.parametrize("params", [{}, {"q": "O'Neil"}, {"review": "overdue"}])
    def test_rows_write_names_as_text_and_say_what_is_missing(
        self, client_as, caseworker, authority_a, params
    ):
        ChildFactory(
            authority=authority_a,
            first_name="<b>Amy</b>",
            last_name='O\'Neil & "Co"',
            upn="",
            primary_need="",
            current_setting=None,
            caseworker=None,
            next_review_date=datetime.date.today() - datetime.timedelta(days=3),
        )
        html = client_as(caseworker).get(reverse("child-list"), params).content.decode()
        row = html.split('<tbody class="govuk-table__body">')[1].split("</tr>")[0]
        assert "O&#x27;Neil &amp; &quot;Co&quot;, &lt;b&gt;Amy&lt;/b&gt;</a>" in row
        assert "<b>" not in row
        cells = row.count('<td class="govuk-table__cell">–</td>')
        assert cells == 3  # no UPN, no primary need, no setting
        assert '<td class="govuk-table__cell">Not allocated</td>' in row
        assert ("Review due" in html) == ("review" in params)

    def test_wrong_method(self, client_as, caseworker):
        assert client_as(caseworker).post(reverse("child-list")).status_code == 405


class TestChildDetail:
    def test_shows_details_and_key_dates(self, client_as, panel_member, child):
        html = (
            client_as(panel_member).get(reverse("child-detail", args=[child.pk])).content.decode()
        )
        assert '<h1 class="govuk-heading-l">Amy Jones</h1>' in html
        assert "B801200005001" in html
        assert "Oakfield Primary School" in html
        assert "Speech, language and communication needs (SLCN)" in html
        assert "None completed" in html
        assert "Start a needs assessment" not in html  # panel members do not assess

    def test_caseworker_can_start_an_assessment(self, client_as, caseworker, child, framework):
        html = client_as(caseworker).get(reverse("child-detail", args=[child.pk])).content.decode()
        assert "Start a needs assessment" in html

    def test_another_authoritys_child_is_not_found(self, client_as, caseworker, child_b):
        response = client_as(caseworker).get(reverse("child-detail", args=[child_b.pk]))
        assert response.status_code == 404
        assert "Ben" not in response.content.decode()


class TestChildCreate:
    def test_caseworker_adds_a_child(self, client_as, caseworker, authority_a, oakfield):
        response = client_as(caseworker).post(
            reverse("child-create"),
            child_data(
                upn="b801200005001", current_setting=str(oakfield.pk), caseworker=str(caseworker.pk)
            ),
        )
        child = Child.objects.get(last_name="Taylor")
        assert response.status_code == 302 and response.url == reverse(
            "child-detail", args=[child.pk]
        )
        assert child.authority == authority_a
        assert child.upn == "B801200005001"
        assert child.current_setting == oakfield
        assert child.caseworker == caseworker
        assert child.created_by == caseworker

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            (
                {"upn": "A801200005001"},
                "upn",
                "The UPN check letter does not match the rest of the number",
            ),
            (
                {"date_of_birth_year": "2999"},
                "date_of_birth_0",
                "Date of birth must be today or in the past",
            ),
            ({"date_of_birth_year": "1990"}, "date_of_birth_0", "must be 25 or younger"),
            ({"date_of_birth_month": "13"}, "date_of_birth_0", "Date of birth must be a real date"),
            (
                {
                    "sen_status": "E",
                    "primary_need": "NSA",
                    "plan_start_date_day": "1",
                    "plan_start_date_month": "9",
                    "plan_start_date_year": "2024",
                },
                "primary_need",
                "NSA (no specialist assessment) can only be used for SEN support",
            ),
            ({"sen_status": "E"}, "plan_start_date_0", "Enter the date the EHC plan started"),
            ({"primary_need": ""}, "primary_need", "Select the primary type of need"),
            ({"sen_status": ""}, "sen_status_0", "Select the SEN status"),
            ({"first_name": ""}, "first_name", "Enter the child's first name"),
            ({"last_name": "  "}, "last_name", "Enter the child's last name"),
            ({"gender": ""}, "gender_0", "Select the child's gender"),
            ({"ethnicity": "ZZZZ"}, "ethnicity", "Select the child's ethnicity from the list"),
            (
                {"first_name": "Sam\u202eyrraH"},
                "first_name",
                "The child's first name must not include control characters or text-direction overrides",
            ),
            (
                {"last_name": "Taylor\x1b[2J"},
                "last_name",
                "The child's last name must not include control characters",
            ),
            (
                {"date_of_birth_year": "2147483648"},
                "date_of_birth_0",
                "Date of birth must be a real date",
            ),
            (
                {
                    "next_review_date_day": "99999999999999999999",
                    "next_review_date_month": "1",
                    "next_review_date_year": "2027",
                },
                "next_review_date_0",
                "Next review due must be a real date",
            ),
        ],
    )
    def test_bad_input_is_explained_and_nothing_saved(
        self, client_as, caseworker, overrides, field, message
    ):
        response = client_as(caseworker).post(reverse("child-create"), child_data(**overrides))
        html = response.content.decode()
        assert response.status_code == 400
        assert f'<a href="#id_{field}">' in html
        assert message in html.replace("&#x27;", "'")
        assert 'value="Taylor"' in html or "last_name" in overrides
        assert not Child.objects.exists()

    def test_duplicate_upn_in_the_authority(self, client_as, caseworker, child):
        response = client_as(caseworker).post(reverse("child-create"), child_data(upn=child.upn))
        assert (
            "Another child in Northshire County Council already has this UPN"
            in response.content.decode()
        )

    def test_same_upn_in_another_authority_is_fine(self, client_as, caseworker_b, child):
        response = client_as(caseworker_b).post(reverse("child-create"), child_data(upn=child.upn))
        assert response.status_code == 302

    def test_setting_of_another_authority_cannot_be_chosen(
        self, client_as, caseworker, authority_b
    ):
        foreign = SettingFactory(authority=authority_b)
        response = client_as(caseworker).post(
            reverse("child-create"), child_data(current_setting=str(foreign.pk))
        )
        assert response.status_code == 400
        assert "Select the current school or setting from the list" in response.content.decode()
        assert not Child.objects.exists()

    def test_every_required_answer_missing_is_worded_the_govuk_way(self, client_as, caseworker):
        response = client_as(caseworker).post(reverse("child-create"), {})
        html = response.content.decode().replace("&#x27;", "'")
        assert response.status_code == 400
        for message in (
            "Enter the child's first name",
            "Enter the child's last name",
            "Enter the date of birth",
            "Select the child's gender",
            "Select the SEN status",
        ):
            assert f">{message}</a>" in html, message  # in the error summary
        assert "This field is required" not in html
        assert not Child.objects.exists()

    def test_ethnicity_left_unanswered_is_not_recorded_never_white_british(
        self, client_as, caseworker
    ):
        client = client_as(caseworker)
        form = client.get(reverse("child-create")).content.decode()
        select = form[form.index('name="ethnicity"') :]
        select = select[: select.index("</select>")]
        assert select.index('<option value="" selected>Not recorded</option>') < select.index(
            'value="WBRI"'
        )
        assert 'value="WBRI" selected' not in select
        response = client.post(reverse("child-create"), child_data(ethnicity=""))
        assert response.status_code == 302
        child = Child.objects.get()
        assert child.ethnicity == "NOBT"
        assert child.get_ethnicity_display() == "Information not yet obtained"

    def test_manager_cannot_add_children(self, client_as, manager):
        assert client_as(manager).get(reverse("child-create")).status_code == 403
        assert client_as(manager).post(reverse("child-create"), child_data()).status_code == 403
        assert not Child.objects.exists()


class TestChildEdit:
    def test_edit_saves_and_bumps_the_version(self, client_as, caseworker, child):
        data = child_data(
            first_name="Amelia", last_name="Jones", upn=child.upn, version=str(child.version)
        )
        response = client_as(caseworker).post(reverse("child-edit", args=[child.pk]), data)
        assert response.status_code == 302
        child.refresh_from_db()
        assert child.first_name == "Amelia" and child.version == 2

    def test_concurrent_edit_shows_both_values_and_overwrites_nothing(
        self, client_as, caseworker, child
    ):
        Child.objects.filter(pk=child.pk).update(last_name="Jones-Smith", version=2)
        data = child_data(first_name="Amy", last_name="Jonas", upn=child.upn, version="1")
        response = client_as(caseworker).post(reverse("child-edit", args=[child.pk]), data)
        html = response.content.decode()
        assert response.status_code == 409
        assert "Someone else saved changes to this record while you were editing" in html
        assert (
            '<th scope="row" class="govuk-table__header">Last name</th><td class="govuk-table__cell">Jones-Smith</td><td class="govuk-table__cell">Jonas</td>'
            in html
        )
        assert 'value="Jonas"' in html  # the user's answer is kept
        assert '<input type="hidden" name="version" value="2" id="id_version">' in html
        child.refresh_from_db()
        assert child.last_name == "Jones-Smith"

    @pytest.mark.parametrize("version", ["²", "abc", "-1", "", None, "99999999999999999999"])
    def test_a_missing_or_malformed_version_is_explained_and_nothing_saved(
        self, client_as, caseworker, child, version
    ):
        data = child_data(first_name="Amelia", last_name="Jones", upn=child.upn)
        if version is not None:
            data["version"] = version
        response = client_as(caseworker).post(reverse("child-edit", args=[child.pk]), data)
        html = response.content.decode()
        assert response.status_code == 400
        assert (
            '<a href="#main-content">This page is out of date or was not sent in full. '
            "Reload the page and try again</a>" in html
        )
        assert 'value="Amelia"' in html  # the user's answers are kept
        child.refresh_from_db()
        assert child.first_name == "Amy" and child.version == 1

    def test_another_authoritys_child_cannot_be_edited(self, client_as, caseworker, child_b):
        response = client_as(caseworker).post(
            reverse("child-edit", args=[child_b.pk]), child_data(version="1")
        )
        assert response.status_code == 404
        child_b.refresh_from_db()
        assert child_b.first_name == "Ben"

    def test_panel_member_cannot_edit(self, client_as, panel_member, child):
        assert (
            client_as(panel_member).get(reverse("child-edit", args=[child.pk])).status_code == 403
        )

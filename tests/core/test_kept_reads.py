"""What pages keep in one process or read from the cache together: the chrome's URLs, the lists'
kept entries in one round trip, and kept fragments that follow what they were made from."""

import pytest
from django.core.cache import cache
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from valuing_send.core.cache import KeptReads, cached_fragment, fragment_key
from valuing_send.core.storage import DevelopmentStaticFilesStorage
from valuing_send.core.templatetags import kept_urls


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


class TestURLTag:
    def test_gives_what_reverse_gives_with_and_without_arguments(self):
        assert _render("{% url 'home' %}") == reverse("home")
        assert _render("{% url 'child-detail' 42 %}") == reverse("child-detail", args=[42])
        assert _render("{% url 'child-detail' pk=7 %}") == reverse("child-detail", args=[7])
        name = "child-list"
        assert _render("{% url name %}", name=name) == reverse("child-list")

    def test_as_a_variable(self):
        assert _render("{% url 'privacy' as there %}[{{ there }}]") == f"[{reverse('privacy')}]"
        # A name that does not reverse gives nothing "as" a variable, as Django's tag does.
        assert _render("{% url 'no-such-page' as there %}[{{ there }}]") == "[]"

    def test_a_name_that_does_not_reverse_raises_every_time(self):
        kept_urls._reversed.cache_clear()
        for _ in range(2):
            with pytest.raises(NoReverseMatch):
                _render("{% url 'no-such-page' %}")
        assert kept_urls._reversed.cache_info().currsize == 0

    def test_kept_per_script_prefix(self):
        home = reverse("home")
        try:
            set_script_prefix("/valuing-send/")
            assert _render("{% url 'home' %}") == "/valuing-send" + home
            assert _render("{% url 'accessibility' %}") == reverse("accessibility")
            assert reverse("accessibility").startswith("/valuing-send/")
        finally:
            set_script_prefix("/")
        assert _render("{% url 'home' %}") == home

    def test_kept_per_urlconf(self):
        assert _render("{% url 'home' %}") == reverse("home")
        with override_settings(ROOT_URLCONF="tests.core.other_urls"):
            assert _render("{% url 'home' %}") == "/elsewhere/"
        assert _render("{% url 'home' %}") == reverse("home")

    def test_still_says_what_is_wrong_with_its_syntax(self):
        with pytest.raises(TemplateSyntaxError):
            Template("{% url %}")


class TestStaticURLs:
    def test_same_url_as_the_storage_gives_and_made_once_per_name(self, monkeypatch):
        storage = DevelopmentStaticFilesStorage()
        made = []
        real = DevelopmentStaticFilesStorage.__mro__[2].url

        def counted(self, name):
            made.append(name)
            return real(self, name)

        monkeypatch.setattr(DevelopmentStaticFilesStorage.__mro__[2], "url", counted)
        for _ in range(3):
            assert storage.url("css/app.css") == real(storage, "css/app.css")
            assert storage.url("js/app.mjs").endswith("/js/app.mjs")
        assert made.count("css/app.css") == 1 and made.count("js/app.mjs") == 1

    def test_the_page_head_links_the_assets(self, client):
        html = client.get(reverse("accessibility")).content.decode()
        assert 'href="/static/vendor/govuk/govuk-frontend.min.css"' in html
        assert 'src="/static/js/app.mjs"' in html


class TestKeptReads:
    def test_reads_every_key_in_one_round_trip_and_keeps_what_was_missing(self, monkeypatch):
        cache.set("kept-test:a", [1, 2])
        cache.delete("kept-test:b")
        calls = []
        real_get_many = cache.get_many
        monkeypatch.setattr(
            cache, "get_many", lambda keys: calls.append(list(keys)) or real_get_many(keys)
        )
        monkeypatch.setattr(cache, "get", lambda *a, **k: pytest.fail("read one by one"))
        reads = KeptReads(["kept-test:a", "kept-test:b"])
        assert calls == [["kept-test:a", "kept-test:b"]]
        assert reads.get_or_set("kept-test:a", lambda: pytest.fail("made again"), 60) == [1, 2]
        assert reads.get_or_set("kept-test:b", lambda: "made", 60) == "made"
        monkeypatch.undo()
        assert cache.get("kept-test:b") == "made"

    def test_a_fragment_is_made_again_when_what_it_depends_on_changed(self):
        made = []
        key = fragment_key("kept-test", 1, ("inputs",))
        cache.delete(key)

        def render(text):
            return lambda: made.append(text) or f"<p>{text}</p>"

        def fragment(depends_on, text):
            reads = KeptReads([key])
            return cached_fragment(key, render(text), depends_on=depends_on, reads=reads)

        assert fragment(["Casey"], "one") == "<p>one</p>"
        assert fragment(["Casey"], "two") == "<p>one</p>"  # kept
        assert fragment(["Casey", "Drew"], "three") == "<p>three</p>"  # the choices changed
        kept = cached_fragment(key, render("four"), depends_on=["Casey", "Drew"])
        assert kept == "<p>three</p>"  # read alone, as the dashboard does
        assert made == ["one", "three"]


class TestPagesReadTheCacheOnce:
    """The children list and the work tray read what they keep in one round trip."""

    @pytest.fixture
    def watched(self, monkeypatch):
        calls = []
        real_get, real_get_many = cache.get, cache.get_many
        monkeypatch.setattr(
            cache, "get", lambda *a, **k: calls.append(("get", a[0])) or real_get(*a, **k)
        )
        monkeypatch.setattr(
            cache,
            "get_many",
            lambda keys, *a, **k: (
                calls.append(("get_many", tuple(keys))) or real_get_many(keys, *a, **k)
            ),
        )
        return calls

    @pytest.mark.parametrize(
        "url_name, params",
        [
            ("child-list", {}),
            ("child-list", {"status": "K"}),
            ("child-list", {"q": "Jones"}),
            ("case-tray", {}),
            ("case-tray", {"view": "team", "due": "overdue"}),
        ],
    )
    def test_one_round_trip_once_kept(
        self, client_as, caseworker, child, watched, url_name, params
    ):
        client = client_as(caseworker)
        first = client.get(reverse(url_name), params)
        assert first.status_code == 200
        watched.clear()
        second = client.get(reverse(url_name), params)
        # The kept filter form offers the same caseworkers (the CSRF token differs each time).
        for response in (first, second):
            assert ">Casey Worker</option>" in response.content.decode()
        reads = [call for call in watched if not call[1][0].startswith(("session", "axes"))]
        assert [kind for kind, _ in reads] == ["get_many"], reads
        assert len(reads[0][1]) == 3

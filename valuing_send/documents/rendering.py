"""HTML to a tagged PDF with WeasyPrint. The only module that imports WeasyPrint: the import
takes about a second, so it happens in workers (and benchmarks), never on a request path.

- **PDF/UA-1** (``pdf_variant="pdf/ua-1"``): a tagged PDF with a structure tree (headings,
  lists, tables with their headers, figures with their alternative text), the document title
  shown in the viewer's title bar and the language from ``<html lang>``.
- **Nothing is fetched.** Documents carry everything they need (SVG inline, the stylesheet
  given here); the URL fetcher refuses every URL except ``data:``, so a render never reaches
  the network and a stray URL in stored HTML (a letter) cannot make the worker fetch it.
- **Fonts** come from the system (Debian's fonts-liberation, installed by
  ``scripts/install_system_packages.sh``): Liberation Sans has Arial's metrics.
- The stylesheet is parsed once per process and the fetcher made once: WeasyPrint's default
  fetcher builds an SSL context for every document (about 0.1 s each) even when nothing is
  fetched.
"""

import functools
import io
import time
from dataclasses import dataclass
from urllib import request

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .stylesheet import PRINT_CSS_PATH

PDF_VARIANT = "pdf/ua-1"


class NothingFetched(URLFetcher):
    """Resolves ``data:`` URLs in memory and refuses everything else (fatal: the render
    fails rather than making a document with something missing)."""

    def __init__(self):
        request.OpenerDirector.__init__(self)  # no handlers: nothing can reach the network
        self._fail_on_errors = True
        self._allowed_protocols = ("data",)
        self._http_headers = {}
        self._timeout = 0
        self._request = None
        self._data = request.DataHandler()

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError(f"Documents fetch nothing; refused {url[:80]!r}")
        response = self._data.data_open(request.Request(url))
        return URLFetcherResponse(url, response.read(), response.headers)


class RenderError(Exception):
    """The document asked for something it may not have (WeasyPrint stops a render with a
    ``BaseException`` then; this turns it into an error the retries handle)."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    ms: int


@functools.cache
def _fetcher() -> NothingFetched:
    return NothingFetched()


@functools.cache
def _fonts() -> FontConfiguration:
    """One per process: documents declare no @font-face, so it only carries fontconfig's view
    of the system fonts, which every render would otherwise set up again."""
    return FontConfiguration()


@functools.cache
def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(
        filename=str(PRINT_CSS_PATH), url_fetcher=_fetcher(), font_config=_fonts()
    )


def html_to_pdf(html: str, *, stylesheet: bool = True) -> Rendered:
    """Render ``html`` (a whole document with ``<html lang>`` and ``<title>``) as PDF/UA-1.
    ``stylesheet=False`` renders with WeasyPrint's defaults only: the benchmark's floor."""
    started = time.perf_counter()
    try:
        document = weasyprint.HTML(string=html, url_fetcher=_fetcher()).render(
            font_config=_fonts(),
            stylesheets=[_stylesheet()] if stylesheet else [],
            pdf_variant=PDF_VARIANT,
        )
    except FatalURLFetchingError as refused:
        raise RenderError(str(refused.__cause__ or refused)) from refused
    out = io.BytesIO()
    document.write_pdf(out, pdf_variant=PDF_VARIANT)
    return Rendered(
        pdf=out.getvalue(),
        pages=len(document.pages),
        ms=round((time.perf_counter() - started) * 1000),
    )

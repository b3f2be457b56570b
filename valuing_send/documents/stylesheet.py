"""Where the print stylesheet lives, and the fingerprint of everything that shapes a PDF
besides its HTML (kept apart from ``rendering`` so request paths can hash without importing
WeasyPrint)."""

import functools
import hashlib
from importlib.metadata import version
from pathlib import Path

PRINT_CSS_PATH = Path(__file__).with_name("print.css")


@functools.cache
def renderer_fingerprint() -> str:
    """Changes when the stylesheet or the WeasyPrint version changes: every stored PDF is then
    made again on its next request."""
    css = PRINT_CSS_PATH.read_bytes()
    return hashlib.sha256(css + version("weasyprint").encode()).hexdigest()


def data_hash(html: str) -> str:
    return hashlib.sha256((renderer_fingerprint() + html).encode()).hexdigest()

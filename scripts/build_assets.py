"""Copy the pinned front-end packages from node_modules into static/vendor/ (no build step).

GOV.UK Frontend's CSS refers to its fonts and images with absolute ``/assets/`` URLs; as Django
static files they live under ``STATIC_URL``, so the URLs are rewritten to be relative to the CSS.
Source maps are copied too: manifest static storage fails on a ``sourceMappingURL`` it cannot find.
Idempotent: files are only rewritten when their content changes.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

PACKAGES = {
    "govuk": (
        NODE / "govuk-frontend" / "dist" / "govuk",
        ["govuk-frontend.min.css", "govuk-frontend.min.js"],
        "assets",
    ),
    "moj": (
        NODE / "@ministryofjustice" / "frontend" / "moj",
        ["moj-frontend.min.css", "moj-frontend.min.js"],
        "assets",
    ),
    "htmx": (NODE / "htmx.org" / "dist", ["htmx.min.js"], None),
    "autocomplete": (
        NODE / "accessible-autocomplete" / "dist",
        ["accessible-autocomplete.min.js", "accessible-autocomplete.min.css"],
        None,
    ),
}


def write_if_changed(target: Path, data: bytes) -> None:
    if target.exists() and target.read_bytes() == data:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def main() -> int:
    for name, (source, files, assets) in PACKAGES.items():
        if not source.exists():
            print(
                f"{source} is missing: run 'npm ci' first (scripts/setup.sh does).", file=sys.stderr
            )
            return 1
        for filename in files:
            for candidate in (source / filename, source / f"{filename}.map"):
                if not candidate.exists():
                    continue
                data = candidate.read_bytes()
                if candidate.suffix == ".css":
                    data = data.replace(b"url(/assets/", b"url(assets/")
                write_if_changed(VENDOR / name / candidate.name, data)
        if assets and (source / assets).exists():
            for path in (source / assets).rglob("*"):
                if path.is_file():
                    write_if_changed(
                        VENDOR / name / assets / path.relative_to(source / assets),
                        path.read_bytes(),
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

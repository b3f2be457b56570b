"""Hypothesis strategies for hostile form input: what a careless or malicious client can send.

Script payloads carry the marker ``fuzz-xss``: if ``<fuzz-xss`` or an attribute-breaking
``onfocus=`` with it ever appears unescaped in a page, stored or reflected input would run."""

from hypothesis import strategies as st

XSS_MARKERS = ("<fuzz-xss", "<script>fuzz-xss", "onfocus='fuzz-xss", 'onfocus="fuzz-xss')
XSS_PAYLOADS = [
    "<fuzz-xss>",
    "<script>fuzz-xss()</script>",
    '"><fuzz-xss>',
    "' onfocus='fuzz-xss' autofocus='",
    '" onfocus="fuzz-xss" autofocus="',
    "</textarea><fuzz-xss>",
    "</title><script>fuzz-xss()</script>",
    "javascript:fuzz-xss()",
]
CONTROL_AND_BIDI = [
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "\u202eevil.exe",
    "\u2066isolated\u2069",
    "\u200b",
    "\ufeff",
    "\r\n\r\n",
    "\t",
    "line\nbreak",
]
UNICODE = ["😀", "👩‍👩‍👧‍👦", "Zoë Ç", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\u0301", "ﷺ", "字" * 50]
SQL_AND_TEMPLATES = [
    "' OR '1'='1",
    "'; DROP TABLE assessments_child; --",
    '" OR ""="',
    "1; SELECT pg_sleep(1)",
    "%",
    "_",
    "\\",
    "%00",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "%s%s%s%n",
    "../../etc/passwd",
]
NUMBERS = [
    "0",
    "-0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "0x1f",
    " 1 ",
    "²",
    "¹²³",
    "٣",
    "Ⅻ",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "99999999999999999999",
    "9" * 200,
]
DATES = ["0", "00", "0000", "31", "32", "13", "29", "2025-02-31", "31/02/2025", "1900", "10000"]
VERSIONS = ["", "0", "-1", "²", "abc", "1.0", "99999999999999999999", "2147483648", "1 ", "0x1"]
LONG = ["x" * 101, "x" * 1_001, "x" * 10_001, "é" * 5_001, "<" * 2_000]

hostile_text = st.one_of(
    st.sampled_from(
        XSS_PAYLOADS + CONTROL_AND_BIDI + UNICODE + SQL_AND_TEMPLATES + NUMBERS + DATES + LONG
    ),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.builds(lambda a, b: a + b, st.sampled_from(XSS_PAYLOADS), st.sampled_from(UNICODE + [""])),
)


def yaml_bomb(depth: int) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, depth):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(
            f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous}]"
        )
    return "\n".join(lines) + "\n"


YAML_PAYLOADS = [
    yaml_bomb(6),
    yaml_bomb(9),
    "[" * 5000 + "]" * 5000,
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)),
    "effective_from: 2025-02-31\n",
    "id: x\nversion: 1\neffective_from: 0000-01-01\n",
    "points: {communication: {1: 99999999999999999999999}}\n",
    "!!python/object/apply:os.system ['true']\n",
    "key: !!binary AAAA\n",
    "- &x [*x]\n",
    "\x00\n",
    "a: b\n" * 20_000,
    ": : :\n\t- ]",
]
hostile_yaml = st.one_of(st.sampled_from(YAML_PAYLOADS), hostile_text)


def value_for(field, *, yaml_field: bool) -> st.SearchStrategy:
    """What to send for one form field: mostly plausible, often hostile."""
    kind, name = field.kind, field.name
    if yaml_field:
        return st.one_of(
            st.just(field.value),
            hostile_yaml,
            st.builds(lambda p: field.value + "\n" + p, st.sampled_from(YAML_PAYLOADS)),
        )
    if kind in {"radio", "select", "checkbox"} and field.options:
        return st.one_of(
            st.sampled_from(field.options), st.sampled_from(field.options), hostile_text
        )
    if name == "version" or name.endswith("-version") or name in {"seen"}:
        return st.one_of(st.just(field.value), st.sampled_from(VERSIONS), hostile_text)
    if name.endswith(("_day", "_month", "_year")):
        return st.one_of(st.sampled_from(DATES + NUMBERS), hostile_text)
    if kind == "submit":
        return st.one_of(st.just(field.value), hostile_text)
    return st.one_of(st.just(field.value), hostile_text, hostile_text)


def form_data(form) -> st.SearchStrategy:
    """A whole submission: each field's value, some fields left out, some sent twice (a list
    where one value is expected), and the htmx values where htmx sends them."""
    names = sorted(form.fields)
    yaml_names = {n for n in names if "yaml" in n or form.fields[n].kind == "file"}

    @st.composite
    def build(draw):
        data = {}
        for name in names:
            field = form.fields[name]
            if field.kind == "file":
                content = draw(hostile_yaml)
                data[name] = ("upload.yaml", content.encode("utf-8", "surrogatepass"))
                continue
            value = draw(value_for(field, yaml_field=name in yaml_names))
            if draw(st.integers(0, 9)) == 0:
                value = [value, draw(hostile_text)]
            data[name] = value
        dropped = draw(st.sets(st.sampled_from(names))) if names and draw(st.booleans()) else set()
        for name in dropped:
            data.pop(name, None)
        data.update(form.extra)
        return data

    return build()


def contains_xss_marker(html: str) -> str | None:
    for marker in XSS_MARKERS:
        if marker in html:
            return marker
    return None


def carries_payload(data: dict) -> bool:
    def text(value):
        if isinstance(value, tuple):
            return value[1].decode("utf-8", "ignore")
        if isinstance(value, list):
            return " ".join(map(text, value))
        return str(value)

    return any("fuzz-xss" in text(value) for value in data.values())

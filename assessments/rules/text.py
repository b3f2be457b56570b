"""Small helpers that keep the trace and the parents' summary consistently worded."""

from assessments.rules.codes import MAX_NEED_LEVEL


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count:,} {noun}s"


def level_phrase(level: int) -> str:
    # The top of the scale has nothing above it, so "or above" would be noise there.
    if level == MAX_NEED_LEVEL:
        return f"at level {level}"
    return f"at level {level} or above"


def pounds(amount: int) -> str:
    return f"£{amount:,}"


def hours(hours_per_week: float) -> str:
    if hours_per_week < 1:
        return f"{round(hours_per_week * 60)} minutes a week"
    if hours_per_week == 1:
        return "1 hour a week"
    return f"{hours_per_week:g} hours a week"


def join_list(items: list[str]) -> str:
    """Like join_names, but with semicolons when items hold commas of their own."""
    if not any("," in item for item in items):
        return join_names(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{'; '.join(items[:-1])}; and {items[-1]}"


def sentence(clause: str) -> str:
    return clause[:1].upper() + clause[1:]


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]

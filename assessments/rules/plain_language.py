"""A recommendation retold for parents and carers: no codes, no jargon, no money figures.

The funding band is named as the council publishes it ("C4", "Band 3 – Targeted plus"), since
that is the name families meet in their letters; above the scheme's range, the family is told
that a panel will agree the funding for their child individually."""

from __future__ import annotations

from assessments.rules.codes import TIER_RANK
from assessments.rules.recommendation import Recommendation
from assessments.rules.ruleset import RuleSet
from assessments.rules.text import hours, join_list, join_names, lower_first

NEEDS_BY_LEVEL = {
    4: "Your child has severe and complex needs in {names}, which call for a high level of "
    "specialist help.",
    3: "Your child has significant needs in {names}, which call for specialist advice and support.",
    2: "Your child needs some extra, planned help with {names}.",
    1: "The help every school gives can meet your child's needs in {names}.",
}

SUPPORT_BY_TIER = {
    "universal": "The help that every school gives all children should be enough for now.",
    "sen_support": (
        "Your child needs extra help planned and given by their school or setting, "
        "and reviewed with you regularly."
    ),
    "targeted_plus": (
        "Your child needs extra help planned with specialist advice, and the council "
        "gives their school or setting extra money to pay for it."
    ),
    "specialist": "Your child needs a high level of specialist help throughout the day.",
}


def explain_for_parents(recommendation: Recommendation, ruleset: RuleSet) -> list[str]:
    """Plain-English paragraphs for a parent or carer, in the order they are best read."""
    names = {domain.code: lower_first(domain.name) for domain in ruleset.domains}
    paragraphs = [_needs(recommendation, names, len(recommendation.assessed_domains))]
    if any(recommendation.levels.values()):
        paragraphs.append(_where(recommendation, ruleset.matching.mainstream_types))
    paragraphs.append(SUPPORT_BY_TIER[recommendation.tier])
    band = _band(recommendation)
    if band:
        paragraphs.append(band)
    if recommendation.provision:
        paragraphs.append("The help we suggest for your child:")
        paragraphs.extend(
            f"For {names[item.domain]}: {lower_first(item.description)}, "
            f"about {hours(item.hours_per_week)}."
            for item in recommendation.provision
        )
    if recommendation.family_support:
        paragraphs.append(
            "You told us some things are hard to manage at home at the moment, "
            "so we also suggest this support for your family:"
        )
        paragraphs.extend(
            f"{item.description}, about {hours(item.hours_per_week)}."
            for item in recommendation.family_support
        )
    paragraphs.append(_outcome(recommendation, names))
    paragraphs.append(
        "This is a starting point for a conversation with you. Please tell us if you think "
        "something is missing or not right."
    )
    return paragraphs


def _band(recommendation: Recommendation) -> str | None:
    if recommendation.above_range:
        return (
            "Your child's needs are higher than the council's funding scheme sets amounts for, "
            "so the extra funding for your child will be agreed for them individually by a "
            "panel."
        )
    band = recommendation.band
    if band is None:
        return None
    if not band.funded:
        return (
            f"Under the council's funding scheme your child's needs are in {band.label}: the "
            "help comes from what the school or setting already has, without extra funding "
            "from the council."
        )
    return (
        f"Under the council's funding scheme your child's needs are in {band.label}, which "
        "gives the school or setting extra funding for the help they need."
    )


def _needs(recommendation: Recommendation, names: dict[str, str], domain_count: int) -> str:
    opening = (
        f"We looked at your child's needs in {domain_count} areas of their development, "
        "learning and daily life."
    )
    if not any(recommendation.levels.values()):
        return f"{opening} We did not find needs that call for help beyond what every school gives."
    findings = [opening]
    for level, wording in sorted(NEEDS_BY_LEVEL.items(), reverse=True):
        at_level = [
            names[code] for code, actual in recommendation.levels.items() if actual == level
        ]
        if at_level:
            findings.append(wording.format(names=join_list(at_level)))
    return " ".join(findings)


def _where(recommendation: Recommendation, mainstream_types: tuple[str, ...]) -> str:
    setting = recommendation.mainstream_setting
    if setting is not None:
        extra = " with extra help" if setting.with_top_up else ""
        if recommendation.mainstream_route == "current":
            return f"We think {setting.name} can meet your child's needs{extra}."
        return (
            f"We think a local mainstream school or college can meet your child's needs{extra}, "
            f"for example {setting.name}."
        )
    others = [
        matched.name
        for matched in recommendation.matched_settings
        if matched.setting_type not in mainstream_types
    ][:3]
    suggestion = f" Places that could meet them include {join_list(others)}." if others else ""
    return (
        "We think your child's needs are more than local mainstream schools and colleges can "
        "meet at the moment, so a place at a specialist school or setting should be considered."
        f"{suggestion}"
    )


def _outcome(recommendation: Recommendation, names: dict[str, str]) -> str:
    held = TIER_RANK[recommendation.held_tier]
    requested = recommendation.requested_tier
    target = held if requested is None else max(held, TIER_RANK[requested])
    match recommendation.classification:
        case "could_be_prevented":
            return (
                "We think your child's needs can be met without an education, health and care "
                "plan, through the help described here and regular reviews with you."
            )
        case "could_be_reduced" if TIER_RANK[recommendation.tier] < target:
            return (
                "We think your child's needs can be met in a mainstream school or college with "
                "extra help, rather than at a specialist school."
            )
        case "could_be_reduced":
            return (
                "We think the help described here meets your child's needs with less extra "
                "money than is in place or asked for."
            )
        case "could_be_delayed":
            rising = [names[code] for code in recommendation.rising_domains]
            grown = (
                f" Some needs have grown since we last looked, in {join_names(rising)}, "
                "so we will keep a close eye on them."
                if rising
                else ""
            )
            return (
                "We think your child's needs can be met for now with the help described here. "
                f"We will look at them again sooner than usual to check how things are going.{grown}"
            )
        case "under_supported":
            return (
                "We think your child needs more help than they have now, and we will look at how "
                "to put it in place."
            )
        case _:
            return "We think the help in place, or asked for, is right for your child's needs."

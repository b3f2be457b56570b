"""The shape of a view given on a case (``Contribution.answers``), and every view side by side.

One structure for every route a view comes by (entered by staff on someone's behalf now; the
secure-link journeys later), so the evidence pack compares them domain by domain:

    {
      "domains": {"speech_language": {"level": 3, "why": "…"}, …},   # their view of each need
      "what_works": "…", "aspirations": "…", "preferred_setting": "…",  # parents, children
      "can_provide": "…",                                               # settings
      "advice": "…",                                                    # professionals
    }

A domain a contributor left out is absent; ``level`` is 0–4 on the framework's scale.
"""

from dataclasses import dataclass, field

from .codes import ContributorRole

# The free-text questions each contributor is asked, in order: (key, label, hint).
QUESTIONS = {
    ContributorRole.PARENT: [
        ("what_works", "What works well for them?", "At home, at school or elsewhere."),
        ("aspirations", "What are your hopes for them?", "Now and for the future."),
        ("preferred_setting", "Is there a school or setting you would prefer? (optional)", ""),
    ],
    ContributorRole.CHILD: [
        ("what_works", "What helps you?", ""),
        ("aspirations", "What would you like to do in the future?", ""),
    ],
    ContributorRole.SETTING: [
        ("can_provide", "What can the setting provide?", "What you already do and could do."),
    ],
    ContributorRole.PROFESSIONAL: [
        ("advice", "Your advice", "The needs you found, the provision they call for, outcomes."),
    ],
}

# Disagreement worth a panel's attention: views of the same need this many levels apart.
DISAGREEMENT_LEVELS = 2


@dataclass(frozen=True)
class View:
    label: str  # "Parent or carer", "Educational psychology"
    level: int | None
    why: str = ""


@dataclass(frozen=True)
class DomainComparison:
    code: str
    name: str
    caseworker: int | None
    views: list[View] = field(default_factory=list)

    @property
    def levels(self) -> list[int]:
        given = [v.level for v in self.views if v.level is not None]
        return ([self.caseworker] if self.caseworker is not None else []) + given

    @property
    def disagree(self) -> bool:
        levels = self.levels
        return len(levels) > 1 and max(levels) - min(levels) >= DISAGREEMENT_LEVELS

    @property
    def differs(self) -> bool:
        levels = self.levels
        return len(set(levels)) > 1


def contributor_label(contribution) -> str:
    if contribution.role == ContributorRole.PROFESSIONAL and contribution.service:
        return contribution.get_service_display()
    return contribution.get_role_display()


def side_by_side(definition, ratings, contributions) -> list[DomainComparison]:
    """Each domain of the framework with the caseworker's rating and every view given, in the
    order the views came in. ``ratings``: the latest profile's ``DomainRating`` rows (may be
    empty); ``contributions``: the case's."""
    caseworker = {r.domain: r.level for r in ratings}
    rows = []
    for domain in definition.domains:
        views = []
        for contribution in contributions:
            answer = (contribution.answers or {}).get("domains", {}).get(domain.code)
            if answer is not None:
                views.append(
                    View(
                        contributor_label(contribution), answer.get("level"), answer.get("why", "")
                    )
                )
        if domain.code in caseworker or views:
            rows.append(
                DomainComparison(domain.code, domain.name, caseworker.get(domain.code), views)
            )
    return rows

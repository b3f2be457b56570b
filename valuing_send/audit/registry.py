"""Which models hold case data (or decide who sees it), how each reaches its child and its
authority, and what to call it in the log. Every write to a tracked model is recorded: saves and
deletes by signal (``receivers.py``), queryset updates and bulk creates by ``AuditedQuerySet``,
which a tracked model's manager must use (a test checks).

A new app adds its models with ``track("panels.PanelCase", child="child_id", noun="panel
case")`` in its AppConfig.ready, or in ``track_defaults`` below."""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Tracked:
    label: str  # "assessments.child"
    child: str | None  # lookup from the model to the child's id ("pk", "assessment__child_id")
    authority: str | None  # lookup to the authority's id
    noun: str

    def lookups(self) -> list[str]:
        return [self.child or "pk", self.authority or "pk"]

    def child_of(self, instance) -> int | None:
        return _follow(instance, self.child) if self.child else None

    def authority_of(self, instance) -> int | None:
        return _follow(instance, self.authority) if self.authority else None


def _follow(instance, lookup: str):
    value = instance
    for part in lookup.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


_tracked: dict[type, Tracked] = {}


def track(
    model_label: str, *, child: str | None, authority: str | None = "authority_id", noun: str
):
    from .receivers import connect_model

    model = apps.get_model(model_label)
    _tracked[model] = Tracked(model._meta.label_lower, child, authority, noun)
    connect_model(model)


def spec_for(model) -> Tracked | None:
    return _tracked.get(getattr(model, "_meta", None) and model._meta.concrete_model)


def tracked_models() -> list[type]:
    return list(_tracked)


def track_defaults() -> None:
    track("assessments.Child", child="pk", noun="the child's record")
    track("assessments.Assessment", child="child_id", noun="a needs profile")
    track(
        "assessments.DomainRating",
        child="assessment__child_id",
        authority="assessment__authority_id",
        noun="a needs profile rating",
    )
    track("assessments.Recommendation", child="assessment__child_id", noun="a recommendation")
    track(
        "assessments.Override",
        child="recommendation__assessment__child_id",
        noun="a decision beside a recommendation",
    )
    track("assessments.RuleSetVersion", child=None, noun="a rule set version")
    track("authorities.Membership", child=None, noun="a person's access")
    track("authorities.Setting", child=None, noun="a setting in the register")
    track(
        "authorities.SettingCapability",
        child=None,
        authority="setting__authority_id",
        noun="what a setting can meet",
    )

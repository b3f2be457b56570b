"""Populate an authority (or every English authority) with generated data, phase by phase.

Phases, each timed: ``plan`` (in memory, no database), ``ids`` (reserve id blocks),
``rows`` (the plan as table rows), ``write:<table>`` (COPY / executemany), ``references``
(only with ``bulk_references``: foreign keys checked once per table), ``commit`` (PostgreSQL
checks the deferred foreign keys row by row here otherwise). One transaction per authority:
an authority is either fully generated or not at all, so ``--national`` can be resumed.

Rows worked out from what was just written (the stored recommendations, from the profiles)
come from ``AFTER_WRITE`` steps, between the writes and the reference checks, and are written
the same way (``write:<table>``).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from assessments.queries import forget_children_count_of
from assessments.services import current_framework
from valuing_send import audit
from valuing_send.authorities import choices
from valuing_send.authorities.models import Authority, Role

from .calibration import (
    PublishedAuthority,
    Targets,
    find_published_authority,
    published_authorities,
    scale_targets,
)
from .generator import AuthorityContext, IdBases, build_rows, plan_authority
from .rows import Table
from .writers import writer_for


def recommendations(authority, plan, dataset) -> dict[str, Table]:
    """Every generated profile's recommendation under the active rule set, worked out in one
    batch (``recommendation_rows``, as ``recommendations_store_bulk`` stores them for imported
    caseloads) and dated when its profile was completed. Written with COPY like the other
    tables (``bulk_create`` took about 240 s of a national run). The detail is not stored:
    pages work it out when shown, and a generated caseload of 70,000 children should not
    queue 70,000 trace evaluations."""
    from assessments.recommendations import recommendation_rows

    assessments = dataset.tables["assessments"]
    pk, completed = assessments.columns.index("id"), assessments.columns.index("completed_at")
    completed_at = {row[pk]: row[completed] for row in assessments.rows}
    table = Table("assessments.Recommendation")
    for values in recommendation_rows(authority):
        table.add(created_at=completed_at[values["assessment_id"]], **values)
    return {"recommendations": table}


# Steps run after the rows are written, inside the authority's transaction:
# ``step(authority, plan, dataset) -> {key: rows.Table}``, timed under the step's ``__name__``;
# the tables it returns are written next (timed as ``write:<key>``).
AFTER_WRITE: list[Callable] = [recommendations]


class AlreadyPopulated(Exception):
    """The authority already has children: generating again would duplicate them."""


@dataclass
class Result:
    authority: Authority
    counts: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.timings.values())


def fictional_la_code() -> str:
    """A 3-digit code no real English authority and no authority here uses (999 down)."""
    real = {row.la_code for row in published_authorities()}
    taken = set(Authority.objects.values_list("la_code", flat=True))
    for code in range(998, 99, -1):
        if str(code) not in real and str(code) not in taken:
            return str(code)
    raise RuntimeError("no free 3-digit authority code is left")


def ensure_authority(name: str) -> tuple[Authority, PublishedAuthority | None, bool]:
    """The authority called ``name`` (or with that DfE/ONS code), created if missing: a real
    English authority with its published codes and region, or a fictional one."""
    published = find_published_authority(name)
    if published is not None:
        found = Authority.objects.filter(la_code=published.la_code).first()
        if found is not None:
            return found, published, False
        authority = Authority(
            name=published.name,
            la_code=published.la_code,
            ons_code=published.ons_code,
            region=published.region,
        )
    else:
        found = Authority.objects.filter(name__iexact=name.strip()).first()
        if found is not None:
            return found, None, False
        code = fictional_la_code()
        authority = Authority(name=name.strip(), la_code=code, ons_code=f"E99{int(code):06d}")
    authority.full_clean()
    authority.save()
    return authority, published, True


def context_for(authority: Authority, framework) -> AuthorityContext:
    existing = tuple(
        authority.memberships.active()
        .filter(role=Role.CASEWORKER)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    return AuthorityContext(
        authority_id=authority.pk,
        la_code=authority.la_code,
        name=authority.name,
        region=authority.region,
        framework_id=framework.pk,
        definition=framework.definition,
        framework_from=framework.effective_from,
        existing_caseworkers=existing,
    )


def populate_authority(
    authority: Authority,
    targets: Targets,
    *,
    seed: int,
    as_of: datetime.date | None = None,
    published: PublishedAuthority | None = None,
    own_mix: bool = False,
    bulk_references: bool = False,
) -> Result:
    """Generate and write one authority's data. ``published``: the real authority it is (its
    pupils size the settings register); ``own_mix``: use its own published need and placement
    mix rather than England's; ``bulk_references``: on PostgreSQL as a superuser, check
    foreign keys once per table rather than once per row (``writers.trust_references``)."""
    as_of = as_of or timezone.localdate()
    if as_of > timezone.localdate():
        raise ValueError("the reference date cannot be in the future")
    if authority.children.exists():
        raise AlreadyPopulated(
            f"{authority.name} already has {authority.children.count():,} children"
        )
    timings: dict[str, float] = {}

    def timed(phase, function, *args, **kwargs):
        started = time.perf_counter()
        value = function(*args, **kwargs)
        timings[phase] = timings.get(phase, 0.0) + time.perf_counter() - started
        return value

    framework = current_framework()
    context = context_for(authority, framework)
    plan = timed(
        "plan",
        plan_authority,
        context,
        targets,
        as_of=as_of,
        seed=seed,
        published_mix=published if own_mix else None,
        published_size=published,
    )
    # Synthetic data is nobody's action on a record: one audit event says what was generated.
    with audit.suppressed("synthetic data"), transaction.atomic():
        writer = writer_for(connection)
        if bulk_references:
            writer.trust_references()

        def reserve():
            return IdBases(
                setting=writer.reserve_ids("authorities.Setting", len(plan.settings)),
                user=writer.reserve_ids("authorities.User", len(plan.new_caseworkers)),
                child=writer.reserve_ids("assessments.Child", plan.child_count),
                assessment=writer.reserve_ids("assessments.Assessment", plan.assessment_count),
            )

        ids = timed("ids", reserve)
        dataset = timed("rows", build_rows, plan, ids)
        for key, table in dataset.tables.items():
            writer.write(key, table)
        for step in AFTER_WRITE:
            for key, table in timed(step.__name__, step, authority, plan, dataset).items():
                writer.write(key, table)
                dataset.tables[key] = table  # counted with the others
        timings.update({f"write:{key}": seconds for key, seconds in writer.timings.items()})
        timed("references", writer.verify_references)
        commit_started = time.perf_counter()
    timings["commit"] = time.perf_counter() - commit_started
    # Rows written with COPY send no signal: forget what the pages keep of this authority.
    choices.forget(authority.pk)
    forget_children_count_of(authority.pk)
    counts = dataset.counts()
    audit.record(
        "create",
        object_type="assessments.child",
        authority_id=authority.pk,
        description=f"Generated synthetic data: {counts.get('children', 0):,} children"[:200],
    )
    return Result(authority=authority, counts=counts, timings=timings)


def populate_named(
    name: str, scale: str, *, seed: int, as_of=None, bulk_references: bool = False
) -> tuple[Result, bool]:
    """``generate_demo --authority NAME --scale SCALE``. Returns the result and whether the
    authority was created."""
    if scale == "published" and find_published_authority(name) is None:
        raise ValueError(f"{name!r} is not an English local authority: choose another scale")
    authority, published, created = ensure_authority(name)
    targets = scale_targets(scale, published)
    sized_like = published if scale in ("published", "kent") else None
    if scale == "kent":
        sized_like = find_published_authority("886")
    result = populate_authority(
        authority,
        targets,
        seed=seed,
        as_of=as_of,
        published=sized_like,
        own_mix=scale in ("published", "kent"),
        bulk_references=bulk_references,
    )
    return result, created


def populate_national(
    *, seed: int, as_of=None, only=None, report=None, bulk_references: bool = True
) -> list[Result]:
    """Every English authority, each sized from its own published January 2025 figures and
    with its own need and placement mix. Authorities that already have children are skipped,
    so an interrupted run can be resumed."""
    results = []
    for row in published_authorities():
        if only and row.la_code not in only:
            continue
        authority, _, _ = ensure_authority(row.la_code)
        if authority.children.exists():
            if report:
                report(row, None)
            continue
        result = populate_authority(
            authority,
            Targets(row.ehc_plans, row.sen_support_target),
            seed=seed,
            as_of=as_of,
            published=row,
            own_mix=True,
            bulk_references=bulk_references,
        )
        results.append(result)
        if report:
            report(row, result)
    return results

"""What the database benchmarks share: Django set-up, the bench authority and caseworker, a child
with a long history made through the app's services, and the facts every report records (the
machine, the dataset, the date).

The database is the one `scripts/bench.sh` builds: `load_seeds`, then
`generate_demo --authority Kent --scale kent --seed 1`. Everything added here is seeded and
idempotent, so running a bench twice against the same database measures the same thing.
"""

from __future__ import annotations

import os
import platform
import random
from datetime import date
from pathlib import Path

AUTHORITY = os.environ.get("BENCH_AUTHORITY", "Kent")
CASEWORKER_EMAIL = "bench.caseworker@valuing-send.test"
CASEWORKER_PASSWORD = "bench-password-2026-not-secret"
HISTORY_LENGTH = 10
HISTORY_SEED = 14


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuing_send.settings")
    import django

    django.setup()


def bench_authority():
    from valuing_send.authorities.models import Authority

    authority = Authority.objects.filter(name=AUTHORITY).first()
    if authority is None or not authority.children.exists():
        raise SystemExit(
            f"No children in {AUTHORITY!r}: run manage.py generate_demo --authority {AUTHORITY} "
            "--scale kent --seed 1 first (scripts/bench.sh does)"
        )
    return authority


def bench_caseworker(authority):
    """A caseworker of the authority with a known password (the generated ones cannot sign in)."""
    from valuing_send.authorities.models import Membership, Role, User

    user = User.objects.filter(email=CASEWORKER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=CASEWORKER_EMAIL, password=CASEWORKER_PASSWORD, full_name="Bench Caseworker"
        )
    Membership.objects.get_or_create(
        user=user, authority=authority, defaults={"role": Role.CASEWORKER}
    )
    bench_authenticator(user)
    return user


def bench_authenticator(user):
    """The bench caseworker's authenticator app (a TOTP device): staff sign in with a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)


def bench_code(user) -> str:
    """The code the bench caseworker's authenticator shows now (each is accepted once)."""
    from django_otp.oath import totp

    device = bench_authenticator(user)
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def second_factor_done(client, user) -> None:
    """Mark a test client's session as past the second factor (django-otp), as the sign-in
    pages leave it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = bench_authenticator(user).persistent_id
    session.save()


def _history_plan(codes, count: int) -> list[dict]:
    """Seeded answers for each assessment: a few domains of real need, drifting a step at a time
    between reviews, and every third review asking for more funding."""
    rng = random.Random(HISTORY_SEED)
    levels = {code: rng.choices(range(5), weights=[40, 25, 20, 10, 5])[0] for code in codes}
    plan = []
    for number in range(count):
        if number:
            levels = {
                code: min(4, max(0, level + rng.choice((-1, 0, 0, 1))))
                for code, level in levels.items()
            }
        plan.append(
            {
                "request": "increased_funding" if number % 3 == 2 else "none",
                "ratings": {
                    code: {
                        "level": level,
                        "evidence": f"Review {number + 1}: seen in class; specialist report"
                        if level >= 2
                        else "",
                        "source": "school" if level >= 2 else "",
                        "setting_ability": rng.choice((1, 2, 3)) if level >= 1 else None,
                        "family_capacity": rng.choice((1, 2, 3)) if level >= 1 else None,
                    }
                    for code, level in levels.items()
                },
            }
        )
    return plan


def child_with_history(authority, user, count: int = HISTORY_LENGTH):
    """A school-age child of the authority with ``count`` needs assessments: one generated, the
    rest started, answered and completed through ``assessments.services`` (so every stored
    vector, status change and recommendation is what the app itself makes). Returns the child
    and its latest assessment. Reuses (and if need be finishes) the child an earlier run made
    against the same database."""
    from django.db.models import Count
    from django.utils import timezone

    from assessments import services
    from assessments.models import AssessmentStatus

    child = authority.children.filter(assessments__created_by=user).distinct().first()
    if child is None:
        # The first school-age child (by id) with a setting and one complete generated
        # assessment: the services add the other nine on top of it.
        child = (
            authority.children.aged_between(8, 9, on=timezone.localdate())
            .filter(current_setting__isnull=False)
            .annotate(assessment_count=Count("assessments"))
            .filter(assessment_count=1)
            .filter(assessments__status=AssessmentStatus.COMPLETE)
            .order_by("pk")
            .first()
        )
        if child is None:
            raise SystemExit(
                f"No school-age child with one complete assessment in {authority.name}"
            )
    plan = _history_plan(services.current_framework().definition.domain_codes, count)
    made = child.assessments.exclude(status=AssessmentStatus.DRAFT).count()
    for answers in plan[made:]:
        assessment, _ = services.assessment_start(child, by=user)
        services.assessment_set_request(
            assessment, answers["request"], seen=assessment.request, by=user
        )
        submitted = {
            rating.domain: (answers["ratings"][rating.domain], rating.version)
            for rating in assessment.ratings.all()
        }
        services.assessment_save_ratings(assessment, submitted, by=user, resume_at="check")
        services.assessment_complete(assessment, expected_version=assessment.version, by=user)
    latest = child.assessments.get(status=AssessmentStatus.COMPLETE)
    return child, latest


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text(encoding="utf-8").splitlines()[0].split()
        memory_gb = round(int(first[1]) / 1024 / 1024, 1)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_1_5_15_min": [round(load, 2) for load in os.getloadavg()],
    }


def database() -> dict:
    from django.db import connection

    info = {"vendor": connection.vendor}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["server_version"] = cursor.fetchone()[0]
    return info


def dataset(authority) -> dict:
    from assessments.models import AssessmentStatus, DomainRating

    assessments = authority.assessments
    return {
        "authority": authority.name,
        "children": authority.children.count(),
        "assessments": assessments.count(),
        "complete_assessments": assessments.filter(status=AssessmentStatus.COMPLETE).count(),
        "ratings": DomainRating.objects.filter(assessment__authority=authority).count(),
        "settings": authority.settings_register.count(),
        "caseworkers": authority.memberships.filter(role="caseworker").count(),
        "generated_with": f"generate_demo --authority {AUTHORITY} --scale kent --seed 1",
    }


def context(authority) -> dict:
    """The facts every report carries beside its figures."""
    return {
        "date": date.today().isoformat(),
        "machine": machine(),
        "database": database(),
        "dataset": dataset(authority),
    }


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation), e.g. 0.95 for p95."""
    from bench._report import percentile as nearest_rank

    return nearest_rank(values, fraction)

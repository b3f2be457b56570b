import datetime

import factory

from assessments.models import Child
from assessments.rules.codes import NEEDS_DOMAIN_CODES
from valuing_send.authorities.models import (
    Authority,
    Membership,
    Role,
    Setting,
    SettingCapability,
    User,
)


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("la_code",)

    name = factory.Sequence(lambda n: f"Authority {n} Council")
    la_code = factory.Sequence(lambda n: f"{100 + n % 800:03d}")
    ons_code = factory.Sequence(lambda n: f"E10{n:06d}")
    region = "South East"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@council.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    authority = factory.SubFactory(AuthorityFactory)
    role = Role.CASEWORKER


class SettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Setting
        skip_postgeneration_save = True

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Setting {n} Primary School")
    urn = factory.Sequence(lambda n: f"{100000 + n}")
    phase = "primary"
    setting_type = "mainstream"
    capacity = 420

    @factory.post_generation
    def capabilities(self, create, levels, **kwargs):
        """``SettingFactory(capabilities={"hearing": 3})``; other domains get ``default_level``."""
        default = kwargs.get("default_level", 2)
        levels = {**dict.fromkeys(NEEDS_DOMAIN_CODES, default), **(levels or {})}
        if create:
            SettingCapability.objects.bulk_create(
                SettingCapability(setting=self, domain=code, level=level)
                for code, level in levels.items()
            )


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    authority = factory.SubFactory(AuthorityFactory)
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = factory.Sequence(lambda n: f"Surname{n}")
    date_of_birth = factory.LazyFunction(
        lambda: datetime.date.today().replace(year=datetime.date.today().year - 9, day=1)
    )
    sen_status = "K"
    primary_need = "SLCN"
    gender = "F"
    ethnicity = "WBRI"


def complete_assessment(child, by, levels=None, *, default=1, request="none", ability=2, family=3):
    """A completed needs assessment for ``child`` through the real services (so the stored
    vectors and recommendation are exactly what the app makes). ``levels`` overrides some
    domains; the others get ``default``."""
    from assessments import services
    from assessments.models import DomainRating

    assessment, _ = services.assessment_start(child, by=by)
    assessment.request = request
    assessment.save(update_fields=["request"])
    for rating in assessment.ratings.all():
        level = (levels or {}).get(rating.domain, default)
        DomainRating.objects.filter(pk=rating.pk).update(
            level=level,
            evidence="Seen in class; specialist report" if level >= 2 else "",
            source="school" if level >= 2 else "",
            setting_ability=ability if level >= 1 else None,
            family_capacity=family if level >= 1 else None,
        )
    assessment.refresh_from_db()
    return services.assessment_complete(assessment, expected_version=assessment.version, by=by)


def authenticator(user, *, confirmed=True):
    """The person's authenticator app (a TOTP device), made on first use. Codes for it:
    ``current_code(device)``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)
    return device


def current_code(device, *, steps_ahead=0) -> str:
    """The 6-digit code the device's app shows now (or ``steps_ahead`` 30-second steps later),
    worked out from the device's key as any authenticator app does (RFC 6238)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"

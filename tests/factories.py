import factory

from valuing_send.authorities.models import Authority, Membership, Role, User


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

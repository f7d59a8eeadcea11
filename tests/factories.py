"""factory-boy factories with named users per role (the healthchecks style: alice, bob...)."""

import factory
from factory.django import DjangoModelFactory

from asystent.models import User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="pl_PL")
    last_name = factory.Faker("last_name", locale="pl_PL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)

    class Params:
        social_worker = factory.Trait(is_social_worker=True)
        assistant = factory.Trait(is_assistant=True, employment_form="employment")
        manager = factory.Trait(is_manager=True)
        administrator = factory.Trait(is_administrator=True)

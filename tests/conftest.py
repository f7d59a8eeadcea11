"""Shared fixtures: one named user per role, and the services guard (fail in CI, skip outside)."""

import os

import pytest

from .factories import UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    """In CI a missing service is a failure; on a developer's machine the test skips, saying why."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not reachable")
    pytest.skip(f"{what} is not reachable here (set it up, or run in CI)")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="adam", administrator=True)


@pytest.fixture
def manager(db):
    return UserFactory(username="kasia", manager=True)


@pytest.fixture
def social_worker(db):
    return UserFactory(username="paulina", social_worker=True)


@pytest.fixture
def other_social_worker(db):
    return UserFactory(username="piotr", social_worker=True)


@pytest.fixture
def assistant(db):
    return UserFactory(username="anna", assistant=True)


@pytest.fixture
def other_assistant(db):
    return UserFactory(username="andrzej", assistant=True)


@pytest.fixture
def role_users(admin_user, manager, social_worker, assistant):
    return {
        "administrator": admin_user,
        "manager": manager,
        "social_worker": social_worker,
        "assistant": assistant,
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"

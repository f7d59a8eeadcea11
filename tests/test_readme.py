"""The README documents the two commands, the demo logins and every setting."""

import re

from asystent.demo import DEMO_PASSWORD, DEMO_USERS

from .settings_env import BASE_DIR, settings_env_vars

README = (BASE_DIR / "README.md").read_text(encoding="utf-8")


def configuration_table_variables() -> set[str]:
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, re.MULTILINE))


def test_every_environment_variable_is_documented():
    missing = settings_env_vars() - configuration_table_variables()
    assert not missing, f"add {sorted(missing)} to the README's configuration table"


def test_the_table_documents_no_variable_that_settings_ignore():
    stale = configuration_table_variables() - settings_env_vars()
    assert not stale, f"settings.py no longer reads {sorted(stale)}"


def test_the_two_commands_and_the_demo_logins():
    assert "make run" in README
    assert "make test" in README
    for username in DEMO_USERS:
        assert f"`{username}`" in README, username
    assert f"`{DEMO_PASSWORD}`" in README

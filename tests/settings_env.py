"""Helpers for tests about configuration: which environment variables settings.py reads."""

import os
import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_FILE = BASE_DIR / "asystent" / "settings.py"

# env("X"), env.bool("X"), env.db_url("X", ...) and the like.
_ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_env_vars() -> set[str]:
    """Names of every environment variable asystent/settings.py reads."""
    names = set(_ENV_READ.findall(SETTINGS_FILE.read_text(encoding="utf-8")))
    assert names, "found no env reads in settings.py: has the way it reads them changed?"
    return names


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any setting, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if k not in settings_env_vars()}
    env["DJANGO_SETTINGS_MODULE"] = "asystent.settings"
    env.update(overrides)
    return env


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter in the project folder with exactly these settings."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )

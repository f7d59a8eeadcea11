"""docker-compose.yml and the Dockerfile: no Docker engine runs here, so check what they refer to.

Each service's command must name modules, attributes and management commands that exist, and
the application services may set only environment variables that settings.py reads.
"""

import importlib
import re
import shlex

import pytest
import yaml
from celery import Celery
from django.core.management import get_commands

from .settings_env import BASE_DIR, settings_env_vars

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
# Read by Django or Celery themselves rather than by settings.py.
ENV_READ_ELSEWHERE = {"DJANGO_SETTINGS_MODULE"}


def command_lines(service: str) -> list[list[str]]:
    """The service's command as argument lists, one per `&&`-joined step, `sh -c` unwrapped."""
    command = SERVICES[service]["command"]
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        argv = shlex.split(argv[2])
    steps: list[list[str]] = []
    current: list[str] = []
    for arg in argv:
        if arg == "&&":
            steps.append(current)
            current = []
        else:
            current.append(arg)
    steps.append(current)
    return [step[1:] if step[0] == "exec" else step for step in steps]


def option(argv: list[str], *names: str) -> str:
    for i, arg in enumerate(argv):
        if arg in names:
            return argv[i + 1]
        for name in names:
            if name.startswith("--") and arg.startswith(f"{name}="):
                return arg.split("=", 1)[1]
    raise AssertionError(f"none of {names} in {argv}")


def import_object(reference: str):
    """'pkg.module:attr' or 'pkg.module' (gunicorn / celery style) imported for real."""
    module_name, _, attribute = reference.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def celery_app_of(argv: list[str]) -> Celery:
    # `celery -A asystent` finds the package's `celery` submodule and its `app`.
    package = import_object(option(argv, "-A", "--app"))
    app = getattr(package, "celery", package)
    app = getattr(app, "app", app)
    assert isinstance(app, Celery)
    return app


def test_the_production_services_exist():
    assert {"db", "redis", "web", "worker", "beat"} <= set(SERVICES)
    assert SERVICES["db"]["image"].split(":")[1].startswith("16")
    assert SERVICES["redis"]["image"].split(":")[1].startswith("7")


def test_web_migrates_collects_static_files_and_runs_gunicorn():
    steps = command_lines("web")
    assert [step[:3] for step in steps[:2]] == [
        ["python", "manage.py", "migrate"],
        ["python", "manage.py", "collectstatic"],
    ]
    assert all("--no-input" in step for step in steps[:2])
    assert (BASE_DIR / "manage.py").exists()
    assert {"migrate", "collectstatic"} <= set(get_commands())

    gunicorn = steps[-1]
    assert gunicorn[0] == "gunicorn"
    wsgi = import_object(gunicorn[1])
    application = getattr(wsgi, "application", wsgi)
    assert callable(application)
    assert option(gunicorn, "-b", "--bind").endswith(":8000")
    assert SERVICES["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_no_service_publishes_a_port_on_every_interface():
    # Plain HTTP stays on this host: the reverse proxy that terminates HTTPS connects locally.
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            spec = port if isinstance(port, str) else f"{port.get('host_ip', '')}:{port.get('published')}"
            assert spec.startswith(("127.0.0.1:", "[::1]:")), f"{name} publishes {port} on every interface"


def test_forwarded_headers_are_believed_only_from_private_networks():
    import ipaddress

    value = SERVICES["web"]["environment"]["TRUSTED_PROXIES"]
    default = re.fullmatch(r"\$\{TRUSTED_PROXIES:-([^}]*)\}", value).group(1)
    networks = [ipaddress.ip_network(entry) for entry in default.split(",")]
    assert networks and all(network.is_private for network in networks)


def test_worker_runs_the_celery_worker_of_the_project():
    (argv,) = command_lines("worker")
    assert argv[:1] == ["celery"] and "worker" in argv
    app = celery_app_of(argv)
    assert app.main == "asystent"
    app.loader.import_default_modules()  # what the worker does at start: autodiscover tasks
    assert "asystent.tasks.clear_expired_sessions" in app.tasks


def test_beat_keeps_its_schedule_in_the_database():
    (argv,) = command_lines("beat")
    assert argv[:1] == ["celery"] and "beat" in argv
    celery_app_of(argv)
    scheduler = option(argv, "--scheduler", "-S")
    assert scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert import_object(scheduler).__name__ == "DatabaseScheduler"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_set_only_variables_that_settings_read(service):
    environment = SERVICES[service]["environment"]
    names = (
        set(environment) if isinstance(environment, dict) else {item.split("=", 1)[0] for item in environment}
    )
    unknown = names - settings_env_vars() - ENV_READ_ELSEWHERE
    assert not unknown, f"{service} sets {unknown}, which settings.py never reads"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_run_in_production_mode_on_the_stack(service):
    environment = SERVICES[service]["environment"]
    assert str(environment["DEBUG"]).lower() == "false"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    # No secret baked into the file: compose refuses to start until the operator gives one.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", environment["SECRET_KEY"])
    assert environment["ALLOWED_HOSTS"].startswith("${ALLOWED_HOSTS:?")
    assert set(SERVICES[service]["depends_on"]) >= {"db", "redis"}


def test_uploaded_files_survive_restarts():
    media_root = SERVICES["web"]["environment"]["MEDIA_ROOT"]
    for service in ("web", "worker"):
        volumes = SERVICES[service]["volumes"]
        assert f"media:{media_root}" in volumes
    assert "media" in COMPOSE["volumes"]
    assert "pgdata" in COMPOSE["volumes"]


def test_the_stack_has_health_checks():
    for service in ("db", "redis", "web", "worker"):
        assert "healthcheck" in SERVICES[service], service
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_the_dockerfile_builds_a_weasyprint_ready_image():
    assert re.search(r"^FROM python:3\.11", DOCKERFILE, re.MULTILINE)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "gettext"):
        assert package in DOCKERFILE, package
    # Fonts with Polish glyphs for PDFs.
    assert re.search(r"fonts-(dejavu|liberation|noto)", DOCKERFILE)
    assert "requirements.lock" in DOCKERFILE
    assert "compilemessages" in DOCKERFILE
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}

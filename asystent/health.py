"""The state of the services the application needs, for /healthz and for the tests."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor


def database_state() -> tuple[str, int | None]:
    """('ok', number of unapplied migrations) or ('down', None)."""
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "down", None
    return "ok", len(plan)


def broker_state() -> str:
    """'eager' with no broker configured (tasks run in-process), else 'ok' or 'down'."""
    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except (redis.RedisError, OSError):
        return "down"
    return "ok"

"""The family list of an assistant or a social worker, kept rendered while the rows behind it are
unchanged (PostgreSQL only).

The family list is the page the assistants open most. For a user who sees only their own families
it is cached as rendered HTML under a *fingerprint* of everything it shows, read from the database
in one query on every request: the number, ids and row versions of the families the user may see,
of their members (removed ones too), of their cases and of those cases' assistants.

The row version is PostgreSQL's `xmin`, the id of the transaction that wrote the row's current
version (the PostgreSQL provider of Entity Framework uses it as a concurrency token the same way).
Every insert, update or delete of one of those rows changes the fingerprint, whoever made it: a
form, `QuerySet.update()` (the retention job's erasure), raw SQL or a bulk load. So nothing has to
remember to forget the cache, and a change is seen by the next request once it is committed. A
transaction still open is invisible to the fingerprint and to the rows alike, so a page is never
stored under a fingerprint that does not match its rows.

The key also holds what the page depends on besides those rows: the user and their roles, the
language, the query string, the day, the database (a new one, as in tests, shares nothing) and
the templates' and translations' version (a deploy shares nothing with the one before).

Managers, who see the whole register, are not cached: the fingerprint would read every family.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone, translation

from asystent import caching

from .models import Case, Family, FamilyMember, visible_family_ids
from .selectors import sees_every_family

# Rendered pages live an hour at most (a user's pages, one per query string, in Redis).
TIMEOUT = 60 * 60

_SOURCES = [
    # What renders the cached part of the page (the layout around it is rendered each time).
    *(
        Path(settings.BASE_DIR) / "templates" / "cases" / name
        for name in ("_family_list_content.html", "_pagination.html")
    ),
    Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES" / "django.mo",
    Path(__file__),
    Path(__file__).with_name("selectors.py"),
    Path(__file__).with_name("filters.py"),
]


def _code_version() -> str:
    digest = hashlib.sha256()
    for source in _SOURCES:
        digest.update(source.read_bytes() if source.exists() else b"-")
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def enabled(user) -> bool:  # noqa: ANN001
    return connection.vendor == "postgresql" and not sees_every_family(user)


def _fingerprint(user) -> str | None:  # noqa: ANN001
    """None inside a transaction that has written: its own later writes would keep its rows'
    `xmin` (requests run in autocommit; a test runs in one transaction)."""
    ids = visible_family_ids(user)
    if ids is None:  # no families to see: nothing worth caching
        return None
    visible_sql, params = ids.query.sql_with_params()
    qn = connection.ops.quote_name
    family, member, case = Family._meta, FamilyMember._meta, Case._meta
    user_table = get_user_model()._meta.db_table
    assistant = qn(case.get_field("assistant").column)
    member_family = qn(member.get_field("family").column)
    case_family = qn(case.get_field("family").column)
    # Only quoted names from the models' metadata and the ORM's own SQL are interpolated.
    sql = f"""
        WITH f AS (SELECT id, xmin::text::bigint AS v FROM {qn(family.db_table)} WHERE id IN ({visible_sql}))
        SELECT CASE WHEN txid_current_if_assigned() IS NULL THEN concat_ws(':',
            (SELECT oid FROM pg_database WHERE datname = current_database()),
            (SELECT concat_ws('.', count(*), sum(id), sum(v)) FROM f),
            (SELECT concat_ws('.', count(*), sum(m.xmin::text::bigint)) FROM {qn(member.db_table)} m
                WHERE m.{member_family} IN (SELECT id FROM f)),
            (SELECT concat_ws('.', count(*), sum(c.xmin::text::bigint), sum(u.xmin::text::bigint))
                FROM {qn(case.db_table)} c LEFT JOIN {qn(user_table)} u ON u.id = c.{assistant}
                WHERE c.{case_family} IN (SELECT id FROM f))
        ) END
    """  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def key(request: HttpRequest) -> str | None:
    """The cache key of `request`'s family list (one query, the fingerprint), or None if the page
    may not be cached."""
    user = request.user
    fingerprint = _fingerprint(user)
    if fingerprint is None:
        return None
    parts = [
        CODE_VERSION,
        str(user.pk),
        ",".join(sorted(user.roles)),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.GET.urlencode(),
        fingerprint,
    ]
    return "family-list:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def get(cache_key: str) -> str | None:
    return caching.get(cache_key)


def store(cache_key: str, html: str) -> None:
    caching.set_many({cache_key: html}, TIMEOUT)

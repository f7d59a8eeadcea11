"""Counting requests per person in fixed time windows, in the shared cache.

Small enough to write here: django-ratelimit would do it as a decorator, but the PESEL check must
answer its own fragment with a message rather than a bare 403/429 that htmx does not show.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def within_limit(scope: str, who: int, *, limit: int, window_seconds: int) -> bool:
    """Count one more request of `who` in `scope`; False once more than `limit` were made in the
    current window. With the cache unreachable the request is allowed (and the failure logged):
    the access log still records it."""
    window = int(time.time()) // window_seconds
    key = f"rate:{scope}:{who}:{window}"
    try:
        cache.add(key, 0, timeout=window_seconds)
        count = cache.incr(key)
    except Exception:  # the cache is a guard here, not a dependency (Redis down: pages still work)
        logger.warning("rate limit %s: the cache is unreachable, request allowed", scope, exc_info=True)
        return True
    return count <= limit

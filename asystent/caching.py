"""The cache as a speed-up only: where it fails (Redis down), a page computes what it would have
read, and says so in the log, instead of answering 500."""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    try:
        return cache.get_many(list(keys))
    except Exception as error:  # noqa: BLE001 - whatever the backend raises, the page computes instead
        logger.warning("The cache could not be read (%s); computing instead.", type(error).__name__)
        return {}


def get(key: str) -> Any:  # noqa: ANN401 - whatever was stored
    return get_many([key]).get(key)


def set_many(values: Mapping[str, Any], timeout: int) -> None:
    if not values:
        return
    try:
        cache.set_many(dict(values), timeout)
    except Exception as error:  # noqa: BLE001 - a page is not refused for a cache it could not fill
        logger.warning("The cache could not be written (%s).", type(error).__name__)

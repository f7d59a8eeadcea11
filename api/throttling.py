"""Requests per token (per user for the session), counted in the cache."""

import logging

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from .models import AccessToken

logger = logging.getLogger(__name__)


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if isinstance(request.auth, AccessToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Request, view: object) -> bool:
        """With the cache unreachable (Redis down) the request is allowed and the failure logged:
        the throttle is a guard, not a dependency of the API."""
        try:
            return super().allow_request(request, view)  # type: ignore[arg-type]  # DRF's APIView
        except Exception:  # noqa: BLE001 - whatever the cache backend raises
            logger.warning("API throttle: the cache is unreachable, request allowed")
            return True

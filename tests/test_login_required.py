"""Every route of the URLconf is behind login, except the few listed here with the reason.

The routes are enumerated from the live URLconf, so routes added later by any app are covered
without touching this file; a route whose URL cannot be built from its pattern fails loudly.
"""

import re
import uuid
from dataclasses import dataclass

# The stdlib's regex parser, to build a matching sample (private: typeshed does not list it).
from re import _parser as sre_parse  # type: ignore[attr-defined]
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)
from django.urls.resolvers import RegexPattern, RoutePattern

# Public routes (by view name) and why they may be opened without logging in.
PUBLIC = {
    "login": "the login page itself",
    "healthz": "probed by the load balancer and monitoring, no personal data",
    "admin:login": "Django admin's own login form (the admin is open only to administrators)",
    "api:service-worker": "the phone's service worker script (api/pwa.py), no personal data",
    "api:web-manifest": "the web app manifest (api/pwa.py), no personal data",
}
# The REST API authenticates each request itself (a token or the session): without credentials it
# answers 401 (403 for a POST-only route, which refuses the method first), never a login page;
# the calendar feed is opened by a calendar application at its secret address (404 for any other).
OWN_AUTHENTICATION = {"api:calendar-feed": 404}
OWN_AUTHENTICATION_PREFIX = "/api/v1/"
# Namespaces whose views redirect to their own login page instead of ours; both are logins.
OWN_LOGIN = {"admin": "admin:login"}

SAMPLE_BY_CONVERTER = {
    IntConverter: "1",
    StringConverter: "x",
    SlugConverter: "x",
    PathConverter: "x",
    UUIDConverter: str(uuid.UUID(int=1)),
}
FALLBACK_SAMPLES = ["1", "x", str(uuid.UUID(int=1)), "2025-01-31"]
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # as ResolverMatch.route spells it
    name: str | None  # "namespace:name", or None for unnamed patterns
    url: str  # a sample URL that resolves to this route

    def __str__(self) -> str:
        return self.name or self.route


def _sample_from_regex(parsed) -> str:
    """A string matching a parsed regex: the first branch, one repetition, simple classes."""
    out = []
    for op, arg in parsed:
        kind = str(op)
        if kind == "LITERAL":
            out.append(chr(arg))
        elif kind == "NOT_LITERAL":
            out.append("y" if chr(arg) == "x" else "x")
        elif kind == "ANY":
            out.append("x")
        elif kind == "IN":
            out.append(_sample_from_class(arg))
        elif kind == "BRANCH":
            out.append(_sample_from_regex(arg[1][0]))
        elif kind == "SUBPATTERN":
            out.append(_sample_from_regex(arg[-1]))
        elif kind in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            low, _high, item = arg
            out.append(_sample_from_regex(item) * max(low, 1))
        elif kind == "AT":
            continue
        else:
            raise ValueError(f"cannot sample regex element {kind}")
    return "".join(out)


def _sample_from_class(items) -> str:
    first_kind, first_arg = items[0]
    if str(first_kind) == "NEGATE":
        return "x"
    kind = str(first_kind)
    if kind == "LITERAL":
        return chr(first_arg)
    if kind == "RANGE":
        return chr(first_arg[0])
    if kind == "CATEGORY":
        return {"CATEGORY_DIGIT": "1", "CATEGORY_SPACE": " "}.get(str(first_arg), "x")
    raise ValueError(f"cannot sample character class element {kind}")


def _sample_for_converter(converter) -> str:
    for cls, sample in SAMPLE_BY_CONVERTER.items():
        if type(converter) is cls:
            return sample
    for sample in FALLBACK_SAMPLES:  # a project-defined converter
        if re.fullmatch(converter.regex, sample):
            return converter.to_url(converter.to_python(sample))
    raise ValueError(f"no sample value for converter {type(converter).__name__}")


def _sample_path(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAMETER.sub(
            lambda m: _sample_for_converter(pattern.converters[m["parameter"]]), str(pattern)
        )
    if isinstance(pattern, RegexPattern):
        return _sample_from_regex(sre_parse.parse(str(pattern)))
    raise TypeError(f"unknown pattern type {type(pattern).__name__}")


def _join_route(first: str, second: str) -> str:
    # The way Django joins routes in ResolverMatch.route.
    return second if not first else first + second.removeprefix("^")


def enumerate_routes(patterns=None, route="", path="", namespace="") -> list[Route]:
    routes = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        full_route = _join_route(route, str(entry.pattern))
        full_path = path + _sample_path(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += enumerate_routes(entry.url_patterns, full_route, full_path, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            routes.append(Route(full_route, name, "/" + full_path))
    return routes


ROUTES = enumerate_routes()


def test_the_enumeration_finds_the_project_routes():
    names = {route.name for route in ROUTES}
    assert {"home", "login", "logout", "healthz", "centre-edit", "admin:index"} <= names
    assert set(PUBLIC) <= names, "a public exception names a route that no longer exists"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_sample_url_reaches_its_route(route):
    assert resolve(route.url).route == route.route, (
        f"{route.url} does not resolve to {route.route}: teach _sample_path this pattern"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_route_requires_login(client, route):
    response = client.get(route.url)
    if route.name in PUBLIC:
        assert response.status_code == 200, f"public route {route} answered {response.status_code}"
        return
    if route.name in OWN_AUTHENTICATION:
        assert response.status_code == OWN_AUTHENTICATION[route.name]
        return
    if route.url.startswith(OWN_AUTHENTICATION_PREFIX):
        assert response.status_code in (401, 405), (route, response.status_code)
        return
    assert response.status_code == 302, f"{route} answered {response.status_code} without login"
    location = urlsplit(response.url)
    login_pages = {reverse("login")}
    namespace = route.name.split(":")[0] if route.name and ":" in route.name else None
    if route.name is None and route.route.startswith("admin/"):
        namespace = "admin"
    if namespace in OWN_LOGIN:
        login_pages.add(reverse(OWN_LOGIN[namespace]))
    assert location.path in login_pages, f"{route} redirects to {response.url}, not to a login page"
    assert parse_qs(location.query)["next"] == [route.url]


@pytest.mark.django_db
def test_an_unknown_url_is_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404

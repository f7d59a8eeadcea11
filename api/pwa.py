"""The application on a phone's home screen: the web app manifest and the service worker.

The service worker (templates/pwa/sw.js) is served from the site root, so that its scope is the
whole site, with `Service-Worker-Allowed: /`, as JavaScript, and `Cache-Control: no-cache`, so a
new version reaches the phones at their next visit. It keeps only the static files and the shell
of the offline visit form (api.offline): no page of a family's file is ever cached. Neither
answer holds personal data, so both are served without a login (the browser fetches them itself).
"""

import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The static files the offline form needs; the shell page itself is added by the worker.
PRECACHED_STATIC = (
    "bootstrap/css/bootstrap.min.css",
    "bootstrap/js/bootstrap.bundle.min.js",
    "css/asystent.css",
    "js/asystent.js",
    "js/offline.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
)
ICON_SIZES = (192, 512)


def shell_url() -> str:
    return reverse("api:offline")


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    urls = [static(name) for name in PRECACHED_STATIC]
    shell = shell_url()
    # The cache's name changes with what it holds: a new deployment (new hashed names) replaces it.
    version = hashlib.sha256("\n".join([shell, *urls]).encode()).hexdigest()[:12]
    body = render_to_string(
        "pwa/sw.js",
        {
            # JSON literals (the addresses are ours; json.dumps makes them valid JavaScript strings)
            "precache": json.dumps(urls),
            "shell": json.dumps(shell),
            "static_prefix": json.dumps(static("")),
            "version": version,
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": _("Asystent"),
        "short_name": _("Asystent"),
        "description": _("Visits of the family assistant, also without a connection"),
        "lang": "pl",
        "start_url": shell_url(),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {
                "src": static(f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in ICON_SIZES
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "no-cache"
    return response

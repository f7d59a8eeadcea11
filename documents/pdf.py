"""The PDF rendering mechanism: WeasyPrint with a URL fetcher that reaches nothing but the
project's own static files and the centre's logo, and a file write that leaves exactly one file
per document however often (or however badly) the rendering runs.

WeasyPrint itself is the maintained library here; the fetcher is ours because WeasyPrint's
`allowed_protocols` can only narrow schemes, not paths: allowing `file:` would allow /etc/passwd.
"""

import contextlib
import hashlib
import logging
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

# WeasyPrint reports every step at INFO ("Step 2 - Fetching and parsing CSS"), from its import on:
# quiet before importing it, or every process start and every rendering fills the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from asystent.models import Centre  # noqa: E402

# Documents are rendered with this base URL, so "/static/css/pdf.css" in a template becomes
# https://asystent.invalid/static/css/pdf.css. The .invalid top-level domain never resolves
# (RFC 2606), and the fetcher answers for this host itself, from disk.
INTERNAL_HOST = "asystent.invalid"
BASE_URL = f"https://{INTERNAL_HOST}/"
LOGO_PATH = "/letterhead/logo"
LOGO_URL = f"https://{INTERNAL_HOST}{LOGO_PATH}"
# PDF/A-3b: the archival variant; it embeds the fonts (DejaVu, from the system) in the file.
PDF_VARIANT = "pdf/a-3b"


class URLRefused(ValueError):
    """The document asked for a resource outside the project's own static files and logo."""


class InternalOnlyFetcher(URLFetcher):
    """Serves https://asystent.invalid/static/... from the static files and /letterhead/logo from
    the centre's logo file; refuses everything else (http, https elsewhere, file:, data:).

    WeasyPrint treats a refusal as a missing resource and goes on rendering. Every URL asked for
    is kept in `requested`, and every refused one in `refused`.
    """

    def __init__(self, centre: Centre | None = None) -> None:
        super().__init__()
        self.centre = centre
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        try:
            body, content_type = self._resolve(url)
        except URLRefused:
            self.refused.append(url)
            raise
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _resolve(self, url: str) -> tuple[bytes, str]:
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.netloc != INTERNAL_HOST or parts.query:
            raise URLRefused(f"refused: {url}")
        path = unquote(parts.path)
        if path == LOGO_PATH:
            return self._logo(url)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if path.startswith(static_prefix):
            return _static_file(path.removeprefix(static_prefix), url)
        raise URLRefused(f"refused: {url}")

    def _logo(self, url: str) -> tuple[bytes, str]:
        logo = self.centre.logo if self.centre is not None else None
        if not logo:
            raise URLRefused(f"no logo: {url}")
        try:
            with logo.open("rb") as handle:
                body = handle.read()
        except OSError as error:
            raise URLRefused(f"logo unreadable: {url}") from error
        return body, mimetypes.guess_type(logo.name or url)[0] or "application/octet-stream"


def _static_file(name: str, url: str) -> tuple[bytes, str]:
    """A static file by its name: from the finders (the source tree), else from STATIC_ROOT,
    where collectstatic keeps the hashed names that `{% static %}` gives in production."""
    if not name or ".." in Path(name).parts:
        raise URLRefused(f"refused: {url}")
    try:
        found = finders.find(name)
        if not found and staticfiles_storage.exists(name):
            found = staticfiles_storage.path(name)
    except (SuspiciousFileOperation, NotImplementedError) as error:
        raise URLRefused(f"refused: {url}") from error
    if not found:
        raise URLRefused(f"not a static file: {url}")
    return Path(found).read_bytes(), mimetypes.guess_type(name)[0] or "application/octet-stream"


def html_to_pdf(html: str, *, fetcher: InternalOnlyFetcher, tagged: bool = False) -> bytes:
    """The PDF/A-3b bytes of `html`, rendered with `fetcher` as its only way out. A `tagged`
    document (one handed to the family) also carries WeasyPrint's structure tree, so that a
    screen reader reads it in order; its language is the `<html lang>` of the template."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=tagged
    )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | os.PathLike) -> str | None:
    """The SHA-256 of the file at `path`, or None when it is missing."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 16), b""):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def write_part(final_path: str, token: str, data: bytes) -> str:
    """Write `data` beside `final_path` under a name of this attempt; returns that name.

    The final name is only ever produced by `os.replace` (atomic on one file system), so a worker
    killed mid-write leaves a complete old file or none, never half a PDF under the final name.
    """
    os.makedirs(os.path.dirname(final_path), exist_ok=True)
    part = f"{final_path}.{token}.part"
    with open(part, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return part


def remove_parts(final_path: str) -> None:
    """Delete what interrupted attempts left beside `final_path`."""
    folder, name = os.path.split(final_path)
    try:
        entries = os.listdir(folder)
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.startswith(f"{name}.") and entry.endswith(".part"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(folder, entry))

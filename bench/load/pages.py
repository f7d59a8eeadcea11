"""What a simulated person's browser does with a page: read its forms (the values a browser would
send as they are, and the choices offered), and compute a two-step login code from a device key.
Plain standard library: the load generator imports no Django."""

import hashlib
import hmac
import re
import struct
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, list[str]] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)

    def data(self, **overrides: str | list[str]) -> dict[str, list[str]]:
        """What the browser sends: the form as shown, with the overrides typed in. A submit
        button's value is sent only when it is named in the overrides."""
        data = {k: list(v) for k, v in self.values.items()}
        for name, value in overrides.items():
            data[name] = value if isinstance(value, list) else [value]
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                form.values.setdefault(name, [])
                if "checked" in a:
                    form.values[name].append(a.get("value", "on"))
                return
            form.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
            form.values.setdefault(name, [])
            form.choices.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value")
            self._option = value
            self._text = []
            if value is not None:
                self._record_option(value, "selected" in a)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def _record_option(self, value: str, selected: bool) -> None:
        form, name = self._form, self._select
        assert form is not None and name is not None
        form.choices[name].append(value)
        if self._select_first is None:
            self._select_first = value
        if selected:
            form.values[name].append(value)
            self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._textarea or (self._select and self._option is None):
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "textarea" and form is not None and self._textarea:
            form.values.setdefault(self._textarea, []).append("".join(self._text).lstrip("\n"))
            self._textarea = None
        elif tag == "select" and form is not None and self._select:
            # A single select with nothing marked sends its first option, as a browser does.
            if not self._select_chosen and self._select_first is not None:
                form.values[self._select] = [self._select_first]
            self._select = None
        elif tag == "option":
            self._option = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html: str, field_name: str) -> Form:
    """The first form on the page with a field of this name (LookupError if none)."""
    for form in forms(html):
        if field_name in form.values:
            return form
    raise LookupError(f"no form with the field {field_name!r}")


def pk_from(location: str, pattern: str) -> int | None:
    """The number a redirect names (`/visits/123/` with pattern r"/visits/(\\d+)/")."""
    match = re.search(pattern, location or "")
    return int(match.group(1)) if match else None


def totp(key_hex: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 code of a device key, as django-otp's TOTPDevice (SHA-1, 30 s, 6 digits, t0 0)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


# --- what each person types into the forms ---------------------------------------------------------


def first_choice(form: Form, name: str) -> list[str]:
    return [c for c in form.choices.get(name, []) if c][:1]


def visit_draft(form: Form, hour: int, now: datetime | None = None) -> dict[str, list[str]]:
    """A visit logged from the case, saved as a draft: today's from `hour` to the next hour when
    that hour is over in the centre's time (a visit cannot be finished before it began),
    otherwise yesterday's."""
    now = now or datetime.now(WARSAW)
    day = now.date() if hour + 1 <= now.hour else now.date() - timedelta(days=1)
    return form.data(
        date=day.isoformat(),
        start_time=f"{hour:02d}:00",
        end_time=f"{hour + 1:02d}:00",
        participants=first_choice(form, "participants"),
        topics="Rozmowa o planie dnia dzieci i o rachunkach (test obciążenia).",
        action="draft",
    )


def visit_final(form: Form) -> dict[str, list[str]]:
    """The draft finished: what was agreed added, saved as the final entry."""
    data = form.data(tasks_agreed="Pani Ewa zadzwoni do szkoły.", action="final")
    if not form.values.get("participants"):
        data["participants"] = first_choice(form, "participants")
    return data


def family(form: Form, n: int, birth: date) -> dict[str, list[str]]:
    """A family of one parent without a PESEL, registered by a social worker."""
    return form.data(
        name=f"Obciążeniowi {n}",
        street=f"ul. Testowa {n}",
        postal_code="00-950",
        city="Zielona Dolina",
        gmina="Zielona Dolina",
        phone="600 100 200",
        **{
            "members-0-first_name": "Ewa",
            "members-0-last_name": f"Obciążeniowa {n}",
            "members-0-relation": "parent",
            "members-0-pesel": "",
            "members-0-no_pesel": "on",
            "members-0-birth_date": birth.isoformat(),
            "members-0-sex": "F",
            "members-0-placement": "home",
        },
    )


def interview(form: Form, today: date) -> dict[str, list[str]]:
    return form.data(
        date=today.isoformat(),
        summary="Analiza sytuacji rodziny (test obciążenia).",
        problem_areas=first_choice(form, "problem_areas"),
    )


def referral(form: Form) -> dict[str, list[str]]:
    """The referral filed on the latest interview: submitted to the manager."""
    interviews = [c for c in form.choices.get("interview", []) if c]
    return form.data(
        interview=interviews[-1:] or form.values.get("interview", []),
        legal_basis="voluntary",
        problem_areas=first_choice(form, "problem_areas"),
        justification="Rodzina potrzebuje wsparcia asystenta (test obciążenia).",
        action="submit",
    )

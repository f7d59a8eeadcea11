"""Demo data of the asystent app: a fictional centre and one user per role."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .enums import EmploymentForm
from .models import Centre, User

DEMO_PASSWORD = "demo"
# RFC 6238's published test key ("12345678901234567890"), base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ:
# demo managers and administrators need two-step login, and the key must be public to be usable.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

# username: (first name, last name, role flags, form of employment)
DEMO_USERS: dict[str, tuple[str, str, dict[str, bool], str]] = {
    "admin": ("Adam", "Administracyjny", {"is_administrator": True}, ""),
    "kierownik": ("Katarzyna", "Kierownicka", {"is_manager": True}, ""),
    "pracownik1": ("Paulina", "Socjalna", {"is_social_worker": True}, ""),
    "pracownik2": ("Piotr", "Wywiadowski", {"is_social_worker": True}, ""),
    "asystent1": ("Anna", "Wspierająca", {"is_assistant": True}, EmploymentForm.EMPLOYMENT_CONTRACT),
    "asystent2": ("Andrzej", "Rodzinny", {"is_assistant": True}, EmploymentForm.EMPLOYMENT_CONTRACT),
    "asystent3": ("Agata", "Pomocna", {"is_assistant": True}, EmploymentForm.CIVIL_LAW_CONTRACT),
}
# The title a demo user signs with (the approver of a court opinion signs with theirs).
DEMO_JOB_TITLES = {"kierownik": "Kierownik Działu Wsparcia Rodziny", "admin": "Informatyk"}


def seed(say: Callable[[str], None]) -> None:
    centre = Centre.load()
    if not centre.street:
        centre.name = "Miejski Ośrodek Pomocy Społecznej w Zielonej Dolinie"
        centre.street = "ul. Słoneczna 12"
        centre.postal_code = "00-950"
        centre.city = "Zielona Dolina"
        centre.phone = "+48 22 000 00 00"
        centre.email = "mops@zielona-dolina.example"
        centre.save()
    for username, (first, last, roles, employment) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@zielona-dolina.example",
                "employment_form": employment,
                **roles,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if username == "asystent3":
                # A service contract: a personal limit below the centre's (art. 15 ust. 4 caps both).
                user.personal_caseload_limit = 8
            user.save(update_fields=["password", "personal_caseload_limit"])
        if username in DEMO_JOB_TITLES and not user.job_title:
            user.job_title = DEMO_JOB_TITLES[username]
            user.save(update_fields=["job_title"])
        if user.is_manager or user.is_administrator:
            _demo_device(user)
    say(
        _("Demo users (password “%(password)s”): %(users)s")
        % {"password": DEMO_PASSWORD, "users": ", ".join(DEMO_USERS)}
    )


def _demo_device(user: User) -> None:
    """The demo key as the user's device, whatever set-ups they started or finished meanwhile:
    unfinished set-ups are removed; a device the user confirmed themselves is kept."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_KEY, confirmed=True)

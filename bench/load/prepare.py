"""`python -m bench.load.prepare OUT.json`: ready the generated data set for a load run.

Run with the application's production settings against the run's private database. It gives
every simulated person a two-step login device whose key the load generator knows (the codes are
computed from it, as a phone would), adds manager accounts when the data set has fewer than the
run needs, and puts court opinions in the managers' hands to approve (drafted and submitted by
their assistants through the services). It writes who logs in as whom, with what:
{"password", "assistants": [{"username", "key", "cases"}], "social_workers": [...], "managers":
[{"username", "key", "opinions"}]}.
"""

import hashlib
import hmac
import json
import sys
from pathlib import Path

KEY_SALT = b"asystent load run"


def device_key(username: str) -> str:
    """The 20-byte TOTP key of a simulated person's phone, as hex (django-otp's format)."""
    return hmac.new(KEY_SALT, username.encode(), hashlib.sha1).hexdigest()


def prepare(*, assistants: int, social_workers: int, managers: int, opinions: int) -> dict:
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from asystent.models import User
    from bench.generate import BENCH_PASSWORD
    from cases.enums import CaseStatus
    from cases.models import Case
    from courts import services as courts
    from courts.enums import CourtRequestStatus
    from courts.models import REQUIRED_SECTIONS, CourtRequest

    def people(flag: str, count: int, prefix: str) -> list[User]:
        found = list(User.objects.filter(**{flag: True, "is_active": True}).order_by("pk")[:count])
        n = User.objects.filter(username__startswith=prefix).count()
        # The city data set has 9 managers and a run wants 15 (a smaller data set, more of each):
        # the missing accounts are added, without cases.
        while len(found) < count:
            n += 1
            user = User(username=f"{prefix}{n}", first_name="Osoba", last_name=f"Nr {n}")
            setattr(user, flag, True)
            user.set_password(BENCH_PASSWORD)
            user.save()
            found.append(user)
        return found

    chosen = {
        "assistants": people("is_assistant", assistants, "asystent"),
        "social_workers": people("is_social_worker", social_workers, "pracownik"),
        "managers": people("is_manager", managers, "kierownik"),
    }
    everyone = [u for group in chosen.values() for u in group]
    with transaction.atomic():
        TOTPDevice.objects.filter(user__in=everyone).delete()
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=u, name="load run", key=device_key(u.username), confirmed=True) for u in everyone
        )
    cases: dict[int, list[int]] = {}
    for case_pk, assistant_pk in Case.objects.filter(
        status=CaseStatus.ACTIVE, assistant__in=chosen["assistants"]
    ).values_list("pk", "assistant_id"):
        cases.setdefault(assistant_pk, []).append(case_pk)

    submitted: list[int] = []
    open_requests = CourtRequest.objects.filter(
        status=CourtRequestStatus.OPEN,
        case__status=CaseStatus.ACTIVE,
        case__assistant__isnull=False,
        opinion__isnull=True,
    ).select_related("case__assistant")[: opinions * 2]
    for court_request in open_requests:
        if len(submitted) >= opinions:
            break
        try:
            author = court_request.case.assistant
            opinion = courts.draft_opinion(request=court_request, by=author)
            version = opinion.current_version()
            for name in REQUIRED_SECTIONS:
                if not getattr(version, name).strip():
                    setattr(version, name, "Uzupełnione na potrzeby testu obciążenia.")
            version.save()
            courts.submit_opinion(version=version, by=author)
            submitted.append(version.pk)
        except Exception as error:  # noqa: BLE001 - reported, the run goes on with fewer
            print(f"prepare: court request {court_request.pk}: {error}", file=sys.stderr)

    def entry(user: User, **more: object) -> dict:
        return {"username": user.username, "key": device_key(user.username), **more}

    n_managers = max(1, len(chosen["managers"]))
    return {
        "password": BENCH_PASSWORD,
        "assistants": [entry(u, cases=cases.get(u.pk, [])) for u in chosen["assistants"]],
        "social_workers": [entry(u) for u in chosen["social_workers"]],
        "managers": [entry(u, opinions=submitted[i::n_managers]) for i, u in enumerate(chosen["managers"])],
    }


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.load.prepare")
    parser.add_argument("out", type=Path)
    parser.add_argument("--assistants", type=int, default=240)
    parser.add_argument("--social-workers", type=int, default=40)
    parser.add_argument("--managers", type=int, default=15)
    parser.add_argument("--opinions", type=int, default=150)
    args = parser.parse_args(argv)

    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asystent.settings")
    django.setup()
    actors = prepare(
        assistants=args.assistants,
        social_workers=args.social_workers,
        managers=args.managers,
        opinions=args.opinions,
    )
    args.out.write_text(json.dumps(actors))


if __name__ == "__main__":
    main(sys.argv[1:])

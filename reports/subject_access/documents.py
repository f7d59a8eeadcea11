"""A person's copy of their data (GDPR art. 15) as a printed document: registered with the
documents' kinds in `ReportsConfig.ready()`, so it is rendered by the worker like every other PDF.

It belongs to no case: the key is the family member and the day the copy is prepared for
(YYYYMMDD), so asking again the same day reuses the file while the data is unchanged, and a new
day gives a new copy. Only a manager asks for it and sees it.
"""

import datetime as dt
from typing import cast

from django.urls import reverse
from django.utils.translation import gettext as _

from asystent.enums import Role
from asystent.models import User
from asystent.permissions import is_manager
from cases.models import Family, FamilyMember
from documents.enums import DocumentKind, Owner
from documents.kinds import Key, KindSpec, register_kind
from documents.models import RenderedDocument

from .data import subject_access_data


def day_version(day: dt.date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def day_of(version: int) -> dt.date:
    return dt.date(version // 10_000, version // 100 % 100, version % 100)


def _member(document: RenderedDocument) -> FamilyMember:
    return FamilyMember.all_objects.select_related("family").get(pk=document.object_id)


def _context(document: RenderedDocument) -> dict:
    return {"data": subject_access_data(member=_member(document), today=day_of(document.version))}


def _family_of(member: object) -> Family:
    return cast(FamilyMember, member).family


def _may_prepare(user: User, key: Key) -> bool:
    return bool(is_manager(user))


def _file_name(document: RenderedDocument) -> str:
    # No name or PESEL: the file may end up in a download folder or an e-mail.
    return f"dostep-do-danych-{document.object_id}-{document.version}.pdf"


def _describe(document: RenderedDocument) -> str:
    return _("Data as of %(day)s") % {"day": day_of(document.version).strftime("%d.%m.%Y")}


def _back_url(document: RenderedDocument) -> str:
    return reverse("reports:subject-access", args=[document.object_id])


def register() -> None:
    register_kind(
        DocumentKind.SUBJECT_ACCESS,
        KindSpec(
            "reports/subject/pdf.html",
            "dostep-do-danych",
            False,
            _context,
            back_url=_back_url,
            owner=Owner.FAMILY,
            owner_of=_family_of,
            may_prepare=_may_prepare,
            readers=(Role.MANAGER,),
            file_name=_file_name,
            describe=_describe,
            tagged=True,  # handed to the person: read by a screen reader in order
        ),
    )

"""Who sees a printed document, for every kind and every role: one rule by the kind's owner (the
case, the family, the worker, the centre) and its readers (`RenderedDocumentQuerySet.visible_to`,
the permission `documents.view_document` and the document's page). The table below is written out
by hand from what each role may see; a new kind must be added to it."""

import pytest
from django.http import Http404

from documents.enums import DocumentKind, Owner
from documents.kinds import KINDS
from documents.models import RenderedDocument
from documents.selectors import get_document_for

from .factories import CaseFactory

pytestmark = pytest.mark.django_db

ROLES = ("assistant_owner", "other_assistant", "manager", "social_worker", "administrator")
# The family's people: the case's assistant (or the worker the document is about), the managers and
# the social worker of the case; the centre's administrator sees no family's document.
FAMILY_PEOPLE = {"assistant_owner", "manager", "social_worker"}
WORKER_PEOPLE = {"assistant_owner", "manager"}

SEES = {
    DocumentKind.OPINION: FAMILY_PEOPLE,
    DocumentKind.WORK_PLAN: FAMILY_PEOPLE,
    DocumentKind.MONTHLY_VISITS: FAMILY_PEOPLE,
    DocumentKind.ASSIGNMENT_LETTER: FAMILY_PEOPLE,
    DocumentKind.COURT_NOTICE: FAMILY_PEOPLE,
    DocumentKind.SUPPORT_CATALOGUE: FAMILY_PEOPLE,
    DocumentKind.ZA_ZYCIEM_AUTHORISATION: FAMILY_PEOPLE,
    DocumentKind.CONSENT_FORM: FAMILY_PEOPLE,
    DocumentKind.ASSESSMENT: FAMILY_PEOPLE,
    DocumentKind.WORK_CARD: FAMILY_PEOPLE,
    DocumentKind.CLOSURE_REPORT: FAMILY_PEOPLE,
    DocumentKind.MONITORING_NOTE: FAMILY_PEOPLE,
    DocumentKind.REFERRAL: FAMILY_PEOPLE,
    DocumentKind.REPORT_ANSWER: FAMILY_PEOPLE,
    # A person's copy of their data: the manager alone prepares and sees it.
    DocumentKind.SUBJECT_ACCESS: {"manager"},
    DocumentKind.TIMESHEET: WORKER_PEOPLE,
    DocumentKind.MILEAGE_LOG: WORKER_PEOPLE,
    DocumentKind.MONTHLY_REPORT: WORKER_PEOPLE,
    # The centre's reports name no family: their readers.
    DocumentKind.SEMIANNUAL_REPORT: {"manager", "administrator"},
    DocumentKind.ANNUAL_REPORT: {"manager"},
}

OWNERS = {
    Owner.CASE: {
        DocumentKind.OPINION,
        DocumentKind.WORK_PLAN,
        DocumentKind.MONTHLY_VISITS,
        DocumentKind.ASSIGNMENT_LETTER,
        DocumentKind.COURT_NOTICE,
        DocumentKind.SUPPORT_CATALOGUE,
        DocumentKind.ZA_ZYCIEM_AUTHORISATION,
        DocumentKind.CONSENT_FORM,
        DocumentKind.ASSESSMENT,
        DocumentKind.WORK_CARD,
        DocumentKind.CLOSURE_REPORT,
        DocumentKind.MONITORING_NOTE,
    },
    Owner.FAMILY: {DocumentKind.REFERRAL, DocumentKind.REPORT_ANSWER, DocumentKind.SUBJECT_ACCESS},
    Owner.WORKER: {DocumentKind.TIMESHEET, DocumentKind.MILEAGE_LOG, DocumentKind.MONTHLY_REPORT},
    Owner.CENTRE: {DocumentKind.SEMIANNUAL_REPORT, DocumentKind.ANNUAL_REPORT},
}


@pytest.fixture
def people(assistant, other_assistant, manager, social_worker, admin_user):
    return {
        "assistant_owner": assistant,
        "other_assistant": other_assistant,
        "manager": manager,
        "social_worker": social_worker,
        "administrator": admin_user,
    }


@pytest.fixture
def documents(people):
    """One document of each kind, stored as its owner's key makes it (`documents.kinds.key_for`)."""
    case = CaseFactory(assistant=people["assistant_owner"], family__registered_by=people["social_worker"])
    # The other assistant has a family of their own: seeing some families is not seeing all.
    CaseFactory(assistant=people["other_assistant"])
    rows = {}
    for number, kind in enumerate(DocumentKind.values, start=1):
        owner = KINDS[kind].owner
        rows[kind] = RenderedDocument.objects.create(
            kind=kind,
            object_id=number,
            version=1,
            case=case if owner == Owner.CASE else None,
            family=case.family if owner in (Owner.CASE, Owner.FAMILY) else None,
            worker=people["assistant_owner"] if owner == Owner.WORKER else None,
            requested_by=people["manager"],
        )
    return rows


def test_every_kind_declares_the_owner_the_table_expects():
    assert set(SEES) == set(DocumentKind.values) == set(KINDS)
    assert {kind: spec.owner for kind, spec in KINDS.items()} == {
        kind: owner for owner, kinds in OWNERS.items() for kind in kinds
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_the_kinds_of_the_table(role, people, documents):
    user = people[role]
    expected = {kind for kind, roles in SEES.items() if role in roles}
    listed = set(RenderedDocument.objects.visible_to(user).values_list("kind", flat=True))
    assert listed == expected
    for kind, document in documents.items():
        sees = kind in expected
        assert user.has_perm("documents.view_document", document) is sees, kind
        if sees:
            assert get_document_for(user, document.pk) == document
        else:
            with pytest.raises(Http404):
                get_document_for(user, document.pk)


def test_another_assistant_s_worker_documents_stay_theirs(people, documents, other_assistant):
    RenderedDocument.objects.filter(worker__isnull=False).update(worker=other_assistant)
    assert (
        not RenderedDocument.objects.visible_to(people["assistant_owner"])
        .filter(kind__in=OWNERS[Owner.WORKER])
        .exists()
    )
    assert (
        set(RenderedDocument.objects.visible_to(other_assistant).values_list("kind", flat=True))
        == OWNERS[Owner.WORKER]
    )


def test_a_deactivated_owner_sees_nothing(people, documents):
    user = people["assistant_owner"]
    user.is_active = False
    user.save()
    assert not RenderedDocument.objects.visible_to(user).exists()


def test_a_centre_document_must_name_its_readers():
    from documents.kinds import KindSpec

    with pytest.raises(ValueError, match="names the roles"):
        KindSpec("x.html", "x", False, lambda document: {}, owner=Owner.CENTRE)

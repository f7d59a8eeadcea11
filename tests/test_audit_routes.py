"""The read audit, route by route.

Every route whose URL names an object (a family, member, case, visit, opinion...) and whose view
answers GET must record the access, unless it is allowed below with the reason; so do the list
pages that show records of several families. A new page of the file that forgets `log_access`
fails here. The browser journeys check what each row records (`tests/browser/audit.py`): their
table must name every route whose view records an access, and only such routes."""

import datetime as dt
import inspect

import pytest
from django.contrib import admin
from django.urls import resolve, reverse
from django.utils import timezone

from asystent.audit import AccessAction
from asystent.models import AccessLog
from cases.models import Family, FamilyMember

from .browser.audit import NOT_CHECKED, READS
from .factories import CaseFactory, CourtRequestFactory, FamilyFactory, FamilyMemberFactory
from .test_login_required import ROUTES

# Routes whose URL names an object and whose view answers GET, but which show nothing of a
# family's file, and why.
NO_FILE_DATA = {
    "documents:status": "polled every 2 s under a document whose page recorded the view; shows "
    "only the rendering's state and the download link",
    "cooperation:institution-edit": "an institution of the register: no family's data",
    "assistant-limit": "an assistant's personal limit of families: a staff setting, no family's data",
    "transfer:import-template": "an empty template with a fictional example row",
    "transfer:import-batch": "the uploader's own dry run: row numbers, columns and messages, never the "
    "rows' contents; the import itself records its row (tests/test_transfer_import.py)",
    "transfer:export-status": "polled every 2 s: the export's progress and its download link",
    "timesheets:sheet": "an assistant's own time sheet: hours by kind and day, no family named",
    "timesheets:log": "an assistant's own mileage log: each trip names a case by its number only, "
    "never the family (tests/test_timesheets.py)",
    "timesheets:allowance": "an assistant's vehicle, rate per kilometre and monthly limit: a staff setting",
    "api:calendar-feed": "the user's own visits and deadlines, each naming its case by number only "
    "(no family's name, address or PESEL); opened by a calendar application without a login",
}
# Pages without an object in their URL that show records of several families: each must record
# what it shows.
FILE_LISTS = ["cases:removed-records", "cases:retention", "cases:pesel-check"]
# Namespaces outside the check: the admin registers no model of a family's file (asserted below).
OUTSIDE = ("admin:",)


def _recording_functions(module) -> set[str]:  # noqa: ANN001
    """Names of the module's functions that record an access, directly (`log_access`) or by
    calling another such function (`_log_view`, a form helper shared by two views)."""
    functions = {
        name: inspect.getsource(function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
    }
    # private_file_response (asystent.files) records the access of the file it serves.
    recording = {"log_access", "log_accesses", "private_file_response"}
    while True:
        more = {name for name, source in functions.items() if any(f"{r}(" in source for r in recording)}
        if more <= recording:
            return recording
        recording |= more


def _view_source(view) -> tuple[str, object]:  # noqa: ANN001
    """The view's source and module; of a class-based view, its class and the classes it inherits
    from in its own module (where the API's views record their reads)."""
    function = inspect.unwrap(view)
    cls = getattr(function, "view_class", None)
    if cls is None:
        return inspect.getsource(function), inspect.getmodule(function)
    own = [klass for klass in cls.__mro__ if klass.__module__ == cls.__module__]
    return "".join(inspect.getsource(klass) for klass in own), inspect.getmodule(cls)


def _records_reads(view) -> bool:  # noqa: ANN001
    source, module = _view_source(view)
    recording = _recording_functions(module)
    return any(f"{name}(" in source for name in recording)


AUDITED_ROUTES = sorted(
    {route.name for route in ROUTES if route.name and _records_reads(resolve(route.url).func)}
)


def test_the_scan_finds_the_audited_views():
    assert {"cases:family-detail", "documents:download", "reports:semiannual-xlsx"} <= set(AUDITED_ROUTES)


@pytest.mark.parametrize("name", AUDITED_ROUTES)
def test_every_audited_route_is_in_the_browser_table(name):
    assert name in READS or name in NOT_CHECKED, (
        f"{name} records accesses: add what its row records to READS in tests/browser/audit.py"
    )


def test_the_browser_table_names_only_audited_routes():
    stale = sorted((set(READS) | set(NOT_CHECKED)) - set(AUDITED_ROUTES))
    assert not stale, f"in tests/browser/audit.py but their views record nothing: {stale}"


def _answers_get(view) -> bool:  # noqa: ANN001
    cls = getattr(inspect.unwrap(view), "view_class", None)
    if cls is not None:
        return hasattr(cls, "get")
    source = inspect.getsource(inspect.unwrap(view))
    return "@require_POST" not in source


def _is_file_route(route) -> bool:  # noqa: ANN001
    if route.name is None or route.name.startswith(OUTSIDE):
        return False
    match = resolve(route.url)
    return bool(match.kwargs) and _answers_get(match.func)


FILE_ROUTES = sorted({route.name for route in ROUTES if _is_file_route(route)})


def test_the_scan_finds_the_pages_of_the_file():
    assert {"cases:member-edit", "courts:opinion-versions", "visits:visit-detail"} <= set(FILE_ROUTES)
    assert {"api:case-detail", "api:visit-detail"} <= set(FILE_ROUTES)  # class-based views too
    assert "cases:plan-confirm" not in FILE_ROUTES  # POST only: it redirects, showing nothing


@pytest.mark.parametrize("name", [name for name in FILE_ROUTES if name not in NO_FILE_DATA])
def test_every_page_of_the_file_records_the_access(name):
    assert name in AUDITED_ROUTES, (
        f"{name} shows an object of a family's file without log_access: record the access, or "
        "allow it in NO_FILE_DATA with the reason"
    )


@pytest.mark.parametrize("name", FILE_LISTS)
def test_every_list_of_file_records_records_the_access(name):
    assert name in AUDITED_ROUTES


def test_the_allow_list_names_only_pages_that_record_nothing():
    stale = sorted(name for name in NO_FILE_DATA if name in AUDITED_ROUTES or name not in FILE_ROUTES)
    assert not stale, f"remove from NO_FILE_DATA: {stale}"


def test_the_admin_shows_no_family_file():
    labels = {model._meta.label for model in admin.site._registry}
    assert not labels & {"cases.Family", "cases.FamilyMember", "cases.Case", "visits.Visit"}


# --- the pages that used to show the file without a record ----------------------------------------


@pytest.fixture
def file(manager):
    family = FamilyFactory(name="Kowalscy")
    member = FamilyMemberFactory(family=family, first_name="Anna")
    case = CaseFactory(family=family, social_worker=None)
    court_request = CourtRequestFactory(case=CaseFactory(family=family, court_ordered=True))
    return {"family": family, "member": member, "case": case, "court_request": court_request}


def _records(user, obj, family) -> int:  # noqa: ANN001
    return AccessLog.objects.filter(
        user=user,
        family_id=family.pk,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        action=AccessAction.VIEW,
    ).count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "target"),
    [
        ("cases:family-edit", "family"),
        ("cases:member-add", "family"),
        ("cases:member-edit", "member"),
        ("cases:consent-create", "case"),
        ("cases:case-reassign", "case"),
        ("cases:case-close", "case"),
        ("courts:court-request-create", "case"),
    ],
)
def test_a_form_over_the_file_records_the_access(client, manager, file, route, target):
    client.force_login(manager)
    obj = file[target]
    response = client.get(reverse(route, args=[obj.pk]))
    assert response.status_code == 200
    assert _records(manager, obj, file["family"]) == 1


@pytest.mark.django_db
def test_the_member_edit_page_with_the_full_pesel_records_the_access(client, social_worker, file):
    file["family"].registered_by = social_worker
    file["family"].save()
    client.force_login(social_worker)
    member = file["member"]
    response = client.get(reverse("cases:member-edit", args=[member.pk]))
    assert member.pesel in response.content.decode()
    assert _records(social_worker, member, file["family"]) == 1


@pytest.mark.django_db
def test_the_opinion_versions_record_the_access(client, file):
    from courts import services

    court_request = file["court_request"]
    assistant = court_request.case.assistant
    opinion = services.draft_opinion(request=court_request, by=assistant)
    client.force_login(assistant)
    response = client.get(reverse("courts:opinion-versions", args=[opinion.pk]))
    assert response.status_code == 200
    assert _records(assistant, opinion, file["family"]) == 1


@pytest.mark.django_db
def test_the_removed_records_page_records_each_person_shown(client, manager, file):
    member = file["member"]
    FamilyMember.all_objects.filter(pk=member.pk).update(
        removed_at=timezone.now(), removed_by=manager, removal_reason="Dodana omyłkowo."
    )
    client.force_login(manager)
    response = client.get(reverse("cases:removed-records"))
    assert "Anna" in response.content.decode()
    assert _records(manager, member, file["family"]) == 1


@pytest.mark.django_db
def test_the_removed_records_page_records_each_visit_shown(client, manager, file):
    from visits.models import Visit

    from .factories import VisitFactory

    visit = VisitFactory(case=file["case"], author=file["case"].assistant)
    Visit.all_objects.filter(pk=visit.pk).update(
        removed_at=timezone.now(), removed_by=manager, removal_reason="Wpisana w złej rodzinie."
    )
    client.force_login(manager)
    response = client.get(reverse("cases:removed-records"))
    assert "Wpisana w złej rodzinie." in response.content.decode()
    assert _records(manager, visit, file["family"]) == 1


def test_every_panel_of_the_removed_records_page_records_what_it_shows():
    """The apps above `cases` add their removed records to the page through panels: each panel
    that shows records must record the access itself (the page's view records only its own)."""
    from cases.panels import panels_in

    panels = panels_in("removed-records")
    assert panels, "no app shows its removed records"
    for panel in panels:
        assert panel.context is not None, f"{panel.template} shows records without recording them"
        module = inspect.getmodule(panel.context)
        recording = _recording_functions(module)
        source = inspect.getsource(panel.context)
        assert any(f"{name}(" in source for name in recording), (
            f"{panel.template}: its records are shown without an access record"
        )


@pytest.mark.django_db
def test_the_retention_page_records_each_case_shown(client, manager):
    family = FamilyFactory(name="Nowakowie")
    # Closed in 2010: past the ten years of retention, within the dates a file can hold.
    case = CaseFactory(
        family=family, closed=True, opened_on=dt.date(2009, 6, 1), closed_on=dt.date(2010, 6, 30)
    )
    client.force_login(manager)
    response = client.get(reverse("cases:retention"))
    assert response.status_code == 200
    assert Family.objects.filter(pk=family.pk).exists()
    assert _records(manager, case, family) == 1

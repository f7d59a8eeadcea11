"""The split of `reports` keeps the data: rows written before the move (through the migration
state of the old apps) are in the new apps after it, with the same ids and content types."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from courts.models import CourtOpinion, CourtRequest, OpinionVersion
from documents.models import RenderedDocument
from notifications.models import Notification, ReminderSettings

from .factories import CaseFactory, UserFactory

# The state just before the move: the moved models still live in asystent and reports.
BEFORE = [
    ("asystent", "0008_user_coordinator"),
    ("reports", "0003_figure_stamps"),
    ("notifications", None),
    ("courts", None),
    ("documents", None),
]


def _migrate(targets):  # noqa: ANN001, ANN202
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.migrations
@pytest.mark.django_db(transaction=True)
def test_the_moved_rows_keep_their_ids_and_content_types():
    case = CaseFactory()
    author = UserFactory(username="autorka")
    try:
        old = _migrate(BEFORE)
        content_type = old.get_model("contenttypes", "ContentType")
        old_types = {
            model: content_type.objects.get_or_create(app_label=app, model=model)[0].pk
            for app, model in [
                ("reports", "courtrequest"),
                ("reports", "opinionversion"),
                ("reports", "rendereddocument"),
                ("asystent", "notification"),
            ]
        }
        today = dt.date(2026, 6, 1)
        request = old.get_model("reports", "CourtRequest").objects.create(
            case_id=case.pk,
            court="Sąd Rejonowy w Zielonej Dolinie",
            division="III Wydział Rodzinny i Nieletnich",
            case_number="III Nsm 1/26",
            letter_date=today,
            received_on=today,
            due_date=today + dt.timedelta(days=30),
            request_text="Opinia o rodzinie",
            status="open",
            registered_by_id=author.pk,
        )
        opinion = old.get_model("reports", "CourtOpinion").objects.create(
            request_id=request.pk, created_by_id=author.pk
        )
        version = old.get_model("reports", "OpinionVersion").objects.create(
            opinion_id=opinion.pk, number=1, author_id=author.pk, composition="Matka i dwoje dzieci."
        )
        document = old.get_model("reports", "RenderedDocument").objects.create(
            kind="opinion", object_id=opinion.pk, version=1, case_id=case.pk, requested_by_id=author.pk
        )
        notification = old.get_model("asystent", "Notification").objects.create(
            recipient_id=author.pk, rule="court_due", key="court_due:1:2026-07-01", message="Termin opinii"
        )
        thresholds = old.get_model("reports", "ReminderSettings").objects.create(court_due_days=9)
    finally:
        _migrate(_latest())

    moved = CourtRequest.objects.get(pk=request.pk)
    assert (moved.case_id, moved.case_number) == (case.pk, "III Nsm 1/26")
    assert CourtOpinion.objects.get(pk=opinion.pk).request_id == request.pk
    assert OpinionVersion.objects.get(pk=version.pk).composition == "Matka i dwoje dzieci."
    assert RenderedDocument.objects.get(pk=document.pk).object_id == opinion.pk
    assert Notification.objects.get(pk=notification.pk).key == "court_due:1:2026-07-01"
    assert ReminderSettings.objects.get(pk=thresholds.pk).court_due_days == 9
    # The content types moved with the models (same rows), so permissions and logs stay linked.
    assert ContentType.objects.get_for_model(CourtRequest).pk == old_types["courtrequest"]
    assert ContentType.objects.get_for_model(OpinionVersion).pk == old_types["opinionversion"]
    assert ContentType.objects.get_for_model(RenderedDocument).pk == old_types["rendereddocument"]
    assert ContentType.objects.get_for_model(Notification).pk == old_types["notification"]
    # The tables are named for their new apps.
    tables = set(connection.introspection.table_names())
    assert {"courts_courtrequest", "documents_rendereddocument", "notifications_notification"} <= tables
    assert not {"reports_courtrequest", "reports_rendereddocument", "asystent_notification"} & tables

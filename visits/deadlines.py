"""The no-contact rule: how long a family has gone without a saved visit, in one place.

The reminder sweep (`visits.reminders`) and the manager's dashboard (`reports.dashboard`) read
the last contact of a case through `with_last_contact` and select the cases gone quiet through
`without_contact_since`, so that their figures and the reminders agree (the other deadlines of a
case are in `cases.deadlines`).
"""

import datetime as dt

from django.db.models import DateField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from cases.models import Case

from .models import Visit


def with_last_contact(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` with their `last_visit` (the latest contact: a saved visit that met the family, not
    an unsuccessful attempt; one correlated subquery)
    and their `last_contact`: that visit, or the start of the work (the family's consent, else
    the opening) when there is none or every visit came before it."""
    start = Coalesce("started_on", "opened_on", output_field=DateField())
    last_visit = Subquery(
        Visit.objects.contacts().filter(case=OuterRef("pk")).order_by("-date").values("date")[:1],
        output_field=DateField(),
    )
    return cases.annotate(last_visit=last_visit).annotate(
        last_contact=Greatest(Coalesce("last_visit", start), start, output_field=DateField())
    )


def without_contact_since(cases: QuerySet[Case], day: dt.date) -> QuerySet[Case]:
    """The cases of `cases` whose last contact was on `day` or before."""
    return with_last_contact(cases).filter(Q(last_contact__lte=day))

"""A case with a court's request not yet answered is not closed: the court is waiting for the
assistant's opinion (art. 15 ust. 1 pkt 17 of the Act). Registered in `cases` as a closure blocker;
a manager may record why a request will not be answered (`services.record_no_answer`)."""

from django.utils.translation import gettext as _

from cases.models import Case

from .enums import CourtRequestStatus
from .models import CourtRequest


def open_requests_block_closure(case: Case) -> list[str]:
    """One message per open court request of the case."""
    requests = CourtRequest.objects.filter(case=case, status=CourtRequestStatus.OPEN).order_by(
        "due_date", "pk"
    )
    return [
        _(
            "The court's request %(number)s (due %(date)s) is not answered: send the opinion, or a "
            "manager records on the request why it will not be answered."
        )
        % {"number": request.case_number, "date": request.due_date.strftime("%d.%m.%Y")}
        for request in requests.only("case_number", "due_date")
    ]

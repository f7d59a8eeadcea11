"""Errors that services raise for a person to read: forms show them next to the field or on top."""

from django.core.exceptions import ValidationError


class InvalidTransition(ValidationError):
    """The object's status does not allow this step."""


class CaseloadFull(ValidationError):
    """The assistant has reached the caseload limit (art. 15 ust. 4)."""

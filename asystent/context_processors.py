"""Template context every page needs: the centre's details, read only when a template asks."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Centre


def centre(request: HttpRequest) -> dict:
    return {"centre": SimpleLazyObject(Centre.load)}

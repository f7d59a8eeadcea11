"""Asystent: settings, the user model and roles, the centre's details, and the Celery app."""

from .celery import app as celery_app

__all__ = ("celery_app",)

"""URLs of the centre's seal, included at /seal/."""

from django.urls import path

from . import views

app_name = "seals"

urlpatterns = [
    path("", views.certificate, name="certificate"),
    path("remove/", views.certificate_remove, name="certificate-remove"),
]

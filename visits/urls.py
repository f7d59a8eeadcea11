"""URLs of the visits app: visit log, the assistant's week, interventions, removal by mistake."""

from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("week/", views.my_week, name="my-week"),
    path("case/<int:case_pk>/", views.case_visits, name="case-visits"),
    path("case/<int:case_pk>/new/", views.visit_create, name="visit-create"),
    path("case/<int:case_pk>/intervention/", views.intervention_create, name="intervention-create"),
    path("<int:pk>/", views.visit_detail, name="visit-detail"),
    path("<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("interventions/<int:pk>/", views.intervention_detail, name="intervention-detail"),
    path("<int:pk>/remove/", views.visit_remove, name="visit-remove"),
    path("<int:pk>/restore/", views.visit_restore, name="visit-restore"),
]

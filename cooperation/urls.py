"""URLs of cooperation: institutions, the family's correspondence, the "Niebieska Karta" procedure."""

from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("institutions/", views.institution_list, name="institution-list"),
    path("institutions/new/", views.institution_form, name="institution-create"),
    path("institutions/<int:pk>/edit/", views.institution_form, name="institution-edit"),
    path("family/<int:family_pk>/letters/", views.letter_list, name="letter-list"),
    path("letters/<int:pk>/replied/", views.letter_replied, name="letter-replied"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter-scan"),
    path("family/<int:family_pk>/blue-card/new/", views.procedure_create, name="procedure-create"),
    path("blue-card/<int:pk>/", views.procedure_detail, name="procedure-detail"),
    path("blue-card/<int:pk>/steps/", views.procedure_edit, name="procedure-edit"),
    path("blue-card/<int:pk>/members/new/", views.member_add, name="member-add"),
    path("blue-card/<int:pk>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("blue-card/meetings/<int:meeting_pk>/tasks/new/", views.task_create, name="task-create"),
    path("blue-card/tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("blue-card/<int:pk>/end/", views.procedure_end, name="procedure-end"),
    path("blue-card/<int:pk>/forms/new/", views.card_form_create, name="card-form-create"),
    path("blue-card/forms/<int:pk>/scan/", views.card_form_scan, name="card-form-scan"),
    path("visits/<int:pk>/institutions/", views.visit_institutions, name="visit-institutions"),
    path("plans/<int:pk>/institutions/", views.plan_institutions, name="plan-institutions"),
]

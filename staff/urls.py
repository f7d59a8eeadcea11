from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("", views.assistant_list, name="list"),
    path("<int:pk>/", views.assistant_detail, name="assistant"),
    path("<int:pk>/employment/", views.employment_add, name="employment-add"),
    path("employment/<int:pk>/", views.employment_edit, name="employment-edit"),
    path("<int:pk>/qualification/", views.qualification_add, name="qualification-add"),
    path("<int:pk>/development/", views.development_add, name="development-add"),
    path("developments/", views.development_list, name="developments"),
    path("costs/", views.cost_list, name="costs"),
]

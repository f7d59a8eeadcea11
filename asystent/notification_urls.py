"""The notification centre's URLs, included at /notifications/ with no namespace."""

from django.urls import path

from . import notification_views as views

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<int:pk>/read/", views.notification_read, name="notification-read"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
    path("settings/", views.notification_preferences, name="notification-preferences"),
]

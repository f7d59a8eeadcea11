"""URLs of the referrals app: interviews, referrals, court orders, the queue and decisions."""

from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral-list"),
    path("queue/", views.queue, name="queue"),
    path("family/<int:family_pk>/interview/", views.interview_create, name="interview-create"),
    path("family/<int:family_pk>/new/", views.referral_create, name="referral-create"),
    path("family/<int:family_pk>/court-order/", views.court_order_create, name="court-order-create"),
    path("family/<int:family_pk>/report/", views.report_create, name="report-create"),
    path("family/<int:family_pk>/za-zyciem/", views.za_zyciem_create, name="za-zyciem-create"),
    path("cases/<int:case_pk>/catalogue/", views.catalogue_handover, name="catalogue-handover"),
    path("cases/<int:case_pk>/authorisation/", views.authorisation_edit, name="authorisation-edit"),
    path("<int:pk>/", views.referral_detail, name="referral-detail"),
    path("<int:pk>/edit/", views.referral_edit, name="referral-edit"),
    path("<int:pk>/submit/", views.referral_submit, name="referral-submit"),
    path("<int:pk>/withdraw/", views.referral_withdraw, name="referral-withdraw"),
    path("<int:pk>/decide/", views.referral_decide, name="referral-decide"),
    path("court-orders/<int:pk>/scan/", views.court_order_scan, name="court-order-scan"),
]

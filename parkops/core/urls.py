from django.urls import path

from parkops.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("parks/switch/", views.park_switch, name="park_switch"),
    path("parks/", views.ParkListView.as_view(), name="park_list"),
    path("parks/new/", views.ParkEditView.as_view(), name="park_add"),
    path("parks/<int:pk>/", views.ParkDetailView.as_view(), name="park_detail"),
    path("parks/<int:pk>/edit/", views.ParkEditView.as_view(), name="park_edit"),
    path("alliances/", views.AllianceListView.as_view(), name="alliance_list"),
    path("alliances/<int:pk>/", views.AllianceDetailView.as_view(), name="alliance_detail"),
    path("industries/", views.IndustryListView.as_view(), name="industry_list"),
    path("industries/new/", views.IndustryEditView.as_view(), name="industry_add"),
    path("industries/<int:pk>/", views.IndustryDetailView.as_view(), name="industry_detail"),
    path("industries/<int:pk>/edit/", views.IndustryEditView.as_view(), name="industry_edit"),
    path("audit/", views.AuditEntryListView.as_view(), name="auditentry_list"),
    path("audit/export.xlsx", views.audit_export, name="auditentry_export"),
    path("audit/export.csv", views.audit_export, {"fmt": "csv"}, name="auditentry_export_csv"),
    path("pick/regions/", views.pick_region, name="region_picker"),
    path("pick/<str:key>/<str:field>/", views.pick, name="picker"),
    path("audit/<int:pk>/", views.AuditEntryDetailView.as_view(), name="auditentry_detail"),
]

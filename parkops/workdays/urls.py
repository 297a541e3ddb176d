from django.urls import path

from parkops.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_month, name="calendar"),
    path("overrides/new/", views.CalendarOverrideEditView.as_view(), name="override_create"),
    path(
        "overrides/<int:pk>/edit/",
        views.CalendarOverrideEditView.as_view(),
        name="override_edit",
    ),
    path("overrides/<int:pk>/delete/", views.override_delete, name="override_delete"),
    path("years/<int:year>/entered/", views.year_confirm, name="year_confirm"),
    path("years/<int:year>/reopen/", views.year_reopen, name="year_reopen"),
]

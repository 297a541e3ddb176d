from django.urls import path

from parkops.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_month, name="calendaroverride_list"),
    path("overrides/new/", views.CalendarOverrideEditView.as_view(), name="calendaroverride_add"),
    path(
        "overrides/<int:pk>/edit/",
        views.CalendarOverrideEditView.as_view(),
        name="calendaroverride_edit",
    ),
    path("overrides/<int:pk>/delete/", views.override_delete, name="calendaroverride_delete"),
    path("years/<int:year>/entered/", views.year_confirm, name="calendaryear_confirm"),
    path("years/<int:year>/reopen/", views.year_reopen, name="calendaryear_reopen"),
]

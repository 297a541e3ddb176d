from django.urls import path

from parkops.core.tests.sample_app import views

app_name = "sample"
urlpatterns = [
    path("", views.WidgetListView.as_view(), name="widget_list"),
    path("add/", views.WidgetEditView.as_view(), name="widget_add"),
    path("<int:pk>/", views.WidgetDetailView.as_view(), name="widget_detail"),
    path("<int:pk>/edit/", views.WidgetEditView.as_view(), name="widget_edit"),
]

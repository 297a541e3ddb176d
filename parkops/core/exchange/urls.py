from django.urls import path

from parkops.core.exchange import views

app_name = "exchange"
urlpatterns = [
    path("batches/", views.BatchListView.as_view(), name="importbatch_list"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="importbatch_detail"),
    path("batches/<int:pk>/undo/", views.batch_undo, name="importbatch_undo"),
    path("jobs/<int:pk>/", views.job_detail, name="importjob_detail"),
    path("jobs/<int:pk>/commit/", views.job_commit, name="importjob_commit"),
    path("<slug:register>/template.xlsx", views.template, name="template"),
    path("<slug:register>/export.xlsx", views.export, name="export"),
    path("<slug:register>/export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("<slug:register>/import/", views.import_upload, name="import"),
    path("<slug:register>/import/<str:token>/commit/", views.import_commit, name="import_commit"),
    path("<slug:register>/import/<str:token>/cancel/", views.import_cancel, name="import_cancel"),
    path(
        "<slug:register>/import/<str:token>/errors.xlsx", views.import_errors, name="import_errors"
    ),
]

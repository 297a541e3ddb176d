from django.urls import path

from parkops.projects import views, views_boards

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("new/", views.ProjectEditView.as_view(), name="project_add"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/stage/", views.ProjectStageView.as_view(), name="project_stage"),
    path(
        "<int:pk>/first-contact/",
        views.ProjectFirstContactView.as_view(),
        name="project_first_contact",
    ),
    path(
        "events/<int:pk>/correct/",
        views.ProjectEventCorrectView.as_view(),
        name="projectevent_correct",
    ),
    # The promotion boards (看板): numbers of a park, each linking to its records.
    path("boards/pipeline/", views_boards.pipeline, name="pipeline"),
    path("boards/units/", views_boards.unit_performance, name="unit_performance"),
    path(
        "boards/units/export/",
        views_boards.unit_performance_export,
        name="unit_performance_export",
    ),
    path("boards/chains/", views_boards.chain_coverage, name="chain_coverage"),
]

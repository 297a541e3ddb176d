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
    path("<int:pk>/notes/", views.ProjectNoteView.as_view(), name="project_note"),
    path(
        "<int:pk>/documents/new/",
        views.ProjectDocumentAddView.as_view(),
        name="projectdocument_add",
    ),
    path(
        "documents/<int:pk>/download/",
        views.projectdocument_download,
        name="projectdocument_download",
    ),
    path(
        "documents/<int:pk>/delete/",
        views.projectdocument_delete,
        name="projectdocument_delete",
    ),
    path("<int:pk>/visits/new/", views.ProjectVisitAddView.as_view(), name="projectvisit_add"),
    path("visits/<int:pk>/delete/", views.projectvisit_delete, name="projectvisit_delete"),
    path("lead-deadlines/", views.LeadPolicyListView.as_view(), name="leadpolicy_list"),
    path("lead-deadlines/new/", views.LeadPolicyEditView.as_view(), name="leadpolicy_add"),
    path(
        "lead-deadlines/<int:pk>/", views.LeadPolicyDetailView.as_view(), name="leadpolicy_detail"
    ),
    path(
        "lead-deadlines/<int:pk>/edit/",
        views.LeadPolicyEditView.as_view(),
        name="leadpolicy_edit",
    ),
    # Milestones (计划节点), their templates, and the traffic lights (红绿灯).
    path("milestones/", views.MilestoneListView.as_view(), name="milestone_list"),
    path("milestones/new/", views.MilestoneEditView.as_view(), name="milestone_add"),
    path("milestones/<int:pk>/", views.MilestoneDetailView.as_view(), name="milestone_detail"),
    path("milestones/<int:pk>/edit/", views.MilestoneEditView.as_view(), name="milestone_edit"),
    path(
        "milestones/<int:pk>/actual/", views.MilestoneActualView.as_view(), name="milestone_actual"
    ),
    path("milestones/<int:pk>/verify/", views.milestone_verify, name="milestone_verify"),
    path(
        "<int:pk>/milestones/template/",
        views.ProjectApplyTemplateView.as_view(),
        name="project_apply_template",
    ),
    path(
        "milestone-templates/",
        views.MilestoneTemplateListView.as_view(),
        name="milestonetemplate_list",
    ),
    path(
        "milestone-templates/new/",
        views.MilestoneTemplateEditView.as_view(),
        name="milestonetemplate_add",
    ),
    path(
        "milestone-templates/<int:pk>/",
        views.MilestoneTemplateDetailView.as_view(),
        name="milestonetemplate_detail",
    ),
    path(
        "milestone-templates/<int:pk>/edit/",
        views.MilestoneTemplateEditView.as_view(),
        name="milestonetemplate_edit",
    ),
    path("traffic-rules/", views.TrafficRuleListView.as_view(), name="trafficrule_list"),
    path("traffic-rules/new/", views.TrafficRuleEditView.as_view(), name="trafficrule_add"),
    path(
        "traffic-rules/<int:pk>/", views.TrafficRuleDetailView.as_view(), name="trafficrule_detail"
    ),
    path(
        "traffic-rules/<int:pk>/edit/",
        views.TrafficRuleEditView.as_view(),
        name="trafficrule_edit",
    ),
    path("boards/traffic/", views_boards.traffic_board, name="traffic_board"),
    path(
        "boards/traffic/export/",
        views_boards.traffic_board_export,
        name="traffic_board_export",
    ),
    # Delivery (项目推进): entered statistics, investment, plans, major projects.
    path(
        "<int:pk>/entered-statistics/",
        views.ProjectEnteredStatisticsView.as_view(),
        name="project_entered_statistics",
    ),
    path("investment/", views.InvestmentEntryListView.as_view(), name="investmententry_list"),
    path("investment/new/", views.InvestmentEntryEditView.as_view(), name="investmententry_add"),
    path(
        "investment/<int:pk>/",
        views.InvestmentEntryDetailView.as_view(),
        name="investmententry_detail",
    ),
    path(
        "investment/<int:pk>/edit/",
        views.InvestmentEntryEditView.as_view(),
        name="investmententry_edit",
    ),
    path("plans/", views.AnnualPlanListView.as_view(), name="annualplan_list"),
    path("plans/new/", views.AnnualPlanEditView.as_view(), name="annualplan_add"),
    path("plans/<int:pk>/", views.AnnualPlanDetailView.as_view(), name="annualplan_detail"),
    path("plans/<int:pk>/edit/", views.AnnualPlanEditView.as_view(), name="annualplan_edit"),
    path("major-listings/", views.MajorListingListView.as_view(), name="majorlisting_list"),
    path("major-listings/new/", views.MajorListingEditView.as_view(), name="majorlisting_add"),
    path(
        "major-listings/<int:pk>/",
        views.MajorListingDetailView.as_view(),
        name="majorlisting_detail",
    ),
    path(
        "major-listings/<int:pk>/edit/",
        views.MajorListingEditView.as_view(),
        name="majorlisting_edit",
    ),
    path("boards/major/", views_boards.major_projects, name="major_projects"),
    # The park's own annual investment plan (年度固定资产投资计划).
    path(
        "park-plans/",
        views.ParkInvestmentPlanListView.as_view(),
        name="parkinvestmentplan_list",
    ),
    path(
        "park-plans/new/",
        views.ParkInvestmentPlanEditView.as_view(),
        name="parkinvestmentplan_add",
    ),
    path(
        "park-plans/<int:pk>/",
        views.ParkInvestmentPlanDetailView.as_view(),
        name="parkinvestmentplan_detail",
    ),
    path(
        "park-plans/<int:pk>/edit/",
        views.ParkInvestmentPlanEditView.as_view(),
        name="parkinvestmentplan_edit",
    ),
]

"""Projects in the menu: under investment promotion, where leads come in."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import PARK, NavItem, declare_item

# Its name is the model's plural, "leads and projects" (线索与项目), as the list's heading.
declare_item("promotion", NavItem("projects:project_list", "briefcase", "projects.Project"))

# The boards (看板), after the registers of the section: the pipeline to whoever
# reads projects; the units' performance and chain coverage, which count visits
# too, to whoever reads visits (park leaders, promotion officers).
declare_item(
    "promotion",
    NavItem("projects:pipeline", "layout-kanban", "projects.Project", _("Project pipeline")),
    order=200,
)
declare_item(
    "promotion",
    NavItem("projects:unit_performance", "trophy", "promotion.Visit", _("Unit performance")),
    order=210,
)
declare_item(
    "promotion",
    NavItem("projects:chain_coverage", "topology-star-3", "promotion.Visit", _("Chain coverage")),
    order=220,
)

# The park's lead-handling deadlines (线索处理时限), among the park's settings.
declare_item(
    PARK,
    NavItem(
        "projects:leadpolicy_list",
        "alarm",
        "projects.LeadPolicy",
        label=_("Lead handling deadlines"),
    ),
    order=45,
)

# Delivery (项目推进): the traffic-light board and the milestones, after the
# promotion boards; the park's milestone templates and traffic-light rules
# among its settings.
declare_item(
    "promotion",
    NavItem(
        "projects:traffic_board",
        "traffic-lights",
        "projects.Milestone",
        _("Project progress traffic-light table"),
    ),
    order=230,
)
declare_item(
    "promotion", NavItem("projects:milestone_list", "flag", "projects.Milestone"), order=240
)
declare_item(
    PARK,
    NavItem(
        "projects:milestonetemplate_list",
        "list-check",
        "projects.MilestoneTemplate",
        label=_("Milestone templates"),
    ),
    order=46,
)
declare_item(
    PARK,
    NavItem(
        "projects:trafficrule_list",
        "traffic-lights",
        "projects.TrafficRule",
        label=_("Traffic-light rules"),
    ),
    order=47,
)
# Delivery (项目推进): the major projects of a year against their plans, to
# whoever reads the listings (park leaders, project and finance officers).
declare_item(
    "promotion",
    NavItem(
        "projects:major_projects", "building-factory", "projects.MajorListing", _("Major projects")
    ),
    order=230,
)
# The park's own annual investment plans (年度固定资产投资计划), among the park's
# settings: entered by the statistics office, read by leaders and project officers.
declare_item(
    PARK,
    NavItem(
        "projects:parkinvestmentplan_list",
        "target-arrow",
        "projects.ParkInvestmentPlan",
        label=_("Park investment plans"),
    ),
    order=48,
)

"""Projects in the menu: under investment promotion, where leads come in."""

from django.utils.translation import gettext_lazy as _

from parkops.core.navigation import PARK, NavItem, declare_item

# Its name is the model's plural, "leads and projects" (线索与项目), as the list's heading.
declare_item("promotion", NavItem("projects:project_list", "briefcase", "projects.Project"))

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

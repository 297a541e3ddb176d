"""Projects in the menu: under investment promotion, where leads come in."""

from parkops.core.navigation import NavItem, declare_item

# Its name is the model's plural, "leads and projects" (线索与项目), as the list's heading.
declare_item("promotion", NavItem("projects:project_list", "briefcase", "projects.Project"))

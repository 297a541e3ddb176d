from parkops.core.navigation import (
    HomeCount,
    NavItem,
    declare_home_count,
    declare_item,
    declare_section,
)

declare_section("samples", "样例", order=70)
declare_item("samples", NavItem("sample:widget_list", "box", "sample.Widget"))
declare_home_count(HomeCount("widgets", "sample.Widget", order=95))

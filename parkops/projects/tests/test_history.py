"""The project page's change history (变更记录): the audit entries of the
project and of its records, newest first, for the project's readers: who did
what and when and which fields changed, never the values."""

import pytest

from parkops.projects import selectors, services
from parkops.projects.models import ProjectEvent

pytestmark = pytest.mark.django_db


def test_the_history_lists_the_project_and_its_records_newest_first(park, lead, officer, unit):
    services.project_update(project=lead, actor=officer, terms="土地价格每亩十八万")
    other = services.project_create(
        park=park, actor=officer, name="别的项目", investor=lead.investor, first_contact_unit=unit
    )
    history = selectors.project_history(user=officer, project=lead)
    types = [(shown.entry.object_type, shown.entry.action) for shown in history.entries]
    assert types[0] == ("projects.project", "update")
    # Its creation with its first stage event, a record of its own.
    assert {("projects.project", "create"), ("projects.projectevent", "create")} <= set(types)
    others = {str(other.pk)} | {
        str(e.pk) for e in ProjectEvent.objects.unscoped().filter(project=other)
    }
    assert all(shown.entry.object_id not in others for shown in history.entries)
    change = history.entries[0].changes
    assert [c.key for c in change] == ["terms"] and change[0].before == change[0].after == ""
    assert not history.more


def test_the_page_shows_the_history_without_the_confidential_values(
    client, park, lead, officer, other_officer
):
    from parkops.core.testing import sign_in

    services.project_update(project=lead, actor=officer, terms="土地价格每亩十八万")
    sign_in(client, other_officer)  # reads the project, not its terms
    html = client.get(lead.get_absolute_url()).content.decode()
    panel = html[html.index('data-panel="project-history"') :]
    assert "变更记录" in panel and "变更字段：洽谈条件" in panel
    assert "土地价格每亩十八万" not in html
    assert 'data-history-entry="update"' in panel and 'data-history-entry="create"' in panel


def test_the_history_is_capped(park, lead, officer):
    for n in range(3):
        services.project_update(project=lead, actor=officer, terms=f"第{n}稿")
    history = selectors.project_history(user=officer, project=lead, limit=2)
    assert len(history.entries) == 2 and history.more

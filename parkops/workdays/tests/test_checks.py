"""The working-day calendar's start-up checks."""

from parkops.workdays.apps import check_office_hours


def test_the_system_check_reports_malformed_office_hours(settings):
    settings.PARKOPS_OFFICE_HOURS = "nine to five"
    assert [error.id for error in check_office_hours()] == ["workdays.E001"]
    settings.PARKOPS_OFFICE_HOURS = "09:00-12:00,13:30-17:30"
    assert check_office_hours() == []

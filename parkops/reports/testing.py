"""The report card in the scoping suite: a page and an API operation of no model."""

from parkops.core.testing import Endpoint, declare_endpoints, park_itself


def _park_name(park) -> str:
    return park.name


def _card_query(park) -> str:
    return f"park={park.code}&period=2023-H1"


declare_endpoints(
    Endpoint("reports:card", park_itself, text=_park_name, query=_card_query),
    Endpoint("api:report_card", park_itself, api=True, text=_park_name, query=_card_query),
)

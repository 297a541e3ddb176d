"""The ParkOps API: every app's router under /api/ (found by ``core.registry``)."""

from parkops.core.api_base import create_api
from parkops.core.registry import api_routers

api = create_api()
for router in api_routers():
    api.add_router("/", router)

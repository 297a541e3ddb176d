"""The ParkOps API: every app's router under /api/."""

from parkops.core.api import router as core_router
from parkops.core.api_base import create_api
from parkops.core.exchange.api import router as exchange_router
from parkops.enterprises.api import router as enterprise_router
from parkops.promotion.api import router as promotion_router
from parkops.reports.api import router as reports_router
from parkops.workdays.api import router as workdays_router

api = create_api()
api.add_router("/", core_router)
api.add_router("/", promotion_router)
api.add_router("/", enterprise_router)
api.add_router("/", exchange_router)
api.add_router("/", workdays_router)
api.add_router("/", reports_router)

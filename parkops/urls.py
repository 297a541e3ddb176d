from django.urls import include, path

from parkops.api import api
from parkops.core.registry import app_url_patterns

# Each app's pages come from its own urls.py at the prefix its AppConfig names.
urlpatterns = [
    path("", include("parkops.core.urls")),
    path("exchange/", include("parkops.core.exchange.urls")),
    *app_url_patterns(),
    path("api/", api.urls),
]

handler403 = "parkops.core.views.error_403"
handler404 = "parkops.core.views.error_404"
handler500 = "parkops.core.views.error_500"

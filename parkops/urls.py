from django.urls import include, path

from parkops.api import api

urlpatterns = [
    path("", include("parkops.core.urls")),
    path("accounts/", include("parkops.accounts.urls")),
    path("enterprises/", include("parkops.enterprises.urls")),
    path("promotion/", include("parkops.promotion.urls")),
    path("calendar/", include("parkops.workdays.urls")),
    path("reports/", include("parkops.reports.urls")),
    path("exchange/", include("parkops.core.exchange.urls")),
    path("api/", api.urls),
]

handler403 = "parkops.core.views.error_403"
handler404 = "parkops.core.views.error_404"
handler500 = "parkops.core.views.error_500"

from django.urls import path

from parkops.reports import views

app_name = "reports"
urlpatterns = [
    path("card/", views.card, name="card"),
]

from django.urls import path

from parkops.promotion import views

app_name = "promotion"
urlpatterns = [
    path("units/", views.PromotionUnitListView.as_view(), name="promotionunit_list"),
    path("units/new/", views.PromotionUnitEditView.as_view(), name="promotionunit_add"),
    path("units/<int:pk>/", views.PromotionUnitDetailView.as_view(), name="promotionunit_detail"),
    path("units/<int:pk>/edit/", views.PromotionUnitEditView.as_view(), name="promotionunit_edit"),
]

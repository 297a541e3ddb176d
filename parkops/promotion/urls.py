from django.urls import path

from parkops.promotion import views

app_name = "promotion"
urlpatterns = [
    path("structure/", views.PromotionStructureView.as_view(), name="structure"),
    path("units/", views.PromotionUnitListView.as_view(), name="promotionunit_list"),
    path("units/new/", views.PromotionUnitEditView.as_view(), name="promotionunit_add"),
    path("units/<int:pk>/", views.PromotionUnitDetailView.as_view(), name="promotionunit_detail"),
    path("units/<int:pk>/edit/", views.PromotionUnitEditView.as_view(), name="promotionunit_edit"),
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path("institutions/new/", views.InstitutionEditView.as_view(), name="institution_add"),
    path(
        "institutions/<int:pk>/",
        views.InstitutionDetailView.as_view(),
        name="institution_detail",
    ),
    path(
        "institutions/<int:pk>/edit/",
        views.InstitutionEditView.as_view(),
        name="institution_edit",
    ),
    path(
        "institutions/<int:pk>/contacts/new/",
        views.institution_contact_create,
        name="institutioncontact_add",
    ),
    path(
        "institution-contacts/<int:pk>/phone/",
        views.institution_contact_phone,
        name="institutioncontact_phone",
    ),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", views.VisitEditView.as_view(), name="visit_add"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    path("events/", views.PromotionEventListView.as_view(), name="promotionevent_list"),
    path("events/new/", views.PromotionEventEditView.as_view(), name="promotionevent_add"),
    path(
        "events/<int:pk>/", views.PromotionEventDetailView.as_view(), name="promotionevent_detail"
    ),
    path(
        "events/<int:pk>/edit/",
        views.PromotionEventEditView.as_view(),
        name="promotionevent_edit",
    ),
]

from django.urls import path

from parkops.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("new/", views.EnterpriseEditView.as_view(), name="enterprise_add"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_add"),
    path("contacts/<int:pk>/phone/", views.contact_phone, name="contact_phone"),
    path("contacts/<int:pk>/anonymise/", views.contact_anonymise, name="contact_anonymise"),
]

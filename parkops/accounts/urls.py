from django.urls import path

from parkops.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("2fa/", views.otp_setup, name="otp_setup"),
    path("language/", views.language_switch, name="language_switch"),
    path("tokens/", views.token_list, name="apitoken_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="apitoken_revoke"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/export.xlsx", views.user_export, name="user_export"),
    path("users/export.csv", views.user_export, {"fmt": "csv"}, name="user_export_csv"),
    path("users/new/", views.user_create, name="user_add"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password-reset/", views.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/memberships/", views.membership_grant, name="membership_grant"),
    path(
        "users/<int:pk>/memberships/<int:membership_pk>/revoke/",
        views.membership_revoke,
        name="membership_revoke",
    ),
    path(
        "users/<int:pk>/sessions/<int:session_pk>/end/", views.session_end, name="usersession_end"
    ),
    path("users/<int:pk>/2fa-reset/", views.otp_reset, name="otp_reset"),
    path("lockouts/", views.lockout_list, name="lockout_list"),
    path("lockouts/<int:pk>/lift/", views.lockout_lift, name="lockout_lift"),
]

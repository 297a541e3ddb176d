"""Accounts in the scoping suite: none of its pages shows park data."""

from parkops.core.testing import declare_endpoints

_ADMINS = "accounts, not park data: administrators only (test_security)"
declare_endpoints(
    exempt={
        "accounts:login": "public",
        "accounts:login_verify": "second sign-in step of a pending login (test_security)",
        "accounts:password_change": "the caller's own password (test_security)",
        "accounts:otp_setup": "the caller's own second factor (test_security)",
        "accounts:user_list": _ADMINS,
        "accounts:user_export": _ADMINS,
        "accounts:user_export_csv": _ADMINS,
        "accounts:user_add": _ADMINS,
        "accounts:user_detail": _ADMINS,
        "accounts:user_set_active": "system administrator only (test_security)",
        "accounts:user_password_reset": "system administrator only (test_security)",
        "accounts:membership_grant": "security administrator only (test_security)",
        "accounts:membership_revoke": "security administrator only (test_security)",
        "accounts:usersession_end": "security administrator only (test_security)",
        "accounts:otp_reset": "security administrator only (test_security)",
        "accounts:lockout_list": "security administrator only (test_security)",
        "accounts:lockout_lift": "security administrator only (test_security)",
        "accounts:logout": "ends the caller's own session",
        "accounts:language_switch": "the caller's own preference",
        "accounts:apitoken_list": "the caller's own tokens (accounts tests)",
        "accounts:apitoken_revoke": "the caller's own tokens (accounts tests)",
    }
)

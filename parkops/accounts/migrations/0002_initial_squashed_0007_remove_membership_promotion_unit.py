"""Accounts 0002–0007 in one, as a new database needs them: the final state,
without ``Membership.promotion_unit`` (0002 added it, 0007 dropped it in favour of
the promotion app's unit members). So the accounts app, part of the platform,
depends on no leaf app: a new database migrates accounts without promotion.

A database that applied 0002–0007 counts this as applied; one part-way through
them finishes with the replaced migrations (kept until no such database is left),
where 0007 itself copies each membership's unit into the unit's members (looking
the promotion models up by name, with no dependency on a promotion migration).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_name_pinyin(apps, schema_editor):
    """As 0006: accounts get the pinyin sort key of the name the user list shows."""
    from parkops.core.text import pinyin_sort_key

    model = apps.get_model("accounts", "User")
    rows = list(model.objects.only("pk", "username", "full_name"))
    for row in rows:
        row.name_pinyin = pinyin_sort_key(row.full_name or row.username)
    model.objects.bulk_update(rows, ["name_pinyin"], batch_size=500)


class Migration(migrations.Migration):
    replaces = [
        ("accounts", "0002_initial"),
        ("accounts", "0003_security"),
        ("accounts", "0004_lockout_attempts"),
        ("accounts", "0005_verbose_names"),
        ("accounts", "0006_name_pinyin"),
        ("accounts", "0007_remove_membership_promotion_unit"),
    ]

    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="alliance",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.alliance",
                verbose_name="alliance",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="park",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.park",
                verbose_name="park",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("park__isnull", False)),
                fields=("user", "role", "park"),
                name="membership_unique_park",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("alliance__isnull", False)),
                fields=("user", "role", "alliance"),
                name="membership_unique_alliance",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("alliance__isnull", True), ("park__isnull", True)),
                fields=("user", "role"),
                name="membership_unique_global",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="can_view_personal_data",
            field=models.BooleanField(default=False, verbose_name="may view personal data"),
        ),
        migrations.AddField(
            model_name="user",
            name="is_demo",
            field=models.BooleanField(default=False, verbose_name="demo account"),
        ),
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(default=False, verbose_name="must change password"),
        ),
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="password changed"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="key_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="key hash"),
        ),
        migrations.CreateModel(
            name="Lockout",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("username", "account"), ("ip", "client address (slowed down)")],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("key", models.CharField(max_length=150, verbose_name="locked")),
                ("locked_until", models.DateTimeField(verbose_name="locked until")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="locked at")),
                (
                    "lifted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="lifted at"),
                ),
                (
                    "lifted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="lifted by",
                    ),
                ),
            ],
            options={
                "verbose_name": "lockout",
                "verbose_name_plural": "lockouts",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(fields=["kind", "key", "locked_until"], name="lockout_lookup")
                ],
            },
        ),
        migrations.CreateModel(
            name="LoginAttempt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "username",
                    models.CharField(db_index=True, max_length=150, verbose_name="username"),
                ),
                (
                    "ip",
                    models.GenericIPAddressField(
                        blank=True, db_index=True, null=True, verbose_name="client IP"
                    ),
                ),
                (
                    "time",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time"),
                ),
                ("pending", models.BooleanField(default=True, verbose_name="being checked")),
            ],
            options={
                "verbose_name": "login attempt",
                "verbose_name_plural": "login attempts",
            },
        ),
        migrations.CreateModel(
            name="PasswordHistory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("password", models.CharField(max_length=128, verbose_name="password hash")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "password history",
                "verbose_name_plural": "password history",
            },
        ),
        migrations.CreateModel(
            name="UserSession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sid", models.CharField(max_length=32, unique=True, verbose_name="session id")),
                (
                    "ip",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="client IP"),
                ),
                (
                    "user_agent",
                    models.CharField(blank=True, max_length=200, verbose_name="browser"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="signed in")),
                ("last_seen_at", models.DateTimeField(auto_now_add=True, verbose_name="last seen")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended")),
                (
                    "ended_reason",
                    models.CharField(blank=True, max_length=30, verbose_name="reason"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sessions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "ordering": ["-last_seen_at"],
            },
        ),
        migrations.AddField(
            model_name="user",
            name="name_pinyin",
            field=models.CharField(
                blank=True, editable=False, max_length=400, verbose_name="name pinyin"
            ),
        ),
        migrations.RunPython(fill_name_pinyin, migrations.RunPython.noop),
    ]

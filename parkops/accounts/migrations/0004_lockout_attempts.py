from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_security"),
    ]

    operations = [
        migrations.RenameModel(old_name="LoginFailure", new_name="LoginAttempt"),
        # Rows kept so far are failures: they get False; new attempts start pending.
        migrations.AddField(
            model_name="loginattempt",
            name="pending",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="loginattempt",
            name="pending",
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name="lockout",
            name="kind",
            field=models.CharField(
                choices=[("username", "account"), ("ip", "client address (slowed down)")],
                max_length=10,
                verbose_name="kind",
            ),
        ),
    ]

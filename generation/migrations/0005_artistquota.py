"""Quotas move from accounts (the old `portal` app) to generation, which counts render jobs against them:
same table, then renamed generation_artistquota."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("generation", "0004_presets_and_outputs"),
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ArtistQuota",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "concurrent_jobs",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Queued or rendering jobs at once; empty = QUOTA_CONCURRENT_JOBS.",
                                null=True,
                            ),
                        ),
                        (
                            "seconds_per_day",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="Seconds of video per UTC day; empty = QUOTA_SECONDS_PER_DAY.",
                                null=True,
                            ),
                        ),
                        (
                            "priority",
                            models.BooleanField(
                                default=False, help_text="Priority lane: this artist's jobs are dispatched first."
                            ),
                        ),
                        (
                            "priority_until",
                            models.DateTimeField(
                                blank=True,
                                null=True,
                                help_text="UTC. The priority lane ends at this time (a contest's "
                                "deadline); empty = until an admin removes it.",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=200)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="quota",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "portal_artistquota"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="artistquota", table=None),
    ]

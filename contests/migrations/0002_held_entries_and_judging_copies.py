"""Contests may hold entries out of the gallery until results (judging copies for judges).

Existing contests keep today's behaviour: the column is added with False for their rows, then its default
becomes True, so new contests hold their entries.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contests", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contest",
            name="holds_entries",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="contest",
            name="holds_entries",
            field=models.BooleanField(
                default=True,
                help_text="Entries are clips not yet published: approved, they are held out of the public gallery and published with the results, so judges see clips nobody can match to an artist. Off: entries are published clips.",
            ),
        ),
        migrations.AddField(
            model_name="contest",
            name="judges_see_prompt",
            field=models.BooleanField(
                default=False, help_text="Judges read each entry's prompt (a prompt can tell who wrote it)."
            ),
        ),
        migrations.AddField(
            model_name="entry",
            name="judging_poster",
            field=models.FileField(blank=True, editable=False, max_length=255, upload_to=""),
        ),
        migrations.AddField(
            model_name="entry",
            name="judging_sha256",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="entry",
            name="judging_video",
            field=models.FileField(blank=True, editable=False, max_length=255, upload_to=""),
        ),
    ]

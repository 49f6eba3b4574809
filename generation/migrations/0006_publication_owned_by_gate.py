"""The publication columns stay on the clip table but belong to the publication gate (approvals.gate):
the state column loses its choices (the states are declared in approvals), and `is_public`, the one
thing generation reads to serve the gallery and media, is added and filled from each clip's state."""

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def fill_is_public(apps, schema_editor):
    Clip = apps.get_model("generation", "Clip")
    public = Q(publication="published") & (Q(publish_at__isnull=True) | Q(publish_at__lte=timezone.now()))
    Clip.objects.filter(public).update(is_public=True)


class Migration(migrations.Migration):
    dependencies = [
        ("generation", "0005_artistquota"),
    ]

    operations = [
        migrations.AlterField(
            model_name="clip",
            name="publication",
            field=models.CharField(
                db_index=True,
                default="private",
                max_length=24,
                help_text="State at the publication gate (approvals.gate.Publication); a new clip is private.",
            ),
        ),
        migrations.AddField(
            model_name="clip",
            name="is_public",
            field=models.BooleanField(
                db_index=True,
                default=False,
                help_text="Published: in the gallery, its media public and cacheable.",
            ),
        ),
        migrations.RunPython(fill_is_public, migrations.RunPython.noop),
    ]

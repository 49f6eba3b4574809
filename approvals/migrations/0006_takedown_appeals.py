# Takedowns recorded as decided reviews; an appeal names the decision it appeals (once each).

from django.conf import settings
from django.db import migrations, models


def appeals_were_of_rejections(apps, schema_editor):
    """Until now only a rejection could be appealed."""
    apps.get_model("approvals", "Review").objects.filter(is_appeal=True).update(appeal_of="reject")


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0005_policy_seed"),
        ("generation", "0006_publication_owned_by_gate"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="review",
            name="refusal_needs_clause_and_reason",
        ),
        migrations.RemoveConstraint(
            model_name="review",
            name="one_appeal_per_clip",
        ),
        migrations.AddField(
            model_name="review",
            name="appeal_of",
            field=models.CharField(
                blank=True,
                choices=[("reject", "Rejected"), ("take_down", "Taken down")],
                help_text="For an appeal: the decision appealed (a rejection or a takedown), each appealable once.",
                max_length=16,
            ),
        ),
        migrations.RunPython(appeals_were_of_rejections, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="review",
            name="decision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("approve", "Approved"),
                    ("changes", "Changes requested"),
                    ("reject", "Rejected"),
                    ("take_down", "Taken down"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decision__in", ["reject", "changes", "take_down"]), _negated=True),
                    models.Q(models.Q(("reason", ""), _negated=True), ("clause__isnull", False)),
                    _connector="OR",
                ),
                name="refusal_needs_clause_and_reason",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("appeal_of", ""), ("is_appeal", False)),
                    models.Q(("appeal_of__in", ["reject", "take_down"]), ("is_appeal", True)),
                    _connector="OR",
                ),
                name="appeal_names_what_it_appeals",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_appeal", True)),
                fields=("clip", "appeal_of"),
                name="one_appeal_per_clip_and_decision",
            ),
        ),
    ]

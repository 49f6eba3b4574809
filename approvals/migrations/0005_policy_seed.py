"""A starter publication policy; admins edit, extend or deactivate it."""

from django.db import migrations

CLAUSES = [
    (
        "P1",
        "Consent and real people",
        "No depiction of a real, identifiable person without their consent, "
        "and no sexual content involving anyone real.",
        10,
    ),
    ("P2", "Minors", "No sexual or violent content involving minors, in any style.", 20),
    ("P3", "Hate and harassment", "No content that attacks people for who they are.", 30),
    ("P4", "Graphic violence", "No gratuitous gore or cruelty.", 40),
    ("P5", "Others' work", "No copying of another artist's recognisable work or trademarks.", 50),
    (
        "P6",
        "Quality and credit",
        "The clip must work as a finished piece: no broken renders, and the prompt must be the artist's own.",
        60,
    ),
]


def seed(apps, schema_editor):
    PolicyClause = apps.get_model("approvals", "PolicyClause")
    for code, title, text, position in CLAUSES:
        PolicyClause.objects.get_or_create(code=code, defaults={"title": title, "text": text, "position": position})


class Migration(migrations.Migration):
    dependencies = [("approvals", "0004_approvals_gate")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

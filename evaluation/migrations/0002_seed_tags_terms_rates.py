"""The starting tag taxonomy, the first "model evaluation" terms and the rating and pairwise rates.

The model team edits the tags in the admin afterwards; admins change the rates and publish new terms there.
"""

from decimal import Decimal

from django.db import migrations

TAGS = [
    ("prompt-adherence", "Prompt adherence", "p", "The clip does not show what the prompt asks for."),
    ("motion", "Motion", "m", "Movement is wrong: too little, too much, jerky or implausible."),
    ("physics", "Physics", "y", "Objects break physical rules: pass through each other, float, deform."),
    ("anatomy", "Anatomy", "a", "Bodies, hands or faces are malformed."),
    ("text-rendering", "Text rendering", "t", "Letters or signs are garbled."),
    ("temporal-flicker", "Temporal flicker", "f", "Frames flicker or objects change from frame to frame."),
    ("safety-concern", "Safety concern", "s", "The clip shows something it should not."),
]
TERMS = (
    "Vernissage may put the clips you render, with their prompts, settings, your ratings, tags, notes and "
    "pairwise choices, into datasets its model team uses to evaluate and improve its models. Your name is "
    "not in those datasets. Revoking excludes your clips from any dataset exported after the revocation."
)
RATES = [("rating", Decimal("1.00"), "rating"), ("pairwise", Decimal("0.50"), "comparison")]


def seed(apps, schema_editor):
    Tag = apps.get_model("evaluation", "Tag")
    ConsentTerms = apps.get_model("artists", "ConsentTerms")
    LedgerRate = apps.get_model("artists", "LedgerRate")
    for position, (slug, name, shortcut, description) in enumerate(TAGS):
        Tag.objects.get_or_create(
            slug=slug, defaults={"name": name, "shortcut": shortcut, "description": description, "position": position}
        )
    if not ConsentTerms.objects.filter(use="model_evaluation").exists():
        ConsentTerms.objects.create(use="model_evaluation", version=1, text=TERMS)
    for kind, amount, unit in RATES:
        if not LedgerRate.objects.filter(kind=kind).exists():
            LedgerRate.objects.create(kind=kind, amount=amount, unit=unit)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_ratings_versions_rounds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

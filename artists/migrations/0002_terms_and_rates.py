"""The first version of each use's consent terms and starting rates (admins change both later)."""

from decimal import Decimal

from django.db import migrations

TERMS = {
    "featured": "Vernissage may show this clip in the featured row of its public gallery, credited to you by "
    "name and linked to your profile, until you revoke this consent.",
    "marketing": "Vernissage may use this clip in its own marketing (web site, social media, press), always "
    "credited to you by name. Each use is recorded, shown to you and paid at the promotional rate. "
    "Revoking stops any new use; material already published is not recalled.",
    "screenings": "Vernissage may screen this clip at events and exhibitions it runs or joins, credited to you "
    "by name. Each screening is recorded and paid at the promotional rate.",
    "training": "Vernissage may use this clip, its prompt and settings as training or evaluation data for its "
    "models. Each use is recorded and paid at the promotional rate. Revoking excludes the clip from "
    "any dataset built after the revocation.",
}
RATES = [
    ("feedback", Decimal("25.00"), "item"),
    ("testing", Decimal("30.00"), "hour"),
    ("promo", Decimal("50.00"), "use"),
]


def seed(apps, schema_editor):
    ConsentTerms = apps.get_model("artists", "ConsentTerms")
    LedgerRate = apps.get_model("artists", "LedgerRate")
    for use, text in TERMS.items():
        if not ConsentTerms.objects.filter(use=use).exists():
            ConsentTerms.objects.create(use=use, version=1, text=text)
    for kind, amount, unit in RATES:
        if not LedgerRate.objects.filter(kind=kind).exists():
            LedgerRate.objects.create(kind=kind, amount=amount, unit=unit)


class Migration(migrations.Migration):
    dependencies = [("artists", "0001_artists_first")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""After the redesign: accounts hands the audit log to core and quotas to generation (their migrations
take the tables over), renames its own tables from portal_* to accounts_*, and moves the content types
(and with them permissions and admin history) to the apps that now own each model."""

from django.db import migrations

NEW_APP = {
    "user": "accounts",
    "invitation": "accounts",
    "apitoken": "accounts",
    "tokensighting": "accounts",
    "auditevent": "core",
    "artistquota": "generation",
}


def content_types_follow_models(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old in ContentType.objects.filter(app_label="portal"):
        app_label = NEW_APP.get(old.model)
        if app_label is None:
            continue
        if ContentType.objects.filter(app_label=app_label, model=old.model).exists():
            continue  # already there (a partly migrated database): keep the one in use
        old.app_label = app_label
        old.save(update_fields=["app_label"])


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in NEW_APP.items():
        ContentType.objects.filter(app_label=app_label, model=model).update(app_label="portal")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("generation", "0005_artistquota"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="ArtistQuota"),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="user", table=None),
        migrations.AlterModelTable(name="invitation", table=None),
        migrations.AlterModelTable(name="apitoken", table=None),
        migrations.AlterModelTable(name="tokensighting", table=None),
        migrations.RunPython(content_types_follow_models, content_types_go_back),
    ]

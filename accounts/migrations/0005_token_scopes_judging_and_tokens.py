"""Two new token scopes, `judging` (the judging API) and `tokens` (listing and revoking tokens), given to the
existing tokens that need them to keep working.

Before, the judging routes and the token routes took any token. The rule here: a token that still had
every scope its account could grant (the default, never narrowed) keeps doing all it did, so it gets
`tokens`, and `judging` when its account judges. A token its owner narrowed (say a read-only clips:read
token of an artist who also judges) gets neither: narrowing it meant it should not act for them, and
those were the holes (a read-only token revoked another one, a clips:read token saved scores). A judge
who is not an artist could only ever grant clips:read, so that judge's tokens are full and keep judging.
"""

from django.db import migrations
from django.db.models import Q

ARTIST_SCOPES = ["renders:write", "clips:read", "clips:write", "contests:write"]
ORDER = ["renders:write", "clips:read", "clips:write", "contests:write", "review", "judging", "tokens"]


def _holds(user, Permission, label: str) -> bool:
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    app_label, codename = label.split(".")
    return (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .filter(Q(group__user=user) | Q(user=user))
        .exists()
    )


def grant(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    Permission = apps.get_model("auth", "Permission")
    roles = {}
    for token in ApiToken.objects.select_related("user").iterator():
        user = token.user
        if user.pk not in roles:
            roles[user.pk] = (
                _holds(user, Permission, "generation.submit_render"),
                _holds(user, Permission, "approvals.review_clip"),
                _holds(user, Permission, "contests.judge_entries"),
            )
        is_artist, is_moderator, is_judge = roles[user.pk]
        could_grant = set(ARTIST_SCOPES if is_artist else ["clips:read"]) | ({"review"} if is_moderator else set())
        scopes = set(token.scopes or [])
        if not scopes >= could_grant:
            continue  # narrowed by its owner: no new powers
        scopes |= {"tokens"} | ({"judging"} if is_judge else set())
        token.scopes = [scope for scope in ORDER if scope in scopes]
        token.save(update_fields=["scopes"])


def take_back(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.iterator():
        kept = [scope for scope in token.scopes or [] if scope not in ("judging", "tokens")]
        if kept != token.scopes:
            token.scopes = kept
            token.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_judge_role"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, take_back, elidable=False)]

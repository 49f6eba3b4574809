"""Admin: rates and terms are edited here; the ledger is read-only (corrections are reversing entries)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from artists.consent import terms_publish
from artists.ledger import ledger_reverse, rate_set
from artists.models import (
    ChangelogEntry,
    ClipConsent,
    ConsentTerms,
    Export,
    Feedback,
    LedgerEntry,
    LedgerRate,
    PromoUse,
)
from core.admin import ReadOnlyAdmin


@admin.register(LedgerRate)
class LedgerRateAdmin(admin.ModelAdmin):
    list_display = ("kind", "amount", "unit", "updated_at")

    def save_model(self, request, obj, form, change):
        saved = rate_set(kind=obj.kind, amount=obj.amount, unit=obj.unit, actor=request.user, request=request)
        obj.pk = saved.pk


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "artist", "kind", "quantity", "rate", "amount", "reference", "reverses")
    list_filter = ("kind",)
    search_fields = ("artist__username", "reference", "memo")
    actions = ["reverse_entries"]

    @admin.action(description="Reverse the selected entries (append a correcting entry)")
    def reverse_entries(self, request, queryset):
        for entry in queryset:
            try:
                ledger_reverse(entry_id=entry.pk, reason="Reversed from the admin", actor=request.user, request=request)
            except ValidationError as exc:
                self.message_user(request, f"#{entry.pk}: {' '.join(exc.messages)}", messages.ERROR)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(ConsentTerms)
class ConsentTermsAdmin(admin.ModelAdmin):
    """Terms are never edited: adding terms for a use publishes its next version."""

    list_display = ("use", "version", "published_at")
    fields = ("use", "text")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = terms_publish(use=obj.use, text=obj.text, actor=request.user, request=request)
        obj.pk, obj.version = saved.pk, saved.version


@admin.register(ClipConsent)
class ClipConsentAdmin(ReadOnlyAdmin):
    list_display = ("clip", "use", "terms", "granted_at", "revoked_at")


@admin.register(PromoUse)
class PromoUseAdmin(ReadOnlyAdmin):
    list_display = ("clip", "use", "terms_version", "purpose", "used_by", "created_at")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "kind", "status", "artist", "created_at")
    list_filter = ("status", "kind")


@admin.register(ChangelogEntry)
class ChangelogEntryAdmin(ReadOnlyAdmin):
    list_display = ("title", "created_at")


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    list_display = ("id", "artist", "status", "progress", "created_at", "expires_at")

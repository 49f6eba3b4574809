"""Admin: the model team edits the tag taxonomy and the model versions; ratings, rounds and votes are read here."""

from django import forms
from django.contrib import admin

from core.admin import ReadOnlyAdmin
from evaluation.models import EvaluationConsent, Pair, Rating, Round, Tag, Vote
from evaluation.services import version_make_current
from generation.models import ModelVersion


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "shortcut", "position", "active")
    list_editable = ("position", "active")
    prepopulated_fields = {"slug": ("name",)}


class ModelVersionForm(forms.ModelForm):
    class Meta:
        model = ModelVersion
        fields = ["preset", "label", "revision", "release_notes", "is_current"]

    def _get_validation_exclusions(self):
        # Marking a version current replaces the preset's current one (save_model), not an error.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("is_current")
        return exclusions


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    form = ModelVersionForm
    list_display = ("preset", "label", "revision", "is_current", "released_at")
    list_filter = ("preset", "is_current")
    actions = ["make_current"]

    def save_model(self, request, obj, form, change):
        current = obj.is_current
        obj.is_current = False if current else obj.is_current
        super().save_model(request, obj, form, change)
        if current:
            version_make_current(version=obj, actor=request.user, request=request)

    @admin.action(description="Make the selected version current for its preset")
    def make_current(self, request, queryset):
        for version in queryset:
            version_make_current(version=version, actor=request.user, request=request)


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("clip", "artist", "overall", "created_at")
    list_filter = ("overall", "tags")


class PairInline(admin.TabularInline):
    model = Pair
    extra = 0
    can_delete = False
    readonly_fields = ("clip_a", "clip_b", "prompt", "seed")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("title", "version_a", "version_b", "status", "created_at")
    readonly_fields = ("version_a", "version_b", "opened_by", "closed_at")
    inlines = [PairInline]

    def has_add_permission(self, request):
        return False  # rounds are opened on /evaluation/rounds/, which finds their pairs


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("pair", "artist", "choice", "a_shown_left", "created_at")


@admin.register(EvaluationConsent)
class EvaluationConsentAdmin(ReadOnlyAdmin):
    list_display = ("artist", "terms", "granted_at", "revoked_at")

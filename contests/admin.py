"""Admins create contests with their rubric and judges; entries and scorecards are read-only here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from contests import judging, services
from contests.models import Contest, Criterion, Entry, Scorecard
from contests.services import JUDGE_GROUP
from core import clock
from core.admin import ReadOnlyAdmin


class CriterionInline(admin.TabularInline):
    """The rubric is published with the rules: it can change only until the contest opens."""

    model = Criterion
    extra = 3
    fields = ("position", "name", "description", "weight")

    def _locked(self, obj) -> bool:
        return obj is not None and obj.pk is not None and clock.now() >= obj.opens_at

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "opens_at", "closes_at", "judging_ends_at", "results_published_at", "pages")
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title", "slug")
    filter_horizontal = ("judges",)
    inlines = [CriterionInline]
    readonly_fields = ("results_published_at", "results_published_by", "created_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "theme", "rules")}),
        ("Dates (UTC)", {"fields": ("opens_at", "closes_at", "judging_ends_at")}),
        (
            "Entries and judging",
            {
                "fields": (
                    "max_entries_per_artist",
                    "winners_count",
                    "holds_entries",
                    "judges_see_prompt",
                    "judges",
                )
            },
        ),
        ("Results", {"fields": ("results_published_at", "results_published_by", "created_at")}),
    )
    actions = ["publish_results", "grant_priority_lane"]

    def get_readonly_fields(self, request, obj=None):
        """Whether entries are held is part of the rules artists enter under: fixed once the contest opens."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk is not None and clock.now() >= obj.opens_at:
            fields.append("holds_entries")
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "judges":
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=JUDGE_GROUP, is_active=True).distinct()
            kwargs["help_text"] = "Accounts in the “judge” group. Judges who enter are recused from their own entries."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="Pages")
    def pages(self, obj):
        return format_html(
            '<a href="{}">public</a> · <a href="{}">judging progress</a>',
            reverse("contest_detail", args=[obj.slug]),
            reverse("contest_progress", args=[obj.slug]),
        )

    @admin.action(description="Publish the results of the selected contests")
    def publish_results(self, request, queryset):
        for contest in queryset:
            try:
                judging.contest_publish_results(contest_id=contest.pk, admin=request.user, request=request)
            except ValidationError as exc:
                self.message_user(request, f"{contest.title}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{contest.title}: results published.", messages.SUCCESS)

    @admin.action(
        description="Give the entrants of the selected open contests the render priority lane until each contest closes"
    )
    def grant_priority_lane(self, request, queryset):
        for contest in queryset:
            try:
                count = services.contest_grant_priority_lane(contest_id=contest.pk, admin=request.user, request=request)
            except ValidationError as exc:
                self.message_user(request, f"{contest.title}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{contest.title}: {count} entrant(s) in the priority lane until "
                    f"{services.utc(contest.closes_at)}.",
                    messages.SUCCESS,
                )


class _ReadOnly(ReadOnlyAdmin):
    allow_delete = True  # an admin may delete a stray entry or scorecard, never edit one


@admin.register(Entry)
class EntryAdmin(_ReadOnly):
    list_display = ("contest", "number", "artist", "clip", "status", "entered_at")
    list_filter = ("status", "contest")
    search_fields = ("artist__username", "contest__slug")


@admin.register(Scorecard)
class ScorecardAdmin(_ReadOnly):
    list_display = ("entry", "judge", "submitted_at", "updated_at")
    list_filter = ("entry__contest",)

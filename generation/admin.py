from django.contrib import admin

from core.admin import ReadOnlyAdmin
from core.admin_audit import AuditedAdminMixin
from generation.jobs.farm import live_cutoff
from generation.models import ArtistQuota, Clip, PresetConfig, RenderJob, RenderWorker
from generation.runtime.presets import PRESETS


class _NoDelete:
    """Clips and render jobs change only through their services (cancel, withdraw, take down), which keep
    the state machines and the audit log whole; the admin shows them and deletes none (nor, through the
    cascade, an account that still has any)."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RenderJob)
class RenderJobAdmin(_NoDelete, admin.ModelAdmin):
    list_display = ("id", "artist", "status", "duration_s", "width", "height", "attempts", "created_at")
    list_filter = ("status", "preset", "failure")
    search_fields = ("id", "artist__username", "prompt")
    readonly_fields = [f.name for f in RenderJob._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Clip)
class ClipAdmin(_NoDelete, admin.ModelAdmin):
    list_display = ("id", "artist", "publication", "width", "height", "num_frames", "created_at", "published_at")
    list_filter = ("publication",)
    search_fields = ("id", "artist__username", "job__id")
    readonly_fields = [f.name for f in Clip._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PresetConfig)
class PresetConfigAdmin(admin.ModelAdmin):
    """Admins enable the registry's presets and may pin where each loads from."""

    list_display = ("key", "label", "enabled", "source", "revision", "rules", "workers_able", "updated_at")
    list_editable = ("enabled",)
    list_filter = ("enabled",)

    @admin.display(description="Model")
    def label(self, obj):
        return PRESETS[obj.key].label if obj.key in PRESETS else "(not in the registry)"

    @admin.display(description="Rules")
    def rules(self, obj):
        p = PRESETS.get(obj.key)
        if p is None:
            return ""
        sizes = ", ".join(f"{w}x{h}" for w, h in p.sizes) if p.sizes else f"sides multiple of {p.size_multiple}"
        return f"{sizes}; {p.frame_rule} at {p.fps} fps; {p.steps} steps"

    @admin.display(description="Live workers able to run it")
    def workers_able(self, obj):
        from generation.availability import farm_presets

        row = next((p for p in farm_presets() if p["key"] == obj.key), None)
        if row is None:
            return ""
        return ", ".join(row["able"]) or "none" + (f" ({'; '.join(row['unable'])})" if row["unable"] else "")

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from core.audit import audit_record
        from generation.availability import workers_recheck

        super().save_model(request, obj, form, change)
        transaction.on_commit(workers_recheck)  # a new source is checked at once, not at the next beat
        audit_record(
            action="preset.changed",
            request=request,
            obj=obj,
            detail={"key": obj.key, "enabled": obj.enabled, "source": obj.source, "revision": obj.revision},
        )


@admin.register(ArtistQuota)
class ArtistQuotaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Per-artist overrides of QUOTA_CONCURRENT_JOBS / QUOTA_SECONDS_PER_DAY, and the priority lane; every
    add, edit (in the list too) and delete is audited as `quota.changed` with the values before and after."""

    audit_action = "quota.changed"
    audited_fields = ("user", "concurrent_jobs", "seconds_per_day", "priority", "priority_until", "note")

    list_display = ("user", "concurrent_jobs", "seconds_per_day", "priority", "priority_until", "note", "updated_at")
    list_filter = ("priority",)
    list_editable = ("concurrent_jobs", "seconds_per_day", "priority")
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)


@admin.register(RenderWorker)
class RenderWorkerAdmin(ReadOnlyAdmin):
    """The farm as its workers announce themselves; rows are written only by the workers' heartbeats."""

    list_display = (
        "name",
        "live",
        "host",
        "device",
        "warm_preset",
        "current_job",
        "busy",
        "jobs_done",
        "loads",
        "last_seen",
    )
    list_filter = ("warm_preset", "host")
    list_select_related = ("current_job",)
    search_fields = ("name", "host", "device")

    @admin.display(boolean=True, description="Live")
    def live(self, obj):
        return obj.last_seen >= live_cutoff()

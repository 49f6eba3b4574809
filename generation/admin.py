from django.contrib import admin

from generation.models import Clip, RenderJob


@admin.register(RenderJob)
class RenderJobAdmin(admin.ModelAdmin):
    list_display = ("id", "artist", "status", "duration_s", "width", "height", "attempts", "created_at")
    list_filter = ("status", "preset")
    search_fields = ("id", "artist__username", "prompt")
    readonly_fields = [f.name for f in RenderJob._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Clip)
class ClipAdmin(admin.ModelAdmin):
    list_display = ("id", "artist", "publication", "width", "height", "num_frames", "created_at", "published_at")
    list_filter = ("publication",)
    search_fields = ("id", "artist__username", "job__id")
    readonly_fields = [f.name for f in Clip._meta.fields]

    def has_add_permission(self, request):
        return False

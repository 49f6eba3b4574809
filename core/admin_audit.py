"""An admin mixin that audits what admins change: each add, change or delete of the fields a model admin
names writes one audit record with their values before and after (many-to-many fields included)."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.audit import audit_record


def _plain(value: Any) -> Any:
    """A value as the audit log's JSON can hold it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class AuditedAdminMixin:
    """Put before a ModelAdmin: `audited_fields` are recorded under `audit_action` (with `created` or
    `deleted` in the detail when that is what happened). The change list's inline edits are audited too:
    Django saves them through the same save_model/save_related as the change form."""

    audited_fields: tuple[str, ...] = ()
    audit_action = ""

    def audit_snapshot(self, obj: models.Model) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.audited_fields:
            field = obj._meta.get_field(name)
            if field.many_to_many:
                values[name] = sorted(str(item) for item in getattr(obj, name).all()) if obj.pk else []
            else:
                values[name] = _plain(getattr(obj, field.attname))
        return values

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = self.audit_snapshot(stored) if stored is not None else {}
        obj._audit_before = before  # read in save_related, once the many-to-many fields are saved too
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        obj = form.instance
        before = getattr(obj, "_audit_before", {})
        after = self.audit_snapshot(obj)
        changed = sorted(name for name in after if before.get(name) != after[name]) if change else sorted(after)
        if changed:
            audit_record(
                action=self.audit_action,
                request=request,
                obj=obj,
                detail={
                    "created": not change,
                    "changed": changed,
                    "before": {name: before.get(name) for name in changed} if change else {},
                    "after": {name: after[name] for name in changed},
                },
            )

    def _audit_deleted(self, request, obj) -> None:
        audit_record(
            action=self.audit_action,
            request=request,
            obj=obj,
            detail={"deleted": True, "before": self.audit_snapshot(obj), "after": {}},
        )

    def delete_model(self, request, obj):
        self._audit_deleted(request, obj)
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit_deleted(request, obj)
        super().delete_queryset(request, queryset)  # type: ignore[misc]

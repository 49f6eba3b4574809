"""Serializer fields shared by the API's output serializers, for date formats the API has always used."""

from __future__ import annotations

from rest_framework import serializers


class IsoDateTimeField(serializers.DateTimeField):
    """`datetime.isoformat()` as is: a UTC moment ends in `+00:00`, microseconds kept when there are any."""

    def to_representation(self, value):
        return value.isoformat() if value else None


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 with a `Z` for UTC (contests' dates): `2026-12-01T12:00:00Z`."""

    def to_representation(self, value):
        return value.isoformat().replace("+00:00", "Z") if value else None

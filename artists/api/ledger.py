"""REST API v1: an artist's ledger, balance and CSV statement."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from artists import selectors
from artists.api.common import _require_artist
from artists.exports import ledger_csv_rows
from artists.ledger import balance_of
from core.api.fields import IsoDateTimeField

# ---------------------------------------------------------------- ledger


class LedgerEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)
    rate = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    memo = serializers.CharField()
    reference = serializers.CharField()
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)
    created_at = IsoDateTimeField()


class LedgerListApi(generics.GenericAPIView):
    """Your ledger entries, newest first, with the balance (exactly their sum)."""

    required_scopes = "clips:read"
    OutputSerializer = LedgerEntryOutputSerializer
    serializer_class = OutputSerializer

    @extend_schema(summary="Your ledger entries", operation_id="ledger_list", responses=OutputSerializer(many=True))
    def get(self, request):
        _require_artist(request)
        page = self.paginate_queryset(selectors.ledger_of(artist=request.user))
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


class BalanceOutputSerializer(serializers.Serializer):
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)


class LedgerBalanceApi(APIView):
    required_scopes = "clips:read"
    OutputSerializer = BalanceOutputSerializer

    @extend_schema(summary="Your balance", operation_id="ledger_balance_retrieve", responses=OutputSerializer)
    def get(self, request):
        _require_artist(request)
        return Response(self.OutputSerializer({"balance": balance_of(artist=request.user)}).data)


class LedgerCsvApi(APIView):
    """Your ledger as CSV, the same rows as the ledger page's download."""

    required_scopes = "clips:read"
    OutputSerializer = None  # a file (text/csv), not JSON

    @extend_schema(
        summary="Your ledger as CSV",
        operation_id="ledger_csv_retrieve",
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR, description="CSV, a header row.")},
    )
    def get(self, request):
        _require_artist(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="vernissage-ledger.csv"'
        csv.writer(response).writerows(ledger_csv_rows(selectors.ledger_of(artist=request.user)))
        return response

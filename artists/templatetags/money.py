"""`{{ amount|money }}`: a ledger amount in the page's language: two decimals, grouped thousands
("1,234.50" in English, "1.234,50" in German)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)

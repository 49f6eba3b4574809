"""Page-number pagination that reads the total from the page's own query: `COUNT(*) OVER ()` beside the rows,
so a list costs one query where Django's Paginator costs two (a COUNT, then the page).

The answer is the same as DRF's PageNumberPagination (`count`, `next`, `previous`, `results`; 404 for a page
past the end). A query the window would miscount (DISTINCT, GROUP BY, a union) or `?page=last` takes the
ordinary two-query path; so does an empty page, whose count is asked separately.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound

_TOTAL = "_page_total"


def _windowable(queryset) -> bool:
    if not isinstance(queryset, QuerySet):
        return False
    query = queryset.query
    return not (query.distinct or query.combinator or query.group_by is not None or query.is_sliced)


class WindowCountPagination(pagination.PageNumberPagination):
    """DRF's PageNumberPagination, one query per page instead of two."""

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings or not _windowable(queryset):
            return super().paginate_queryset(queryset, request, view)
        try:
            number = int(raw)
            if number < 1:
                raise ValueError
        except ValueError:
            message = _("That page number is not an integer")
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=message)) from None
        start = (number - 1) * page_size
        rows = list(queryset.annotate(**{_TOTAL: Window(Count("pk"))})[start : start + page_size])
        paginator = Paginator(queryset, page_size)
        if rows:
            first = rows[0]
            paginator.count = first[_TOTAL] if isinstance(first, dict) else getattr(first, _TOTAL)
        elif number > 1:
            message = _("That page contains no results")
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=message))
        else:
            paginator.count = 0
        self.request = request
        self.page = Page(rows, number, paginator)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return rows

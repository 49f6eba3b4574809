"""The API's one error shape, {detail, code, errors?}, as an exception."""

from __future__ import annotations


class ApiError(Exception):
    """A 4xx or 5xx answer: `status`, the stable `code` word, the `detail` sentence, per-field `errors` (400)."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        errors: dict[str, list[str]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or {}
        self.retry_after = retry_after

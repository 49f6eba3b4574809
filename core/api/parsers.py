"""The API's JSON parser: bounded in size and nesting, so no body can make a view fail with a 500.

Python's json module recurses once per level: a body nested about a thousand levels deep raised
RecursionError (a 500) on every endpoint that reads JSON. Here the body is read up to
API_JSON_MAX_BYTES (one byte more refuses it), its nesting is measured without recursion before it is
decoded, and anything deeper than API_JSON_MAX_DEPTH is refused: 400 in the one error shape, with a
message, codes `json_too_large`, `json_too_deep` or `parse_error`.
"""

from __future__ import annotations

import codecs
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings
from rest_framework.utils import json

# A JSON string (escapes included), or one bracket: what remains once strings are skipped is structure.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_OPEN = frozenset(b"[{")


def json_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in `data` (0 for a scalar), without recursion."""
    depth = deepest = 0
    for match in _TOKENS.finditer(data):
        first = match.group()[0]
        if first in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif first != 0x22:  # a closing bracket ('"' opens a string, skipped whole)
            depth -= 1
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with a size limit and a nesting limit, each a 400 with its own message."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_BYTES
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise ParseError(
                _("The JSON body is too large: at most %(limit)d bytes.") % {"limit": limit}, code="json_too_large"
            )
        max_depth = settings.API_JSON_MAX_DEPTH
        if json_depth(data) > max_depth:
            raise ParseError(
                _("The JSON body nests too deeply: at most %(depth)d levels of arrays and objects.")
                % {"depth": max_depth},
                code="json_too_deep",
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(data, encoding)
            parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, LookupError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}, code="parse_error") from None
        except RecursionError:  # cannot happen below the depth limit; never a 500 all the same
            raise ParseError(_("The JSON body nests too deeply."), code="json_too_deep") from None

"""Artists' fixtures: the first terms and rates in place, published clips, images built in memory."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from approvals.gate import Publication
from tests.factories import make_clip, make_user


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _terms_and_rates(request):
    """The migration's terms v1 and starting rates, also after a transactional test flushed them."""
    if (
        "db" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or request.node.get_closest_marker("django_db")
    ):
        request.getfixturevalue("db")
        import importlib

        from django.apps import apps

        importlib.import_module("artists.migrations.0002_terms_and_rates").seed(apps, None)


@pytest.fixture
def admin_user(db):
    return make_user("root", role="admin", display_name="Ledger Admin")


@pytest.fixture
def published(db):
    def _make(artist, **kwargs):
        return make_clip(artist, publication=Publication.PUBLISHED, **kwargs)

    return _make


def png_bytes(width: int = 8, height: int = 8, color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def image_bytes(fmt: str, width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format=fmt)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(side: int = 12_000) -> bytes:
    """A small PNG whose header claims side x side one-bit pixels: it would decompress to far more."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (side, side), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()

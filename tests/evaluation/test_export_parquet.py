"""The dataset export in Parquet: the same rows as JSON Lines (read back with pyarrow), streamed a row group at
a time, and a clear 400 where pyarrow is missing."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys

import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.urls import reverse

from evaluation import selectors
from evaluation.models import Vote
from evaluation.parquet import parquet_stream
from evaluation.services import evaluation_consent_grant, rating_save, round_open
from generation.models import Clip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def rated(admin_user, artist, versions, rendered_pairs):
    old, new = versions
    for who in {clip.artist for clip in Clip.objects.select_related("artist")}:
        evaluation_consent_grant(artist=who, terms_version=1)
    round_ = round_open(title="r", version_a_id=old.pk, version_b_id=new.pk, actor=admin_user)
    pair = round_.pairs.first()
    Vote.objects.create(pair=pair, artist=artist, choice="tie", a_shown_left=True)
    clip = Clip.objects.filter(job__model_version=new).first()
    rating_save(
        clip_id=clip.pk, artist=clip.artist, overall=4, tags=["motion"], note="ünïcode note", start_s=0, end_s=0.1
    )
    return Clip.objects.count()


def test_parquet_has_the_json_lines_rows(admin_user, rated):
    client = _client(admin_user)
    jsonl = client.get(reverse("evaluation:export"))
    rows = [json.loads(line) for line in b"".join(jsonl.streaming_content).decode().splitlines()]
    answer = client.get(reverse("evaluation:export"), {"format": "parquet"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/vnd.apache.parquet"
    assert answer["Content-Disposition"].endswith('.parquet"') and "format=parquet" in answer["Link"]
    table = pq.read_table(io.BytesIO(b"".join(answer.streaming_content)))
    assert len(rows) >= 6 and table.num_rows == len(rows)
    assert table.to_pylist() == rows
    assert any(r["ratings"] and r["ratings"][0]["note"] == "ünïcode note" for r in table.to_pylist())
    assert any(p["outcome"] == "tie" for r in table.to_pylist() for p in r["pairwise"])


def test_parquet_is_written_and_sent_a_row_group_at_a_time(rated):
    since, until = dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)

    def rows():
        for row in selectors.export_rows(since=since, until=until):
            row["clip_url"], row["video_url"] = row.pop("clip_path"), row.pop("video_path")
            yield row

    parts = list(parquet_stream(rows(), row_group=2))
    expected = list(rows())
    assert len(parts) >= len(expected) // 2 + 1  # one part per row group, then the footer
    parquet = pq.ParquetFile(io.BytesIO(b"".join(parts)))
    assert parquet.metadata.num_row_groups == -(-len(expected) // 2)
    assert parquet.read().to_pylist() == expected


def test_an_empty_window_is_a_valid_file_with_the_columns(admin_user):
    answer = _client(admin_user).get(reverse("evaluation:export"), {"format": "parquet", "since": "2001-01-01"})
    table = pq.read_table(io.BytesIO(b"".join(answer.streaming_content)))
    assert table.num_rows == 0 and "ratings" in table.column_names and "pairwise" in table.column_names


def test_without_pyarrow_parquet_is_a_400_that_says_so(admin_user, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # what `import pyarrow` meets where it is not installed
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    answer = _client(admin_user).get(reverse("evaluation:export"), {"format": "parquet"})
    assert answer.status_code == 400
    assert "needs the pyarrow package, which is not installed" in answer.content.decode()
    assert _client(admin_user).get(reverse("evaluation:export"), {"format": "csv"}).status_code == 400

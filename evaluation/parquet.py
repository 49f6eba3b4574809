"""The dataset export in Parquet, streamed: the rows of `selectors.export_rows` written `ROW_GROUP` at a time
as row groups, each one's bytes sent as soon as it is written, so memory stays that of one row group
whatever the export's size. The columns are the JSON Lines export's fields, nested as there (structs and
lists of structs), with the same values: a reader's `to_pylist()` gives back the JSON Lines rows.

pyarrow is optional: without it `parquet_missing()` says so and the export offers JSON Lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

ROW_GROUP = 500


def parquet_missing() -> str | None:
    """Why the Parquet export cannot run here (pyarrow is not installed), or None."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return _(
            "The Parquet export needs the pyarrow package, which is not installed on this server; "
            "the JSON Lines export (format=jsonl) has the same rows."
        )
    return None


def schema():
    """The export's columns, typed (a column of empty lists would otherwise have no type)."""
    import pyarrow as pa

    tags = pa.list_(pa.string())
    return pa.schema(
        [
            ("clip", pa.string()),
            ("created_at", pa.string()),
            ("prompt", pa.string()),
            (
                "settings",
                pa.struct(
                    [
                        ("duration_s", pa.int64()),
                        ("width", pa.int64()),
                        ("height", pa.int64()),
                        ("fps", pa.int64()),
                        ("num_frames", pa.int64()),
                        ("steps", pa.int64()),
                        ("guidance", pa.float64()),
                    ]
                ),
            ),
            ("conditioning", pa.struct([("negative_prompt", pa.string())])),
            ("preset", pa.string()),
            ("model_source", pa.string()),
            ("model_revision", pa.string()),
            ("version", pa.struct([("id", pa.int64()), ("label", pa.string()), ("revision", pa.string())])),
            ("seed", pa.int64()),
            (
                "ratings",
                pa.list_(
                    pa.struct(
                        [
                            ("overall", pa.int64()),
                            ("tags", tags),
                            ("note", pa.string()),
                            ("start_s", pa.float64()),
                            ("end_s", pa.float64()),
                            ("at", pa.string()),
                        ]
                    )
                ),
            ),
            (
                "pairwise",
                pa.list_(
                    pa.struct(
                        [
                            ("round", pa.int64()),
                            ("pair", pa.int64()),
                            ("side", pa.string()),
                            ("opponent_clip", pa.string()),
                            ("outcome", pa.string()),
                            ("tags", tags),
                            ("at", pa.string()),
                        ]
                    )
                ),
            ),
            ("clip_url", pa.string()),
            ("video_url", pa.string()),
        ]
    )


class _Drain:
    """A write-only file that keeps what was written until it is taken (the stream's next part)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._written = 0
        self.closed = False

    def write(self, data) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._written += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def parquet_stream(rows: Iterable[dict[str, Any]], *, row_group: int = ROW_GROUP) -> Iterator[bytes]:
    """The Parquet file of `rows`, as bytes: the header and each row group as soon as it is written, then the
    footer. An export with no rows is a valid file with the columns and no row group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = schema()
    sink = _Drain()
    writer = pq.ParquetWriter(sink, columns, compression="zstd")
    try:
        iterator = iter(rows)
        while batch := list(itertools.islice(iterator, row_group)):
            writer.write_table(pa.Table.from_pylist(batch, schema=columns), row_group_size=row_group)
            if data := sink.take():
                yield data
    finally:
        writer.close()
    yield sink.take()

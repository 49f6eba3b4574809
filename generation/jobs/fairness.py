"""The fair order of the render queue, in one place: the dispatcher picks by it, the estimates count by it.

The priority lane's artists go first, then everyone else. Within a lane artists take turns: those never
served first, then the least recently served (when their last job was dispatched), ties by their oldest
queued job; each artist's own jobs oldest first. Across passes this is one round-robin, so an artist's
100 queued jobs delay another's first job by at most one render per slot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any


def turn_key(last_served: datetime | None, oldest: Any) -> tuple:
    """Sort key of an artist's turn within a lane: never served, then least recently, then oldest job."""
    return (last_served is not None, last_served.timestamp() if last_served is not None else 0.0, oldest)


def pick_fair(
    queued: Iterable[tuple[Any, int]],
    free: int,
    priority: frozenset | set = frozenset(),
    last_served: Mapping[int, datetime] | None = None,
) -> list[Any]:
    """Choose up to `free` job ids from (job_id, artist_id) pairs listed oldest first, in the fair order."""
    last_served = last_served or {}
    lanes: list[dict[int, list[Any]]] = [{}, {}]
    first_seen: dict[int, int] = {}
    for index, (job_id, artist_id) in enumerate(queued):
        first_seen.setdefault(artist_id, index)
        lanes[0 if artist_id in priority else 1].setdefault(artist_id, []).append(job_id)
    chosen: list[Any] = []
    for per_artist in lanes:
        turn = sorted(per_artist, key=lambda artist_id: turn_key(last_served.get(artist_id), first_seen[artist_id]))
        while len(chosen) < free and turn:
            for artist_id in list(turn):
                jobs = per_artist[artist_id]
                chosen.append(jobs.pop(0))
                if not jobs:
                    turn.remove(artist_id)
                if len(chosen) >= free:
                    break
    return chosen


def jobs_ahead(
    lanes: Iterable[Mapping[str, Any]],
    *,
    artist_id: int,
    k: int,
    oldest: datetime,
    priority: bool,
    served: datetime | None = None,
) -> tuple[int, int]:
    """Jobs the fair order sends before the artist's k-th queued job (k from 0), and the jobs in flight now.

    `lanes` has one row per artist with active jobs: artist_id, queued, oldest (queued), in_flight,
    priority, last_served. Ahead of the job: the artist's k older jobs; from each other artist of the
    same lane min(n, k + 1) jobs when that artist's turn comes first, else min(n, k); plus the whole
    priority lane when the job is not in it.
    """
    mine = turn_key(served, oldest.timestamp())
    ahead, in_flight = k, 0
    for row in lanes:
        in_flight += row["in_flight"]
        if row["artist_id"] == artist_id or not row["queued"]:
            continue
        if row["priority"] and not priority:
            ahead += row["queued"]
        elif row["priority"] == priority:
            first = turn_key(row["last_served"], row["oldest"].timestamp()) < mine
            ahead += min(row["queued"], k + 1 if first else k)
    return ahead, in_flight

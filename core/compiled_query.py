"""A read that every poll runs, compiled to SQL once per process instead of once per request.

Building a queryset with nested `Exists` and `Subquery` annotations costs far more Python than running it
(the render queue's lanes with the farm's state: about 5 ms to compile, under 1 ms in PostgreSQL). A
`CompiledQuery` compiles such a read once per database and settings, and runs the same SQL again with its
time parameters moved to the current time.

The contract: `build(now, **args)` returns a `.values()` queryset whose parameters that vary between calls
are datetimes equal to `now` plus a fixed offset (`now`, `now - timeout`, ...) and the declared `args`, each
compared with one model field (its value is prepared for the database by that field, as the ORM would). That
is checked, not assumed: the query is compiled at two instants about a day apart (by no round unit) with two
samples of every arg, and must give the same SQL, with every parameter equal at both, a datetime that moved
by exactly that shift, or the prepared sample of one arg. A query that breaks the contract is run through
the ORM every time (correct, only slower).

Rows come back as the queryset's own would, through the compiler's converters (datetimes on SQLite).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model, QuerySet

# Two instants to compile at, on no round second and a shift of no round unit apart: a parameter derived from
# now by anything but a fixed offset (the start of its day, its hour) does not move by exactly the shift.
_ORIGIN = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
_DAY = timedelta(days=1, hours=1, minutes=1, seconds=1, microseconds=1)


def _as_datetime(value: Any) -> datetime | None:
    """A prepared datetime parameter as an aware datetime (SQLite's come as naive UTC strings)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


@dataclass(frozen=True)
class Arg:
    """A parameter of a compiled query: the model field its value is prepared by, and two distinct samples."""

    field: Field
    samples: tuple[Any, Any]


@dataclass
class _Compiled:
    sql: str
    params: list[Any]
    offsets: dict[int, timedelta]  # parameter index -> its offset from now
    args: dict[int, str]  # parameter index -> the arg it takes
    compiler: Any
    names: list[str]


class CompiledQuery:
    """`rows(now, **args)` = `list(build(now, **args))`, with the SQL compiled once per database and `key()`."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        model: type[Model],
        args: dict[str, Arg] | None = None,
        key: Callable[[], Hashable] = lambda: (),
    ) -> None:
        self.build = build
        self.model = model
        self.args = args or {}
        self.key = key
        self._compiled: dict[tuple, _Compiled | None] = {}

    def _prepared(self, name: str, value: Any, connection) -> Any:
        return self.args[name].field.get_db_prep_value(value, connection, prepared=False)

    def _compile(self, alias: str) -> _Compiled | None:
        connection = connections[alias]
        if connection.vendor not in ("postgresql", "sqlite"):
            return None
        first_args = {name: arg.samples[0] for name, arg in self.args.items()}
        later_args = {name: arg.samples[1] for name, arg in self.args.items()}
        first = self.build(_ORIGIN, **first_args)
        compiler = first.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        again, params_later = self.build(_ORIGIN + _DAY, **later_args).query.get_compiler(using=alias).as_sql()
        if again != sql or len(params) != len(params_later):
            return None
        prepared = {
            name: tuple(self._prepared(name, sample, connection) for sample in arg.samples)
            for name, arg in self.args.items()
        }
        offsets, args = {}, {}
        for index, (value, later) in enumerate(zip(params, params_later, strict=True)):
            if value == later:
                continue
            named = [name for name, pair in prepared.items() if pair == (value, later)]
            if len(named) == 1:
                args[index] = named[0]
                continue
            at, at_later = _as_datetime(value), _as_datetime(later)
            if named or at is None or at_later is None or at_later - at != _DAY:
                return None
            offsets[index] = at - _ORIGIN
        names = [*first.query.extra_select, *first.query.values_select, *first.query.annotation_select]
        if not names:
            return None
        return _Compiled(sql=sql, params=list(params), offsets=offsets, args=args, compiler=compiler, names=names)

    def rows(self, now: datetime, **args: Any) -> list[dict[str, Any]]:
        alias = router.db_for_read(self.model)
        cache_key = (alias, self.key())
        if cache_key not in self._compiled:
            self._compiled[cache_key] = self._compile(alias)
        compiled = self._compiled[cache_key]
        if compiled is None:
            return list(self.build(now, **args))
        connection = connections[alias]
        params = list(compiled.params)
        for index, offset in compiled.offsets.items():
            params[index] = connection.ops.adapt_datetimefield_value(now + offset)
        for index, name in compiled.args.items():
            params[index] = self._prepared(name, args[name], connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            results = cursor.fetchall()
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in compiled.compiler.results_iter(results=[results])]

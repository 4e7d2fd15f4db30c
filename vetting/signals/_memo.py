"""Work that several analysers (or the evidence engine, ahead of time) ask for on the same
tables, done once.

The engine hands one frames object to every analyser in turn, so remembering the last
call is enough: a second analyser asking about the same tables gets the first one's
result, and the next portfolios replace it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")


class _LastCall(Generic[_Args, _Result]):
    """See :func:`remember_last`."""

    def __init__(self, function: Callable[_Args, _Result]) -> None:
        functools.update_wrapper(self, function)
        self._function = function
        # (arguments, result), replaced in one assignment: threads (the app serves
        # sessions in threads) never see one call's arguments with another's result.
        self._last: tuple[tuple[object, ...], _Result] | None = None

    def __call__(self, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
        assert not kwargs, "remembered functions take positional arguments only"
        last = self._last
        if last is not None and _same(last[0], args):
            return last[1]
        result = self._function(*args)
        self._last = (args, result)
        return result


def remember_last(function: Callable[_Args, _Result]) -> Callable[_Args, _Result]:
    """``function``, remembering its last result for the same arguments: the very same
    tables (by identity; tables are neither hashed nor compared by value) and equal
    numbers and texts. The result is shared, so callers must not change it.

    >>> calls = []
    >>> @remember_last
    ... def size(table: list[int], scale: int) -> int:
    ...     calls.append(scale)
    ...     return len(table) * scale
    >>> table = [1, 2]
    >>> size(table, 3), size(table, 3), size([1, 2], 3), size([1, 2], 3), len(calls)
    (6, 6, 6, 6, 3)
    """
    return _LastCall(function)


def _same(before: tuple[object, ...], now: tuple[object, ...]) -> bool:
    return len(before) == len(now) and all(
        old is new or (isinstance(new, int | float | str) and type(old) is type(new)
                       and old == new)
        for old, new in zip(before, now, strict=True)
    )

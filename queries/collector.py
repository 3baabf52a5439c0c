"""Pausing Python's cyclic garbage collector around the analyses' allocation-heavy work.

>>> import gc
>>> with gc_paused():
...     gc.isenabled()
False
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for an allocation-heavy block, then restore it.

    Building an index allocates hundreds of thousands of small containers; with a large graph in
    memory each automatic full collection rescans every object of it, which at 100k enterprises
    costs more than the work itself. Nothing built here forms reference cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


F = TypeVar("F", bound=Callable[..., Any])


def pausing_gc(function: F) -> F:
    """Decorator: run ``function`` inside ``gc_paused()`` (the analyses' entry points use it)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with gc_paused():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]

"""Which observed records (yearly lists) hold as of a date.

A record observed in lists — a SUPPLIES link, an enterprise, a facility — carries ``seen``, the
dates of the lists that showed it, and ``listing``, the name of the list (``graph_schema.models``).
A list's **calendar** is the set of its publication dates: every date any record of that kind was
seen with that ``listing``. The rule:

    As of date D, a record with ``seen`` is present when the latest date of its list's calendar on
    or before D is one of its own ``seen`` dates. Before the list's first date it is absent.
    No D (the default) means the list's latest date.

So a yearly list holds until the next one is published: as of 2019-06-30 the 2018 list holds when
no list was published for 2019, and a supplier missing from the 2022 list is dropped as of
2022-12-31. Records without ``seen`` keep the older rule: present when their ``as_of`` is on or
before D (or they have none).

>>> calendar = Calendars({"Apple": ["2018-12-31", "2020-12-31", "2021-12-31"]})
>>> link = {"seen": ["2018-12-31", "2020-12-31"], "listing": "Apple"}
>>> [calendar.present(link, d) for d in ("2017-12-31", "2019-06-30", "2021-06-30", "2021-12-31", None)]
[False, True, True, False, False]
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Calendars:
    """The publication dates of each list (``listing`` → sorted ISO dates); None is the unnamed list."""

    dates: Mapping[str | None, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Iterable[Mapping[str, Any]]) -> Calendars:
        """The calendars of the lists the records were seen in."""
        found: dict[str | None, set[str]] = defaultdict(set)
        for data in records:
            seen = data.get("seen")
            if seen:
                found[data.get("listing")].update(str(date)[:10] for date in seen)
        return cls({listing: sorted(dates) for listing, dates in found.items()})

    def governing(self, listing: str | None, as_of: str | None) -> str | None:
        """The date of the list that holds as of ``as_of`` (its latest date on or before it)."""
        dates = self.dates.get(listing) or []
        if as_of is None:
            return dates[-1] if dates else None
        index = bisect.bisect_right(dates, as_of[:10])
        return dates[index - 1] if index else None

    def present(self, data: Mapping[str, Any], as_of: str | None) -> bool:
        """True when an observed record (``seen`` not empty) is present as of ``as_of`` (the module rule)."""
        governing = self.governing(data.get("listing"), as_of)
        return governing is not None and governing in {str(date)[:10] for date in data.get("seen") or ()}

    def latest(self) -> str | None:
        """The latest date of any list, or None when nothing is observed."""
        return max((dates[-1] for dates in self.dates.values() if dates), default=None)


def is_present(data: Mapping[str, Any], as_of: str | None, calendars: Calendars) -> bool:
    """Whether a record holds as of ``as_of``: by its observations when it has them, else by ``as_of``.

    >>> is_present({"as_of": "2024-06-30"}, "2024-01-01", Calendars()), is_present({}, "2000-01-01", Calendars())
    (False, True)
    """
    if data.get("seen"):
        return calendars.present(data, as_of)
    dated = data.get("as_of")
    return dated is None or as_of is None or str(dated) <= as_of

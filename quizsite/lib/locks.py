"""Row locks that lock only the rows asked for.

``select_for_update()`` locks every row the query reads, and a query reads more rows
than it returns whenever it joins: a model's default ordering by a foreign key
(``Attempt`` is ordered by quiz) or ``select_related``. Locking an attempt then also
locked its quiz's row, so every student's first page, stored result and added time
on one quiz waited for each other. ``for_update`` locks the queryset's own table only
(``FOR UPDATE OF``) where the database can say so (SQLite has no row locks; Django
leaves them out there), and every lock in the site goes through it."""

from __future__ import annotations

from typing import TypeVar

from django.db import connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def for_update(queryset: QuerySet[M], *, skip_locked: bool = False) -> QuerySet[M]:
    """``queryset.select_for_update()`` locking the rows of its own table alone
    (``skip_locked``: rows another transaction holds are left out, not waited for)."""
    features = connections[queryset.db].features
    of = ("self",) if features.has_select_for_update_of else ()
    return queryset.select_for_update(of=of, skip_locked=skip_locked)

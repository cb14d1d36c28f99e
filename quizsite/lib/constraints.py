"""Database constraints that several models share."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def exactly_one_of(first: str, second: str, *, name: str) -> models.CheckConstraint:
    """A row points at ``first`` or at ``second`` (two nullable foreign keys), never
    both and never neither: e.g. an override is for one student or one group."""
    return models.CheckConstraint(
        condition=Q(**{f"{first}__isnull": False, f"{second}__isnull": True})
        | Q(**{f"{first}__isnull": True, f"{second}__isnull": False}),
        name=name,
    )


def one_per(scope: str, owner: str, *, name: str) -> models.UniqueConstraint:
    """At most one row per ``scope`` for each ``owner`` it points at, counting only the
    rows that point at one (the partner of ``exactly_one_of``): e.g. one override per
    quiz for a student, and one for a group."""
    return models.UniqueConstraint(
        fields=[scope, owner], condition=Q(**{f"{owner}__isnull": False}), name=name
    )

"""Signals other apps may listen to (the LMS grade passback does)."""

from django.dispatch import Signal

# Sent inside the transaction that stored new attempt scores: attempt_ids (a set).
scores_stored = Signal()

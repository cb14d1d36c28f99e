"""Signal receivers: connect grading results to quiz answers."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from quizsite.grading.signals import submission_finished


@receiver(submission_finished, dispatch_uid="quizzes.code_result")
def code_result(sender, submission, **kwargs) -> None:
    from quizsite.quizzes.actions.code_results import record_code_result

    try:
        record_code_result(submission)
    except Exception:
        # The grader's own bookkeeping is done; the periodic sweep applies this result
        # later (code_results.reconcile_code_results), so the grader need not fail for us.
        logging.getLogger(__name__).exception(
            "could not apply the result of submission %s to its answer", submission.pk
        )

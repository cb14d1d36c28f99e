"""Write side of the staff bank pages: the only thing they record is code that staff
try on a question's preview page, sent to the grading workers like any other code."""

from __future__ import annotations

from quizsite.accounts.models import User
from quizsite.bank.models import QuestionVersion
from quizsite.grading.actions import submit_code
from quizsite.grading.models import Submission


def preview_code(version: QuestionVersion, code: str, *, seed: int, user: User) -> Submission:
    """Queue staff's code for one variant of one version. The web process never grades
    code itself: only the workers may start sandboxes, and a grading run (performance
    checks take seconds) must not hold a web process. A preview submission is never
    counted: only ``answer`` submissions reach answers, scores and exports."""
    return submit_code(version, code, user=user, seed=seed, purpose=Submission.Purpose.PREVIEW)

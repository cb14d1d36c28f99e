"""A question fixed mid-term (a wrong answer key; the bank import made a new version)
is regraded for the answers already submitted: a preview first, then the regrade,
which keeps hand grades, skips homework and running attempts, changes nothing when
run again, sends code answers to the grader with the new version, and shows the
student a note while they keep the prompt they answered."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizsite.accounts.models import Membership, User
from quizsite.bank.models import QuestionVersion
from quizsite.grading.models import Submission
from quizsite.grading.signals import submission_finished
from quizsite.quizzes import messages
from quizsite.quizzes.actions.answers import save_answer, set_answer_points
from quizsite.quizzes.actions.attempts import start_attempt, submit_attempt
from quizsite.quizzes.actions.regrades import RegradeSummary, regrade_question
from quizsite.quizzes.errors import QuizError
from quizsite.quizzes.models import Answer, Attempt, AttemptQuestion, QuizPool
from quizsite.quizzes.tests.conftest import SMALL_BANK, T0, store_question

S = timedelta(seconds=1)
NOW = T0 + timedelta(hours=1)
WRONG_KEY = """title = "Closure opcode"
type = "choice"
points = 2
prompt = "Which opcode reads a closure variable?"
options = ["LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME"]
answer = "LOAD_FAST"
"""


def _new_version(question, files: dict[str, str]) -> QuestionVersion:
    """What sync_bank does for a changed package: a new version, made current."""
    number = question.versions.count() + 1
    digest = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()
    version = QuestionVersion.objects.create(
        question=question, number=number, content_hash=digest, files=files
    )
    question.current = version
    question.save(update_fields=["current"])
    return version


def _fix_key(question) -> QuestionVersion:
    fixed = WRONG_KEY.replace('answer = "LOAD_FAST"', 'answer = "LOAD_DEREF"')
    return _new_version(question, {"question.toml": fixed})


def _enrol(course, username: str) -> User:
    user = User.objects.create_user(username)
    Membership.objects.create(user=user, course=course, role="student")
    return user


def _take(quiz, user, value, *, submit: bool = True) -> Attempt:
    attempt = start_attempt(quiz, user, now=T0)
    keyed = attempt.questions.get(question_version__question__path="t/key")
    save_answer(attempt, keyed.position, value, now=T0 + S)
    other = attempt.questions.exclude(pk=keyed.pk).get()
    save_answer(attempt, other.position, ["co_cellvars", "co_freevars"], now=T0 + S)
    if submit:
        submit_attempt(attempt, now=T0 + 60 * S)
        attempt.refresh_from_db()
    return attempt


def _keyed(attempt: Attempt) -> Answer:
    return Answer.objects.select_related("attempt_question").get(
        attempt_question__attempt=attempt,
        attempt_question__question_version__question__path="t/key",
    )


@pytest.fixture
def keyed(db):
    return store_question("t/key", {"question.toml": WRONG_KEY})


@pytest.fixture
def keyed_quiz(make_quiz, keyed, small_bank):
    quiz = make_quiz(pool=False)
    QuizPool.objects.create(quiz=quiz, count=2).questions.set([keyed, small_bank["multi"]])
    return quiz


@pytest.fixture
def cohort(keyed_quiz, course, student, other_student, ta):
    """Attempts on v1 (whose key is wrong), then v2 fixes the key."""
    right = _take(keyed_quiz, student, "LOAD_DEREF")  # 0 with v1, 2 with v2: gains
    keyed_wrong = _take(keyed_quiz, other_student, "LOAD_FAST")  # 2, then 0: loses
    wrong = _take(keyed_quiz, _enrol(course, "s3"), "LOAD_NAME")  # 0 either way
    blank = _take(keyed_quiz, _enrol(course, "s4"), None)  # 0 either way
    by_hand = _take(keyed_quiz, _enrol(course, "s5"), "LOAD_DEREF")
    set_answer_points(_keyed(by_hand), 1.5, by=ta, now=T0 + 90 * S)
    running = _take(keyed_quiz, _enrol(course, "s6"), "LOAD_DEREF", submit=False)
    version = _fix_key(keyed_quiz.pools.get().questions.get(path="t/key"))
    after_fix = _take(keyed_quiz, _enrol(course, "s7"), "LOAD_DEREF")  # given v2 already
    return {
        "right": right,
        "keyed_wrong": keyed_wrong,
        "wrong": wrong,
        "blank": blank,
        "by_hand": by_hand,
        "running": running,
        "after_fix": after_fix,
        "version": version,
    }


def _regrade(quiz, cohort, ta, *, dry_run: bool = False) -> RegradeSummary:
    version = cohort["version"]
    return regrade_question(quiz, version.question, version, by=ta, now=NOW, dry_run=dry_run)


def _points(cohort) -> dict[str, tuple[float | None, float | None]]:
    """(points of the keyed answer, attempt score) per attempt."""
    result = {}
    for name, attempt in cohort.items():
        if isinstance(attempt, Attempt):
            attempt.refresh_from_db()
            result[name] = (_keyed(attempt).points, attempt.score)
    return result


def test_it_previews_gains_and_losses_without_changing_anything(keyed_quiz, cohort, ta) -> None:
    before = _points(cohort)

    summary = _regrade(keyed_quiz, cohort, ta, dry_run=True)

    assert (summary.gain, summary.lose, summary.same) == (1, 1, 2)
    assert (summary.by_hand, summary.homework, summary.running_attempts) == (1, 0, 1)
    assert (summary.to_grader, summary.failing, summary.answers, summary.attempts) == (0, 0, 5, 4)
    assert not summary.applied
    assert _points(cohort) == before
    assert not AttemptQuestion.objects.filter(graded_with__isnull=False).exists()


def test_it_applies_the_new_key_and_recomputes_scores(keyed_quiz, cohort, ta) -> None:
    summary = _regrade(keyed_quiz, cohort, ta)

    assert summary.applied and (summary.gain, summary.lose, summary.same) == (1, 1, 2)
    points = _points(cohort)
    assert points["right"] == (2.0, 4.0)  # the multi question earned 2
    assert points["keyed_wrong"] == (0.0, 2.0)
    assert points["wrong"] == (0.0, 2.0)
    assert points["blank"] == (0.0, 2.0)
    assert points["by_hand"] == (1.5, 3.5)  # the hand grade stands
    assert points["running"] == (None, None)  # not graded, not regraded
    assert points["after_fix"] == (2.0, 4.0)
    aq = _keyed(cohort["right"]).attempt_question
    assert (aq.graded_with, aq.regraded_by, aq.regraded_at) == (cohort["version"], ta, NOW)
    assert aq.question_version.number == 1  # the version the student answered
    untouched = [_keyed(cohort[n]).attempt_question for n in ("by_hand", "running", "after_fix")]
    assert [aq.graded_with_id for aq in untouched] == [None, None, None]


def test_it_changes_nothing_when_run_again(keyed_quiz, cohort, ta) -> None:
    _regrade(keyed_quiz, cohort, ta)
    after_first = _points(cohort)

    again = _regrade(keyed_quiz, cohort, ta)

    assert (again.regraded, again.by_hand, again.attempts) == (0, 1, 0)
    assert _points(cohort) == after_first


def test_it_grades_a_running_attempt_with_its_own_version_when_submitted(
    keyed_quiz, cohort, ta
) -> None:
    _regrade(keyed_quiz, cohort, ta)
    submit_attempt(cohort["running"], now=T0 + 120 * S)
    assert _keyed(cohort["running"]).points == 0.0  # v1 still; a second regrade fixes it
    assert _regrade(keyed_quiz, cohort, ta).gain == 1
    assert _keyed(cohort["running"]).points == 2.0


def test_it_skips_homework(make_quiz, keyed, small_bank, student, ta) -> None:
    homework = make_quiz(pool=False, time_limit=None)
    QuizPool.objects.create(quiz=homework, count=2).questions.set([keyed, small_bank["multi"]])
    attempt = _take(homework, student, "LOAD_DEREF")
    before = _keyed(attempt).points
    version = _fix_key(keyed)

    summary = regrade_question(homework, keyed, version, by=ta, now=NOW)

    assert (summary.homework, summary.regraded) == (1, 0)
    assert _keyed(attempt).points == before
    assert _keyed(attempt).attempt_question.graded_with_id is None


def test_it_refuses_a_version_of_another_question(keyed_quiz, cohort, small_bank, ta) -> None:
    with pytest.raises(QuizError):
        regrade_question(keyed_quiz, small_bank["choice"], cohort["version"], by=ta, now=NOW)


# ------------------------------------------------------------------------ code


def _code_answer(attempt: Attempt) -> Answer:
    return Answer.objects.get(
        attempt_question__attempt=attempt,
        attempt_question__question_version__question__type="code",
    )


def _finish(submission: Submission, score: float) -> None:
    submission.status = Submission.Status.GRADED
    submission.result = {"status": "graded", "score": score, "max_score": 4.0, "checks": []}
    submission.save()
    submission_finished.send(sender=Submission, submission=submission)


def test_it_sends_code_answers_to_the_grader_with_the_new_version(
    make_quiz, small_bank, student, ta
) -> None:
    quiz = make_quiz(pool=False)
    code = small_bank["code"]
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([code])
    attempt = start_attempt(quiz, student, now=T0)
    save_answer(attempt, 1, "def double(x):\n    return x + x\n", now=T0 + S)
    submit_attempt(attempt, now=T0 + 60 * S)
    old = _code_answer(attempt).submission
    _finish(old, 2.0)
    fixed = dict(SMALL_BANK["t/code"])
    fixed["question.toml"] = fixed["question.toml"].replace("double(-5)", "double(-6)")
    version = _new_version(code, fixed)

    preview = regrade_question(quiz, code, version, by=ta, now=NOW, dry_run=True)
    assert (preview.to_grader, Submission.objects.count()) == (1, 1)
    summary = regrade_question(quiz, code, version, by=ta, now=NOW)

    answer = _code_answer(attempt)
    attempt.refresh_from_db()
    assert summary.to_grader == 1
    assert (answer.grading_status, answer.points, attempt.score) == ("pending", None, None)
    assert answer.submission != old and answer.submission.question_version == version
    assert answer.submission.seed == answer.attempt_question.seed
    _finish(old, 0.0)  # a late result of the old run is not this answer's any more
    assert _code_answer(attempt).grading_status == "pending"
    _finish(answer.submission, 4.0)
    attempt.refresh_from_db()
    assert (_code_answer(attempt).points, attempt.score) == (4.0, 4.0)


# ------------------------------------------------------------------------ pages


def _regrade_url(quiz, question) -> str:
    return reverse("quizzes:regrade_question", args=[quiz.course.code, quiz.pk, question.pk])


def test_it_offers_the_regrade_on_the_statistics_page_and_previews_it(
    keyed_quiz, cohort, ta, client_for
) -> None:
    client = client_for(ta)
    question = cohort["version"].question
    stats_url = reverse("quizzes:statistics", args=[keyed_quiz.course.code, keyed_quiz.pk])
    html = client.get(stats_url).content.decode()
    assert "Regrade with v2" in html
    assert _regrade_url(keyed_quiz, question) in html

    preview = client.post(_regrade_url(keyed_quiz, question), {"version": "2"})

    assert preview.status_code == 200
    text = preview.content.decode()
    for line in (
        "Would gain points: 1",
        "Would lose points: 1",
        "Would keep their points: 2",
        "Kept: graded by hand: 1",
        "1 attempt is still running",
    ):
        assert line in text
    assert not AttemptQuestion.objects.filter(graded_with__isnull=False).exists()

    applied = client.post(_regrade_url(keyed_quiz, question), {"version": "2", "confirm": "yes"})

    assert applied.status_code == 302
    assert _keyed(cohort["right"]).points == 2.0
    assert "Regrade with v2" not in client.get(stats_url).content.decode()


def test_it_refuses_a_stale_version_from_the_form(keyed_quiz, cohort, ta, client_for) -> None:
    question = cohort["version"].question
    response = client_for(ta).post(
        _regrade_url(keyed_quiz, question), {"version": "1", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert not AttemptQuestion.objects.filter(graded_with__isnull=False).exists()


def test_it_shows_the_student_a_note_and_the_question_they_answered(
    keyed_quiz, keyed, ta, student, client_for
) -> None:
    keyed_quiz.feedback_release = "immediate"
    keyed_quiz.save()
    attempt = _take(keyed_quiz, student, "LOAD_DEREF")
    fixed = WRONG_KEY.replace('answer = "LOAD_FAST"', 'answer = "LOAD_DEREF"')
    version = _new_version(keyed, {"question.toml": fixed.replace("Closure opcode", "Renamed")})
    url = reverse("quizzes:results", args=[attempt.pk])
    assert messages.REGRADED not in client_for(student).get(url).content.decode()

    regrade_question(keyed_quiz, keyed, version, by=ta, now=NOW)

    text = client_for(student).get(url).content.decode()
    assert messages.REGRADED in text
    assert "Closure opcode" in text and "Renamed" not in text
    assert "2 / 2 points" in text
    staff_text = client_for(ta).get(url).content.decode()
    assert "Regraded with version 2 by ta" in staff_text


def test_it_hides_the_regrade_from_another_course_s_staff(
    keyed_quiz, cohort, other_course, client_for
) -> None:
    foreign_ta = User.objects.create_user("foreign_ta")
    Membership.objects.create(user=foreign_ta, course=other_course, role="ta")
    question = cohort["version"].question
    client = client_for(foreign_ta)
    for code in (keyed_quiz.course.code, other_course.code):
        url = reverse("quizzes:regrade_question", args=[code, keyed_quiz.pk, question.pk])
        assert client.post(url, {"version": "2", "confirm": "yes"}).status_code == 404
    assert not AttemptQuestion.objects.filter(graded_with__isnull=False).exists()


def test_it_previews_in_the_same_queries_for_3_attempts_as_for_20(
    make_quiz, keyed, small_bank, course, ta, client_for, django_assert_max_num_queries
) -> None:
    quizzes = {}
    for size in (3, 20):
        quiz = make_quiz(pool=False, title=f"Quiz of {size}")
        QuizPool.objects.create(quiz=quiz, count=2).questions.set([keyed, small_bank["multi"]])
        for n in range(size):
            _take(quiz, _enrol(course, f"q{size}s{n}"), "LOAD_DEREF")
        quizzes[size] = quiz
    _fix_key(keyed)
    client = client_for(ta)
    client.post(_regrade_url(quizzes[3], keyed), {"version": "2"})  # parse v2 once
    with CaptureQueriesContext(connection) as few:
        assert client.post(_regrade_url(quizzes[3], keyed), {"version": "2"}).status_code == 200

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.post(_regrade_url(quizzes[20], keyed), {"version": "2"})

    assert response.context["summary"].gain == 20

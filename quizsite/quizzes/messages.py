"""Every sentence a student reads when the quiz refuses something, in one place."""

from __future__ import annotations

NOT_OPEN_YET = "This quiz is not open yet."
CLOSED = "This quiz is closed."
NO_ATTEMPTS_LEFT = "You have used all your attempts at this quiz."
NOT_A_STUDENT = "Only students of this course can take this quiz."
NO_QUESTIONS = "This quiz has no questions to draw from yet. Please tell the course staff."
LATE_SAVE = (
    "Time is up: this answer reached the server after the deadline and the grace period, "
    "so it was not saved. Your earlier saved answers count."
)
ALREADY_SUBMITTED = "This attempt has already been submitted; the answer was not saved."
NO_SUCH_QUESTION = "There is no such question in this attempt."
NOT_CODE = "Only code questions have tests to run."
NOT_HOMEWORK = "Graded tries are for homework; this quiz is graded when you submit."
NO_TRIES_LEFT = "You have used all your graded tries for this question."
NOTHING_TO_GRADE = "Save an answer before asking for it to be graded."
TRIAL_BUDGET_USED = (
    "You have used your time for running the tests for now (at most {seconds} seconds of "
    "grading every {minutes} minutes). Try again in a few minutes; saving and submitting "
    "your answers still work."
)
ADD_TIME_POSITIVE = "Add a positive number of minutes."
ADD_TIME_FINISHED = "This attempt is already submitted; time can only be added to a running one."
BAD_VALUE = "This answer is not in the expected form for this question."
NOT_AN_OPTION = "This answer is not one of the options shown for this question; choose among them."
NOT_UNICODE = (
    "This text holds characters that are not valid Unicode (UTF-8) and cannot be saved; "
    "retype or paste it again."
)
QUESTION_UNAVAILABLE = (
    "This question cannot be shown right now. The course staff have been notified and "
    "will decide how it counts; answer the others as usual."
)
GRADING_FAILED = (
    "This answer could not be graded automatically. It is on the course staff's list "
    "to grade by hand; this is not your fault."
)
AWAITING_HAND_GRADING = (
    "Your answer is saved. The course staff grade this question by hand; its points "
    "appear here once they have."
)
GRADED_BY_HAND_AFTER_DUE = (
    "This question is graded by hand: the course staff grade your saved answer after the due date."
)
OVERRIDE_WHO = "An override is for one student or one group."
POINTS_OUT_OF_RANGE = "Points must be between 0 and {max:g}."
NOT_SUBMITTED_YET = "This attempt is still running; grade it once it is submitted."
CANNOT_REGRADE = "Only code answers of a submitted quiz attempt can be graded again."
CHANGED_ELSEWHERE = (
    "This answer was changed in another tab or window since this page last saved it, "
    "so what you typed here was not saved over it. Choose which version to keep."
)
SAVED = "Saved."
SAVED_IN_GRACE = "Saved (just after the deadline, within the grace period)."
REGRADED = "Regraded with a corrected version of this question."
REGRADE_OTHER_QUESTION = "That version belongs to another question."
ACCESS_CODE_NEEDED = (
    "This quiz needs an access code. Ask your TA for the access code and type it below."
)
WRONG_ACCESS_CODE = (
    "That access code is not right. Check it with your TA (letters, not case, matter) "
    "and type it again."
)
WRONG_NETWORK = (
    "This quiz can only be taken from the exam room's network. Connect to it (ask your "
    "TA which one), then reload this page."
)
UNKNOWN_ADDRESS = (
    "The quiz could not tell which network you are on, and it may only be taken from the "
    "exam room's. Reload the page; if this stays, tell your TA."
)
OTHER_DEVICE = (
    "This attempt is open on another device or browser, and this quiz allows one at a "
    "time. Go back to that device, or ask your TA to allow this one (they see the "
    "request); your saved answers are safe."
)
NOT_TIME_UP_YET = "The time is not up yet by the server's clock; the attempt goes on."
# Told on the open attempt page (politely announced) when its deadline moves.
TIME_ADDED = "Your TA added {added}: the quiz now ends at {ends_at}."
TIME_LATER = "Your time was extended: the quiz now ends at {ends_at}."
TIME_EARLIER = "Your end time was changed: the quiz now ends at {ends_at}."
NO_TRIAL_RUNS = (
    "Trial runs are off for this question in this quiz; your answer is graded when you submit."
)
# Shown on the start page when more students press Start than the site admits at once.
STARTING_IN_LINE = (
    "Many students are starting; you are in line, retrying in {seconds} s. "
    "Your time has not started yet."
)

"""The write side of quizzes, one module per noun: every change to a quiz, an attempt
or an answer goes through here.

``quizzes`` (a quiz and its pools, releasing results), ``overrides`` (and the running
deadlines that follow them), ``attempts`` (start, submit, expire, add time),
``answers`` (autosave, flags, homework tries, hand grades), ``trials`` (runs of the
visible tests), ``scores`` and ``homework`` (grading answers, combining tries),
``code_results`` (the grader's results applied), ``regrades``.

Each action takes ``now`` from its caller (one ``timezone.now()`` per request or task
run), and refuses with ``errors.QuizError(message)`` whose message a student can read.
State changes that two processes might race for (submitting, saving after a submit)
are claimed atomically in the database, so a timer submit and a student submit never
both grade an attempt, and no save slips in after grading has read the answers. What
only pages read lives on the read side (``selectors``, ``presenters``, ``visibility``)."""

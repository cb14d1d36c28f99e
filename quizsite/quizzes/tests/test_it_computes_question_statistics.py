"""Question statistics from hand-made rows: shares over graded answers only, option
counts out of the students shown each option (variants included), wrong answers
grouped as grading compares them, code checks' pass rates, one row per version, and
the discrimination index on examples worked out by hand."""

from __future__ import annotations

import pytest

from quizsite.quizzes.statistics import (
    MIN_ATTEMPTS_FOR_DISCRIMINATION,
    ItemRow,
    correlation,
    discrimination,
    quiz_statistics,
)

CHOICE_OPTIONS = ("LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME")


def _row(attempt: int, question: int = 1, **fields) -> ItemRow:
    values = {
        "attempt_id": attempt,
        "question_id": question,
        "title": f"Q{question}",
        "type": "choice",
        "version": 1,
        "points": 1.0,
        "earned": 0.0,
        "status": "graded",
        "value": None,
        "position": question,
    }
    values.update(fields)
    return ItemRow(**values)


def _choice(attempt: int, value, *, status: str = "graded") -> ItemRow:
    right = value == "LOAD_DEREF"
    return _row(
        attempt,
        value=value,
        earned=(1.0 if right else 0.0) if status == "graded" else None,
        status=status,
        options=CHOICE_OPTIONS,
        correct=("LOAD_DEREF",),
    )


def _only(stats: dict) -> dict:
    [question] = stats["questions"]
    [row] = question["rows"]
    return row


def test_it_counts_only_graded_answers_in_the_shares() -> None:
    stats = quiz_statistics(
        [
            _choice(1, "LOAD_DEREF"),
            _choice(2, "LOAD_FAST"),
            _choice(3, None),
            _choice(4, "LOAD_DEREF"),
            _choice(5, "LOAD_FAST", status="pending"),
            _choice(6, "LOAD_NAME", status="failed"),
        ],
        running_attempts=2,
    )

    assert (stats["attempts"], stats["running_attempts"]) == (6, 2)
    assert (stats["being_graded"], stats["grading_failed"]) == (1, 1)
    row = _only(stats)
    assert {k: row[k] for k in ("drawn", "graded", "being_graded", "grading_failed")} == {
        "drawn": 6,
        "graded": 4,
        "being_graded": 1,
        "grading_failed": 1,
    }
    assert (row["points"], row["mean_points"], row["mean_percent"]) == (1.0, 0.5, 50.0)
    assert (row["full_percent"], row["zero_percent"], row["blank_percent"]) == (50.0, 50.0, 25.0)
    assert row["discrimination"] is None  # 4 attempts say nothing


def test_it_counts_each_option_out_of_the_students_shown_it() -> None:
    row = _only(
        quiz_statistics(
            [
                _choice(1, "LOAD_DEREF"),
                _choice(2, "LOAD_FAST"),
                _choice(3, None),
                _choice(4, "LOAD_DEREF"),
                _choice(5, "LOAD_GLOBAL", status="pending"),  # not graded: not counted
            ]
        )
    )

    assert [(o["text"], o["chosen"], o["shown"], o["percent"], o["correct"]) for o in row["options"]] == [
        ("LOAD_FAST", 1, 4, 25.0, "no"),
        ("LOAD_GLOBAL", 0, 4, 0.0, "no"),
        ("LOAD_DEREF", 2, 4, 50.0, "yes"),
        ("LOAD_NAME", 0, 4, 0.0, "no"),
    ]  # fmt: skip
    assert row["no_answer"] == 1


def test_it_counts_every_option_picked_in_a_multi_answer() -> None:
    options = ("co_cellvars", "co_freevars", "f_locals", "f_back")
    right = ("co_cellvars", "co_freevars")

    def multi(attempt, value, earned):
        return _row(
            attempt,
            type="multi",
            points=2.0,
            value=value,
            earned=earned,
            options=options,
            correct=right,
        )

    row = _only(
        quiz_statistics(
            [
                multi(1, ["co_cellvars", "co_freevars"], 2.0),
                multi(2, ["co_cellvars", "f_locals"], 0.0),
                multi(3, ["co_freevars"], 1.0),
                multi(4, [], 0.0),
            ]
        )
    )

    chosen = {o["text"]: (o["chosen"], o["correct"]) for o in row["options"]}
    assert chosen == {
        "co_cellvars": (2, "yes"),
        "co_freevars": (2, "yes"),
        "f_locals": (1, "no"),
        "f_back": (0, "no"),
    }
    assert (row["mean_points"], row["points"], row["mean_percent"]) == (0.75, 2.0, 37.5)
    assert (row["full_percent"], row["zero_percent"], row["blank_percent"]) == (25.0, 50.0, 25.0)
    assert row["no_answer"] == 1


def test_it_groups_variant_options_by_their_stored_text() -> None:
    # Two variants: "What is 2 + 3?" and "What is 4 + 1?" share the text "5" as the
    # right option; "6" is right for a third variant (3 + 3) and wrong in the others.
    def variant(attempt, options, right, value):
        return _row(
            attempt,
            value=value,
            earned=1.0 if value == right else 0.0,
            options=options,
            correct=(right,),
        )

    row = _only(
        quiz_statistics(
            [
                variant(1, ("5", "6", "7"), "5", "5"),
                variant(2, ("5", "6", "7"), "5", "6"),
                variant(3, ("4", "5", "6"), "5", "5"),
                variant(4, ("6", "8", "9"), "6", "6"),
            ]
        )
    )

    by_text = {o["text"]: (o["chosen"], o["shown"], o["correct"]) for o in row["options"]}
    assert by_text == {
        "5": (2, 3, "yes"),
        "6": (2, 4, "some"),
        "7": (0, 2, "no"),
        "4": (0, 1, "no"),
        "8": (0, 1, "no"),
        "9": (0, 1, "no"),
    }


def test_it_groups_wrong_numbers_by_value_and_keeps_the_top_five() -> None:
    def numeric(attempt, value, earned=0.0):
        return _row(attempt, type="numeric", value=value, earned=earned)

    typed = ["99", " 99.0", "1e1", "10", "ten", "98", "97", "96", "95"]
    rows = [numeric(i, v) for i, v in enumerate(typed, start=1)]
    rows += [numeric(20, "100", 1.0), numeric(21, "1e2", 1.0), numeric(22, "", 0.0)]

    row = _only(quiz_statistics(rows))

    assert [(w["answer"], w["count"], w["percent"], w["not_a_number"]) for w in row["wrong_answers"]] == [
        ("99", 2, 16.7, False),
        ("1e1", 2, 16.7, False),
        ("ten", 1, 8.3, True),
        ("98", 1, 8.3, False),
        ("97", 1, 8.3, False),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("case_sensitive", "expected"),
    [(False, [("NameError", 3)]), (True, [("NameError", 2), ("nameerror", 1)])],
)
def test_it_groups_wrong_text_as_scoring_compares_it(case_sensitive, expected) -> None:
    def text(attempt, value, earned=0.0):
        return _row(attempt, type="text", value=value, earned=earned, case_sensitive=case_sensitive)

    rows = [text(1, "NameError"), text(2, " NameError "), text(3, "nameerror")]
    rows.append(text(4, "UnboundLocalError", 1.0))

    row = _only(quiz_statistics(rows))

    assert [(w["answer"], w["count"]) for w in row["wrong_answers"]] == expected


def test_it_reports_code_grading_and_each_check_s_pass_rate() -> None:
    def code(attempt, *, status="graded", earned=0.0, value="def f(): ...", feedback=(), **kw):
        return _row(
            attempt,
            type="code",
            points=4.0,
            value=value,
            status=status,
            earned=earned,
            feedback=feedback,
            hidden_checks=frozenset({"test-2"}),
            **kw,
        )

    both = [{"name": "test-1", "passed": True}, {"name": "test-2", "passed": True}]
    first = [{"name": "test-1", "passed": True}, {"name": "test-2", "passed": False}]
    row = _only(
        quiz_statistics(
            [
                code(1, earned=4.0, feedback=both),
                code(2, earned=2.0, feedback=first),
                code(3, earned=3.0, by_hand=True),  # graded by hand after a failure
                code(4, value=""),  # blank: 0 without the grader
                code(5, status="failed", earned=None),
                code(6, status="pending", earned=None),
            ]
        )
    )

    assert row["code"] == {
        "by_grader": 2,
        "by_hand": 1,
        "blank": 1,
        "failed": 1,
        "being_graded": 1,
        "checks": [
            {"name": "test-1", "hidden": False, "runs": 2, "passed": 2, "percent": 100.0},
            {"name": "test-2", "hidden": True, "runs": 2, "passed": 1, "percent": 50.0},
        ],
    }
    assert (row["graded"], row["mean_points"], row["mean_percent"]) == (4, 2.25, 56.2)


def test_it_gives_each_version_its_own_row_and_one_over_all() -> None:
    rows = [_choice(1, "LOAD_DEREF"), _choice(2, "LOAD_FAST")]
    rows += [
        _row(3, version=2, value="LOAD_CELL", earned=1.0, options=("LOAD_CELL", "LOAD_FAST"), correct=("LOAD_CELL",)),
        _row(4, version=2, value="LOAD_CELL", earned=1.0, options=("LOAD_CELL", "LOAD_FAST"), correct=("LOAD_CELL",)),
    ]  # fmt: skip

    [question] = quiz_statistics(rows)["questions"]

    assert question["versions"] == [1, 2]
    assert [(r["version"], r["drawn"], r["full_percent"]) for r in question["rows"]] == [
        (1, 2, 50.0),
        (2, 2, 100.0),
    ]
    assert [o["text"] for o in question["rows"][1]["options"]] == ["LOAD_CELL", "LOAD_FAST"]
    overall = question["overall"]
    assert (overall["version"], overall["drawn"], overall["full_percent"]) == (None, 4, 75.0)


def test_it_lists_questions_in_the_order_students_saw_them() -> None:
    rows = [
        _row(a, question=q, position=p) for a, q, p in [(1, 7, 2), (1, 8, 1), (2, 7, 2), (2, 8, 1)]
    ]

    titles = [q["title"] for q in quiz_statistics(rows)["questions"]]

    assert titles == ["Q8", "Q7"]


# ------------------------------------------------------------------ discrimination


def test_it_computes_pearson_s_r() -> None:
    # Worked by hand: x mean 0.5, y mean 13/6; Sxy = 1.25, Sxx = 0.5, Syy = 19/6.
    assert correlation([(0.0, 1.0), (0.5, 2.0), (1.0, 3.5)]) == pytest.approx(
        1.25 / (0.5 * 19 / 6) ** 0.5
    )
    assert correlation([(0.0, 0.0), (1.0, 1.0)]) == pytest.approx(1.0)
    assert correlation([(1.0, 0.2), (1.0, 0.9)]) is None  # everyone scored the same


def _two_questions(first: list[int], second: list[int]) -> list[ItemRow]:
    rows = []
    for attempt, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        rows.append(_row(attempt, question=1, earned=float(a), value="x", position=1))
        rows.append(_row(attempt, question=2, earned=float(b), value="x", position=2))
    return rows


def test_it_correlates_a_question_with_the_rest_of_the_attempt() -> None:
    # Ten attempts of two 1-point questions; the rest of each attempt is the other one.
    # Right on both: 4, on Q1 only: 1, on Q2 only: 1, on neither: 4.
    # phi = (4*4 - 1*1) / sqrt(5*5*5*5) = 15/25 = 0.6.
    q1 = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    q2 = [1, 1, 1, 1, 0, 1, 0, 0, 0, 0]

    questions = quiz_statistics(_two_questions(q1, q2))["questions"]

    assert [q["rows"][0]["discrimination"] for q in questions] == [0.6, 0.6]
    assert [q["rows"][0]["discrimination_attempts"] for q in questions] == [10, 10]


def test_it_shows_a_question_that_strong_students_miss_as_negative() -> None:
    q1 = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    q2 = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]

    questions = quiz_statistics(_two_questions(q1, q2))["questions"]

    assert questions[0]["rows"][0]["discrimination"] == -1.0


def test_it_gives_no_discrimination_below_the_minimum_of_attempts() -> None:
    n = MIN_ATTEMPTS_FOR_DISCRIMINATION - 1
    q1 = [1, 0] * n
    q2 = [1, 0] * n

    assert (
        quiz_statistics(_two_questions(q1[:n], q2[:n]))["questions"][0]["rows"][0]["discrimination"]
        is None
    )
    assert discrimination([(1.0, 1.0), (0.0, 0.0)] * 5) == 1.0


def test_it_leaves_attempts_with_an_answer_to_grade_out_of_the_discrimination() -> None:
    q1 = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1]
    q2 = [1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0]
    rows = _two_questions(q1, q2)
    # Attempt 11's second answer is still with the grader: its rest is not known yet.
    rows[-1] = _row(11, question=2, earned=None, status="pending", value="x", position=2)

    row = quiz_statistics(rows)["questions"][0]["rows"][0]

    assert (row["discrimination"], row["discrimination_attempts"]) == (0.6, 10)
    assert row["graded"] == 11


def test_it_compares_with_the_rest_as_a_share_of_its_points() -> None:
    # Q2 is worth 3 points: rest shares of Q1 are 1, 2/3, 1/3 and 0.
    rows = []
    for attempt, (a, b) in enumerate([(1, 3), (1, 2), (0, 1), (0, 0)] * 3, start=1):
        rows.append(_row(attempt, question=1, earned=float(a), position=1))
        rows.append(_row(attempt, question=2, points=3.0, earned=float(b), position=2))

    first = quiz_statistics(rows)["questions"][0]["rows"][0]

    # x = 1,1,0,0; y = 1, 2/3, 1/3, 0: Sxy = 2/3, Sxx = 1, Syy = 5/9 -> r = 0.894.
    assert first["discrimination"] == round((2 / 3) / (5 / 9) ** 0.5, 2)

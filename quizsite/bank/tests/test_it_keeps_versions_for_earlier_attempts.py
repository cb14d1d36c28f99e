"""Re-syncing leaves unchanged questions alone; an edit makes a new version, and an
attempt made before the edit is still graded against the version it was given."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.sandbox import fake
from questions.scoring import score_answer
from questions.tests.banks import write_package
from quizsite.bank.models import Question, QuestionVersion
from quizsite.bank.sync import sync_bank
from quizsite.bank.versions import load_version
from quizsite.grading.models import Submission
from quizsite.grading.service import grade_submission

pytestmark = pytest.mark.django_db

TOML_V1 = """title = "Scale a number"
type = "code"
topics = ["objects"]
prompt = "Write `scale(x)` that returns `2 * x`."

[code]
entry = ["scale"]
reference = "reference.py"

[[tests]]
expr = "scale(21)"
"""
CHOICE = """title = "Pick"
type = "choice"
topics = ["objects"]
prompt = "Which is mutable?"
options = ["list", "tuple"]
answer = "{answer}"
"""
STUDENT = "def scale(x):\n    return 2 * x\n"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    write_package(root, "demo/scale", {"question.toml": TOML_V1, "reference.py": STUDENT})
    write_package(root, "demo/pick", {"question.toml": CHOICE.format(answer="list")})
    return root


def _edit_to_v2(root: Path) -> None:
    # Midterm fix: the question now asks for 3 * x.
    toml = root / "demo/scale/question.toml"
    toml.write_text(TOML_V1.replace("`2 * x`", "`3 * x`"))
    (root / "demo/scale/reference.py").write_text("def scale(x):\n    return 3 * x\n")


def test_it_leaves_an_unchanged_bank_untouched(bank: Path) -> None:
    sync_bank(bank, sandbox=fake.run)
    versions = list(QuestionVersion.objects.values_list())
    report = sync_bank(bank, sandbox=fake.run)
    assert sorted(report.unchanged) == ["demo/pick", "demo/scale"]
    assert report.created == report.updated == []
    assert list(QuestionVersion.objects.values_list()) == versions


def test_it_makes_a_new_version_and_keeps_the_old_one_intact(bank: Path) -> None:
    sync_bank(bank, sandbox=fake.run)
    v1 = Question.objects.get(path="demo/scale").current
    v1_files = dict(v1.files)

    _edit_to_v2(bank)
    report = sync_bank(bank, sandbox=fake.run)

    assert report.updated == ["demo/scale"] and report.unchanged == ["demo/pick"]
    row = Question.objects.get(path="demo/scale")
    assert [v.number for v in row.versions.all()] == [1, 2]
    assert row.current.number == 2 and row.current.pk != v1.pk
    v1.refresh_from_db()
    assert v1.files == v1_files and "2 * x" in v1.files["reference.py"]
    assert "3 * x" in row.current.files["reference.py"]


def test_it_grades_an_earlier_attempt_against_its_own_version(bank: Path, settings) -> None:
    settings.GRADER_SANDBOX = "fake"
    sync_bank(bank, sandbox=fake.run)
    v1 = Question.objects.get(path="demo/scale").current
    before_edit = Submission.objects.create(question_version=v1, code=STUDENT)

    _edit_to_v2(bank)
    sync_bank(bank, sandbox=fake.run)
    v2 = Question.objects.get(path="demo/scale").current
    after_edit = Submission.objects.create(question_version=v2, code=STUDENT)

    grade_submission(before_edit.pk)
    grade_submission(after_edit.pk)
    before_edit.refresh_from_db()
    after_edit.refresh_from_db()
    assert before_edit.question_version_id == v1.pk
    assert before_edit.status == "graded" and before_edit.score == before_edit.max_score
    assert after_edit.status == "graded" and after_edit.score == 0


def test_it_scores_a_non_code_answer_against_its_own_version(bank: Path) -> None:
    sync_bank(bank, sandbox=fake.run)
    v1 = Question.objects.get(path="demo/pick").current
    (bank / "demo/pick/question.toml").write_text(CHOICE.format(answer="tuple"))
    sync_bank(bank, sandbox=fake.run)
    v2 = Question.objects.get(path="demo/pick").current

    assert v2.number == 2
    assert score_answer(load_version(v1), "list") == 1
    assert score_answer(load_version(v2), "list") == 0


def test_it_retires_a_removed_question_and_revives_it_without_a_new_version(bank: Path) -> None:
    import shutil

    sync_bank(bank, sandbox=fake.run)
    saved = bank.parent / "saved-pick"
    shutil.move(bank / "demo/pick", saved)
    assert sync_bank(bank, sandbox=fake.run).retired == ["demo/pick"]
    assert Question.objects.get(path="demo/pick").retired

    shutil.move(saved, bank / "demo/pick")
    assert sync_bank(bank, sandbox=fake.run).updated == ["demo/pick"]
    row = Question.objects.get(path="demo/pick")
    assert not row.retired and row.versions.count() == 1

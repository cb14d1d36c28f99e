from pathlib import Path

import pytest

from quizsite.bank.models import Question, QuestionVersion
from quizsite.bank.versions import read_package_files

FIXTURES = Path(__file__).resolve().parents[3] / "grader" / "tests" / "fixtures" / "bank"


def make_version(qid: str = "arith/add") -> QuestionVersion:
    files = read_package_files(FIXTURES / qid)
    question = Question.objects.create(
        bank="fixtures", path=qid, title=qid, type="code", topics=["basics"]
    )
    version = QuestionVersion.objects.create(
        question=question, number=1, content_hash="h-" + qid, files=files
    )
    question.current = version
    question.save(update_fields=["current"])
    return version


@pytest.fixture
def add_version(db):
    return make_version("arith/add")


@pytest.fixture
def fake_sandbox(settings):
    settings.GRADER_SANDBOX = "fake"

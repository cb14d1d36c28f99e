"""Options are shown as the bank wrote them: inline Markdown rendered, never raw
backticks, and never live HTML."""

from __future__ import annotations

from django.urls import reverse

from quizsite.quizzes.actions.attempts import start_attempt
from quizsite.quizzes.models import QuizPool
from quizsite.quizzes.tests.conftest import T0, store_question


def test_it_renders_inline_code_in_options_and_escapes_html(
    make_quiz, student, client_for, time_machine
):
    question = store_question(
        "h/opts",
        {
            "question.toml": 'title = "Opts"\ntype = "multi"\nprompt = "Pick"\nshuffle = false\n'
            'options = ["`co_freevars`", "<img src=x onerror=alert(1)>"]\nanswers = ["`co_freevars`"]\n'
        },
    )
    quiz = make_quiz(pool=False)
    QuizPool.objects.create(quiz=quiz, count=1).questions.set([question])
    time_machine.move_to(T0)
    attempt = start_attempt(quiz, student, now=T0)
    html = client_for(student).get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert 'value="`co_freevars`"><span><code>co_freevars</code></span>' in html
    options = html.split('<ul class="options">', 1)[1].split("</ul>", 1)[0]
    assert "<img" not in options  # the value attribute is escaped, the label sanitised

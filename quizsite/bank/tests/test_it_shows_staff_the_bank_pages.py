"""Staff pages: browse by topic, preview a variant by seed, try a non-code answer and
see its score at once. Only course staff may see them. (Tried code goes to the
grading workers: test_it_grades_previewed_code_on_the_workers.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from quizsite.bank.sync import sync_bank
from quizsite.bank.tests.conftest import PAGE_IDS, preview_url
from quizsite.grading.models import Submission

pytestmark = pytest.mark.django_db

IDS = PAGE_IDS


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ta", 200),
        ("instructor", 200),
        ("student", 403),
        ("other_student", 403),
        ("stranger", 403),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("page", ["index", "preview", "try"])
def test_it_lets_only_staff_in(preview_bank, personas, client_for, persona, expected, page) -> None:
    client = client_for(personas[persona])
    if page == "index":
        response = client.get(reverse("questions:index"))
    elif page == "preview":
        response = client.get(preview_url("scopes/which-load", seed=1))
    else:
        response = client.post(preview_url("scopes/which-load", seed=1), {"answer": "LOAD_FAST"})
    assert response.status_code == expected
    if expected == 302:
        assert reverse("login") in response["Location"]


def test_it_browses_by_topic(preview_bank, ta, client_for) -> None:
    client = client_for(ta)
    everything = client.get(reverse("questions:index")).content.decode()
    for qid in IDS:
        assert qid in everything
    assert "scopes (2)" in everything and "numpy (1)" in everything

    scopes = client.get(reverse("questions:index") + "?topic=scopes").content.decode()
    assert "scopes/which-load" in scopes and "scopes/unbound-local" in scopes
    assert "numpy/nbytes" not in scopes and "objects/freeze" not in scopes


def _variant_values(html: str) -> list[str]:
    block = html.split('<dl class="variant-values">', 1)[1].split("</dl>", 1)[0]
    return re.findall(r"<dd><code>(.*?)</code></dd>", block, re.S)


def test_it_previews_a_variant_that_is_stable_per_seed(preview_bank, ta, client_for) -> None:
    client = client_for(ta)
    pages = {
        seed: client.get(preview_url("numpy/nbytes", seed=seed)).content.decode()
        for seed in range(6)
    }
    again = client.get(preview_url("numpy/nbytes", seed=3)).content.decode()

    assert _variant_values(again) == _variant_values(pages[3])
    assert len({tuple(_variant_values(p)) for p in pages.values()}) > 1
    # The student's prompt has the values filled in and the code highlighted.
    n = _variant_values(pages[3])[0]
    assert f'<span class="mi">{n}</span>' in pages[3]
    assert "{{" not in pages[3].split("What the student sees", 1)[1].split("Answer key", 1)[0]


def test_it_scores_a_tried_answer_for_the_previewed_variant(preview_bank, ta, client_for) -> None:
    client = client_for(ta)
    page = client.get(preview_url("scopes/which-load", seed=5)).content.decode()
    right = re.search(r"Answer: <code>(LOAD_\w+)</code>", page).group(1)
    wrong = next(o for o in ["LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF"] if o != right)

    good = client.post(preview_url("scopes/which-load", seed=5), {"answer": right}).content.decode()
    bad = client.post(preview_url("scopes/which-load", seed=5), {"answer": wrong}).content.decode()
    assert 'Score: <strong class="ok">1 of 1</strong>' in good
    assert 'Score: <strong class="bad">0 of 1</strong>' in bad
    # Scored in the request: nothing is queued for the grading workers.
    assert not Submission.objects.exists()


def test_it_previews_an_older_version_after_an_edit(preview_bank: Path, ta, client_for) -> None:
    toml = preview_bank / "scopes/unbound-local/question.toml"
    toml.write_text(toml.read_text().replace("The last line fails.", "The last line breaks."))
    sync_bank(preview_bank, check=False)
    client = client_for(ta)

    current = client.get(preview_url("scopes/unbound-local")).content.decode()
    older = client.get(preview_url("scopes/unbound-local", version=1)).content.decode()
    assert "The last line breaks." in current and "version 2 (current)" in current
    assert "The last line fails." in older and "version 1 (older)" in older
    assert client.get(preview_url("scopes/unbound-local", version=7)).status_code == 404

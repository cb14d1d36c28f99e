"""Staff pages: browse by topic, preview a variant by seed, try an answer and see the
full grader result. Only course staff may see them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from questions.sync import sync_bank
from questions.tests.banks import copy_questions

pytestmark = pytest.mark.django_db

IDS = ["scopes/which-load", "scopes/unbound-local", "numpy/nbytes", "objects/freeze"]


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    # The personas are created with passwords; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bank(tmp_path: Path, settings) -> Path:
    settings.GRADER_SANDBOX = "fake"
    root = copy_questions(tmp_path / "bank", IDS)
    sync_bank(root, check=False)
    return root


def preview_url(path: str, **params: object) -> str:
    url = reverse("questions:preview", args=["sample", path])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


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
def test_it_lets_only_staff_in(bank, personas, client_for, persona, expected, page) -> None:
    client = client_for(personas[persona])
    if page == "index":
        response = client.get(reverse("questions:index"))
    elif page == "preview":
        response = client.get(preview_url("scopes/which-load", seed=1))
    else:
        response = client.post(
            preview_url("objects/freeze"), {"code": "def freeze(o):\n    return o\n"}
        )
    assert response.status_code == expected
    if expected == 302:
        assert reverse("login") in response["Location"]


def test_it_browses_by_topic(bank, ta, client_for) -> None:
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


def test_it_previews_a_variant_that_is_stable_per_seed(bank, ta, client_for) -> None:
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


def test_it_scores_a_tried_answer_for_the_previewed_variant(bank, ta, client_for) -> None:
    client = client_for(ta)
    page = client.get(preview_url("scopes/which-load", seed=5)).content.decode()
    right = re.search(r"Answer: <code>(LOAD_\w+)</code>", page).group(1)
    wrong = next(o for o in ["LOAD_FAST", "LOAD_GLOBAL", "LOAD_DEREF"] if o != right)

    good = client.post(preview_url("scopes/which-load", seed=5), {"answer": right}).content.decode()
    bad = client.post(preview_url("scopes/which-load", seed=5), {"answer": wrong}).content.decode()
    assert 'Score: <strong class="ok">1 of 1</strong>' in good
    assert 'Score: <strong class="bad">0 of 1</strong>' in bad


def test_it_shows_the_full_grader_result_for_code(bank, ta, client_for) -> None:
    client = client_for(ta)
    almost = (
        "def freeze(obj):\n"
        "    if isinstance(obj, list):\n"
        "        return tuple(freeze(x) for x in obj)\n"
        "    if isinstance(obj, dict):\n"
        "        return tuple(sorted((k, freeze(v)) for k, v in obj.items()))\n"
        "    return obj\n"  # forgets sets
    )
    html = client.post(preview_url("objects/freeze"), {"code": almost}).content.decode()
    assert "graded" in html
    rows = re.findall(
        r"<tr><td><code>([\w-]+)</code></td><td>(\w+)</td><td class=\"(ok|bad)\">", html
    )
    assert ("test-2", "test", "bad") in rows  # type(freeze({1, 2})) is still a set
    assert ("test-1", "test", "ok") in rows
    assert {name for name, _, _ in rows} == {"test-1", "test-2", "test-3", "random_nested"}
    assert "frozenset" in html  # the feedback says what was expected


def test_it_previews_an_older_version_after_an_edit(bank: Path, ta, client_for) -> None:
    toml = bank / "scopes/unbound-local/question.toml"
    toml.write_text(toml.read_text().replace("The last line fails.", "The last line breaks."))
    sync_bank(bank, check=False)
    client = client_for(ta)

    current = client.get(preview_url("scopes/unbound-local")).content.decode()
    older = client.get(preview_url("scopes/unbound-local", version=1)).content.decode()
    assert "The last line breaks." in current and "version 2 (current)" in current
    assert "The last line fails." in older and "version 1 (older)" in older
    assert client.get(preview_url("scopes/unbound-local", version=7)).status_code == 404

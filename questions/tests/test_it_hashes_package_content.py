from questions.format import load_bank
from questions.tests.format_helpers import CODE_TOML, write_question


def test_it_keeps_the_hash_while_nothing_changes_and_changes_it_with_any_file(tmp_path):
    d = write_question(tmp_path, "q", CODE_TOML, reference__py="def add(a, b):\n    return a + b\n")
    (first,) = load_bank(tmp_path)
    (again,) = load_bank(tmp_path)
    assert first.content_hash == again.content_hash
    (d / "reference.py").write_text("def add(a, b):\n    return b + a\n", encoding="utf-8")
    (changed,) = load_bank(tmp_path)
    assert changed.content_hash != first.content_hash
    (d / "notes.txt").write_text("x", encoding="utf-8")
    (extra,) = load_bank(tmp_path)
    assert extra.content_hash not in (first.content_hash, changed.content_hash)


def test_it_leaves_a_nested_question_out_of_its_parents_hash(tmp_path):
    write_question(tmp_path, "q", CODE_TOML, reference__py="def add(a, b):\n    return a + b\n")
    (before,) = load_bank(tmp_path)
    write_question(tmp_path, "q/inner", 'title="t"\ntype="text"\nprompt="p"\nanswers=["x"]\n')
    qs = {q.id: q for q in load_bank(tmp_path)}
    assert set(qs) == {"q", "q/inner"}
    assert qs["q"].content_hash == before.content_hash

from quizsite.accounts.csvrows import read_rows


def test_it_ignores_a_bom_header_case_and_blank_rows():
    text = (
        "\ufeff Username ,EMAIL,Role\nada,ada@example.edu,student\n,,\n\nbob,bob@example.edu,ta\n"
    )
    rows, errors = read_rows(text, required=("username", "email", "role"))
    assert errors == []
    assert rows == [
        (2, {"username": "ada", "email": "ada@example.edu", "role": "student"}),
        (5, {"username": "bob", "email": "bob@example.edu", "role": "ta"}),
    ]


def test_it_names_missing_and_unknown_columns():
    assert read_rows("team\nx\n", required=("team", "username")) == (
        [],
        ["line 1: missing column(s) username; expected team, username"],
    )
    rows, errors = read_rows("team,username,note\nx,ada,hi\n", required=("team", "username"))
    assert errors == ["line 1: unknown column(s) note"] and len(rows) == 1
    assert (
        read_rows(
            "team,username,note\nx,ada,hi\n", required=("team", "username"), allow_extra=True
        )[1]
        == []
    )


def test_it_stops_at_the_row_cap():
    text = "team,username\n" + "".join(f"t,u{i}\n" for i in range(4))
    rows, errors = read_rows(text, required=("team", "username"), max_rows=3)
    assert len(rows) == 3 and errors == ["line 5: more than 3 rows; split the file"]

from quizsite.reports.length import LengthLimit, check_length, count_words, measure


def test_it_counts_words_but_not_markdown_syntax():
    text = "# Progress\n\n- built the parser\n- wrote 3 tests\n\n| a | b |\n|---|---|\n"
    assert count_words(text) == 9


def test_it_turns_a_page_limit_into_a_word_limit_for_text():
    limit = LengthLimit(max_pages=0.5)
    short = measure(("word " * 250).encode(), "md")
    long = measure(("word " * 251).encode(), "txt")
    assert check_length(short, limit) == (True, "250 words (limit: 250 words)")
    assert check_length(long, limit) == (False, "251 words (limit: 250 words)")


def test_it_prefers_an_explicit_word_limit():
    limit = LengthLimit(max_pages=0.5, max_words=100)
    assert check_length(measure(("x " * 101).encode(), "md"), limit)[0] is False


def test_it_reads_text_with_a_byte_order_mark():
    assert measure("\ufeffone two".encode(), "txt").words == 2


def test_it_counts_a_long_run_of_punctuation_as_no_word_in_one_pass():
    # The obvious pattern for a word backtracks quadratically here: minutes, not a moment.
    assert count_words("-" * 300_000 + " end") == 1
    assert count_words("x" + "-" * 300_000) == 1

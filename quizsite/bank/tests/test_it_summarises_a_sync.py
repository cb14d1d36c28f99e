from quizsite.bank.sync import SyncReport


def test_it_counts_what_was_written_and_checked():
    report = SyncReport(
        bank="sample", dry_run=False, created=["a", "b"], unchanged=["c"], checked=["a"]
    )
    assert report.summary() == (
        "bank 'sample': 2 created, 0 updated, 1 unchanged, 0 retired (were written); "
        "1 code question references earned full marks"
    )


def test_it_says_when_references_were_not_checked():
    report = SyncReport(bank="sample", dry_run=True, unchanged=["c"], self_checked=False)
    assert report.summary().endswith("(would be written); references not self-checked")

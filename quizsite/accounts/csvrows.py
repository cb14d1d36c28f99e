"""Reading an uploaded CSV the same way everywhere (rosters, teams): a byte-order mark
is ignored, column names match whatever their case and surrounding space, blank rows
are skipped, and every problem is a sentence that starts with its line number."""

from __future__ import annotations

import csv
import io

MAX_ROWS = 5000


def read_rows(
    text: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    allow_extra: bool = False,
    max_rows: int = MAX_ROWS,
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """([(line number, {column: value}), ...], errors). Values are stripped; column names
    are lower case. With a missing column no row is read."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        expected = ", ".join(required + optional)
        return [], [f"line 1: missing column(s) {', '.join(missing)}; expected {expected}"]
    errors = []
    unknown = [c for c in header if c not in required + optional]
    if unknown and not allow_extra:
        errors.append(f"line 1: unknown column(s) {', '.join(unknown)}")
    rows: list[tuple[int, dict[str, str]]] = []
    for raw in reader:
        # The reader's own count: DictReader drops empty lines, so counting rows would
        # blame the wrong line after a blank one.
        number = reader.line_num
        if len(rows) >= max_rows:
            errors.append(f"line {number}: more than {max_rows} rows; split the file")
            break
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if any(values.values()):
            rows.append((number, values))
    return rows, errors


# A cell a spreadsheet would run as a formula ("=HYPERLINK(...)" typed as a name at
# sign-up) is written with a leading apostrophe, which spreadsheets show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A value as written to an exported CSV: text that could start a formula is
    neutralised; numbers and empty cells are left as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_rows(header: list[str], rows: list[list[object]]) -> str:
    """CSV text (with a header line) for a download, every cell through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()

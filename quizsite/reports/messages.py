"""Sentences a student reads about the length of an upload and about a grade, in one
place."""

from __future__ import annotations

# A PDF that does not parse is refused; ``problem`` is length.Unreadable's plain words.
UNREADABLE_PDF = (
    "{name} starts like a PDF but could not be read: {problem}. "
    "Export it again from your editor and upload the new file."
)
# On the confirm page of a PDF that could not be measured within the limits.
NOT_MEASURED = (
    "We could not measure the length of this PDF: measuring it took too long or needed "
    "too much memory. You can still hand it in; it is kept like any other version, and "
    "the course staff will check its length by hand. If you can, export the PDF again "
    "straight from your editor and upload that instead."
)
# Added to "Handed in as version N." for such a PDF.
NOT_MEASURED_CONFIRMED = " Its length could not be measured; the course staff will check it."
# On the confirm page of a PDF whose length came from images, with no text on the page.
NO_TEXT = (
    "This PDF has no text on the page where its length is measured (its last page), "
    "only images or drawings, or nothing at all. If it is a scan, the course staff may "
    "check its length by hand; a PDF exported straight from your editor is measured "
    "more reliably."
)
# The length shown in lists for a PDF that could not be measured, by the reason.
NOT_MEASURED_LENGTH = {
    "time": "not measured (took too long)",
    "memory": "not measured (needed too much memory)",
    "failed": "not measured",
}

# The heading of a released grade that was given to a version other than the one that
# counts now (the student or a team-mate handed in again after grading): the points
# are for the version named.
GRADE_FOR_VERSION = "Grade for version {version}"
GRADE_BEFORE_ANY_VERSION = "Grade given before any version was handed in"

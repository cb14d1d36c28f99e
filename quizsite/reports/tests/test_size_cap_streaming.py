"""The size cap stops reading the request body early instead of reading it all."""

import io

from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory

from quizsite.reports.uploads import CappedUploadHandler, declared_too_large

BOUNDARY = "XyZboundary"


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.consumed = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


def _body(file_bytes: bytes) -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\nabc\r\n'
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="report"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + file_bytes
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def test_it_stops_reading_the_body_soon_after_the_cap():
    body = _body(b"%PDF-1.7\n" + b"x" * (8 * 1024 * 1024))
    stream = CountingStream(body)
    request = RequestFactory().post("/")
    handler = CappedUploadHandler(request, cap=64 * 1024)
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(body)),
    }
    post, files = MultiPartParser(meta, stream, [handler, MemoryFileUploadHandler(request)]).parse()
    assert handler.exceeded
    assert "report" not in files
    assert post["csrfmiddlewaretoken"] == "abc"
    # A few 64 KB parser chunks at most, not the 8 MB body.
    assert stream.consumed < 512 * 1024 < len(body)


def test_it_passes_files_under_the_cap_through_unchanged():
    content = b"# Report\n" * 100
    body = _body(content)
    request = RequestFactory().post("/")
    handler = CappedUploadHandler(request, cap=64 * 1024)
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(body)),
    }
    _, files = MultiPartParser(
        meta, io.BytesIO(body), [handler, MemoryFileUploadHandler(request)]
    ).parse()
    assert not handler.exceeded
    assert files["report"].read() == content


def test_it_judges_the_declared_length_with_room_for_the_form():
    request = RequestFactory().post("/", data=b"", content_type="multipart/form-data")
    request.META["CONTENT_LENGTH"] = str(1024 * 1024 + 10)
    assert not declared_too_large(request, cap=1024 * 1024)
    request.META["CONTENT_LENGTH"] = str(2 * 1024 * 1024)
    assert declared_too_large(request, cap=1024 * 1024)
    request.META["CONTENT_LENGTH"] = "junk"
    assert not declared_too_large(request, cap=1)


def test_it_still_checks_the_csrf_token_on_uploads(student, milestone):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    url = f"/courses/cs107/milestones/{milestone.pk}/upload/"
    response = client.post(url, {"report": io.BytesIO(b"# x\n")})
    assert response.status_code == 403

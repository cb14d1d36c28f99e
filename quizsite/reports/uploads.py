"""Refuse oversized uploads before the whole body is read.

Two checks: the declared Content-Length (the view refuses before touching the body),
and a running count of the file's bytes while the body streams in, for clients that
send no length or lie about it. When the count passes the cap the parser stops
reading at once (StopUpload with connection_reset) and the view says why."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD = 64 * 1024


def declared_too_large(request: HttpRequest, cap: int) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return declared > cap + FORM_OVERHEAD


class CappedUploadHandler(FileUploadHandler):
    """Put first in request.upload_handlers; passes chunks on to the default handlers
    until more than `cap` bytes of file data have arrived."""

    def __init__(self, request: HttpRequest, cap: int) -> None:
        super().__init__(request)
        self.cap = cap
        self.received = 0
        self.exceeded = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        # A part's own Content-Length header, when a client sends one.
        if self.content_length is not None and self.content_length > self.cap:
            self.exceeded = True
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.cap:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        # The next handler (memory or temporary file) builds the UploadedFile.
        return None

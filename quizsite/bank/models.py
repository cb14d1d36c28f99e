"""Questions as imported from bank files. A question's content never changes in
place: an edit makes a new QuestionVersion, and attempts keep the version they got."""

from __future__ import annotations

from django.db import models


class Question(models.Model):
    bank = models.CharField(max_length=100, default="sample")
    path = models.CharField(
        max_length=255, help_text="Id in the bank, e.g. scopes/nonlocal-counter"
    )
    # Denormalised from the current version so browsing and pools need no join.
    title = models.CharField(max_length=300)
    type = models.CharField(max_length=20)
    topics = models.JSONField(default=list)
    current = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retired = models.BooleanField(
        default=False, help_text="No longer in the bank; kept for old attempts."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bank", "path"], name="unique_question_path")
        ]
        ordering = ["bank", "path"]

    def __str__(self) -> str:
        return f"{self.bank}:{self.path}"


class QuestionVersion(models.Model):
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    # Every file of the package as text ({"question.toml": "...", "reference.py": "..."}),
    # so a version can be graded exactly as it was, whatever the bank holds today.
    files = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="unique_version_number")
        ]
        ordering = ["question", "number"]

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"


class QuestionImage(models.Model):
    """An image a version's prompt shows (a file beside its question.toml), kept with
    the version like its other files: checked for type and size by the bank sync."""

    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="images")
    name = models.CharField(max_length=100)  # a bare file name, e.g. "frames.png"
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="unique_image_name")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.name}"

from django import forms


class CsvTextField(forms.FileField):
    """An uploaded CSV file, cleaned to its text: capped in size and required to be UTF-8."""

    def __init__(self, *, max_bytes: int = 2 * 1024 * 1024, **kwargs) -> None:
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> str:
        upload = super().clean(data, initial)
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file is larger than {self.max_bytes // (1024 * 1024)} MB; split it."
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text; save it as CSV UTF-8."
            ) from None


class RosterUploadForm(forms.Form):
    csv_file = CsvTextField(
        label="Roster CSV",
        help_text="Columns: username, email, role (student, ta, instructor); optional first_name, last_name, group.",
    )

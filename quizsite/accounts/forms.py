import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model


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


class WallClockField(forms.DateTimeField):
    """A time as staff read it on a clock in the course's zone (an
    ``<input type="datetime-local">``): naive here, made aware by ``in_zone``."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        # Django would attach the *server's* zone to a naive time: keep it naive, so
        # that ``in_zone`` attaches the course's.
        result = super().to_python(value)
        return result.replace(tzinfo=None) if result is not None else None


def in_zone(value, tz):
    """A naive wall-clock time typed for zone ``tz``, as an aware datetime."""
    return value.replace(tzinfo=tz) if value is not None else None


def wall_clock(value, tz):
    """An aware datetime as the naive wall-clock time a form shows in zone ``tz``."""
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


def _same_email(a: str, b: str) -> bool:
    """Compared as Django's own reset form compares them."""
    return (
        unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, also for accounts that have no usable password yet: the
    roster import makes accounts without one, and their owners choose it through this
    very form (Django's own leaves them out, for sites where such accounts log in
    elsewhere only). The e-mail still goes only to the account's address."""

    def get_users(self, email: str):
        model = get_user_model()
        field = model.get_email_field_name()
        users = model._default_manager.filter(**{f"{field}__iexact": email, "is_active": True})
        return (u for u in users if _same_email(email, getattr(u, field)))

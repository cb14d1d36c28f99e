from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms

from quizsite.accounts.forms import CsvTextField
from quizsite.accounts.models import Course
from quizsite.lib.forms import field_of
from quizsite.reports.gradebook import points_text
from quizsite.reports.models import FORMAT_CHOICES, Milestone, ReportSubmission


class UploadForm(forms.Form):
    report = forms.FileField(label="Your report", allow_empty_file=True)


class TeamsUploadForm(forms.Form):
    csv_file = CsvTextField(
        label="Teams CSV",
        help_text="Columns: team, username (one row per student).",
        max_bytes=1024 * 1024,
    )


class MilestoneForm(forms.ModelForm):
    """Staff type times as they read them in the course's time zone; stored in UTC."""

    due_local = forms.DateTimeField(
        label="Due",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    late_until_local = forms.DateTimeField(
        label="Late reports accepted until",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    formats = forms.MultipleChoiceField(
        choices=FORMAT_CHOICES, widget=forms.CheckboxSelectMultiple, label="Accepted formats"
    )
    max_megabytes = forms.DecimalField(
        label="Size cap (MB)", min_value=Decimal("0.01"), max_value=50, initial=5
    )
    rubric = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="One criterion a line: points | title, e.g. “4 | Progress is clear”.",
    )

    class Meta:
        model = Milestone
        fields = [
            "title",
            "instructions",
            "late_penalty_percent",
            "max_pages",
            "max_words",
            "is_team",
        ]

    def __init__(self, *args, course: Course, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        tz = course.tz
        self.fields["due_local"].help_text = f"In the course's time zone ({course.timezone})."
        if self.instance.pk:
            self.initial["due_local"] = self.instance.due_at.astimezone(tz).replace(tzinfo=None)
            if self.instance.late_until:
                self.initial["late_until_local"] = self.instance.late_until.astimezone(tz).replace(
                    tzinfo=None
                )
            self.initial["formats"] = list(self.instance.formats)
            self.initial["max_megabytes"] = Decimal(self.instance.max_bytes) / (1024 * 1024)
            self.initial["rubric"] = "\n".join(
                f"{points_text(c.max_points)} | {c.title}" for c in self.instance.criteria.all()
            )
        else:
            self.initial.setdefault("formats", ["pdf", "md", "txt"])

    def _aware(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        # The widget sends a wall-clock time; it means that time in the course's zone.
        return value.replace(tzinfo=self.course.tz)

    def clean_rubric(self) -> list[tuple[Decimal, str]]:
        criteria = []
        for number, line in enumerate(self.cleaned_data["rubric"].splitlines(), start=1):
            if not line.strip():
                continue
            points, sep, title = line.partition("|")
            try:
                value = Decimal(points.strip())
            except ArithmeticError:
                value = None
            if not sep or value is None or value < 0 or not title.strip():
                raise forms.ValidationError(f"Line {number}: write “points | title”.")
            criteria.append((value, title.strip()[:200]))
        if self.instance.pk and self.instance.grades.exists():
            current = [(c.max_points, c.title) for c in self.instance.criteria.all()]
            if criteria != current:
                # Grades already given refer to these criteria; changing them would
                # silently change what those grades mean.
                raise forms.ValidationError(
                    "The rubric cannot change once a report has been graded against it."
                )
        return criteria

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        due = self._aware(data.get("due_local"))
        late = self._aware(data.get("late_until_local"))
        if due and late and late < due:
            self.add_error("late_until_local", "The late cut-off must be after the due date.")
            late = None  # reported once, on this form's field, not again by the model
        self.instance.course = self.course
        if due:
            self.instance.due_at = due
        self.instance.late_until = late
        if data.get("formats"):
            self.instance.accepted_formats = ",".join(data["formats"])
        if data.get("max_megabytes"):
            self.instance.max_bytes = int(data["max_megabytes"] * 1024 * 1024)
        return data


class GradeForm(forms.Form):
    """Built from the milestone's rubric: one points field (and comment) per criterion."""

    feedback = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    chosen = forms.ChoiceField(label="Version to grade", required=False)

    def __init__(
        self, *args, milestone: Milestone, versions: list[ReportSubmission], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(milestone.criteria.all())
        for criterion in self.criteria:
            self.fields[f"points_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.title} (0–{points_text(criterion.max_points)})",
                min_value=0,
                max_value=criterion.max_points,
                decimal_places=2,
                help_text=criterion.description,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on {criterion.title}", required=False, max_length=500
            )
        self.versions = {str(v.pk): v for v in versions}
        field_of(self, "chosen", forms.ChoiceField).choices = [
            ("", "The rule: last on time, else last late")
        ] + [
            (str(v.pk), f"v{v.version} ({'late' if v.is_late else 'on time'}, {v.length_text})")
            for v in versions
        ]

    def points(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"points_{c.pk}"] for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.criteria}

    def chosen_submission(self) -> ReportSubmission | None:
        return self.versions.get(self.cleaned_data.get("chosen") or "")

    def criterion_fields(self):
        return [(self[f"points_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

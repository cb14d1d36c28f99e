"""Parsing of what the quiz pages post. Forms only check shapes; every rule about
whether a value is accepted lives in ``actions``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest

from quizsite.accounts.forms import WallClockField, in_zone, wall_clock
from quizsite.accounts.models import Course, CourseGroup
from quizsite.lib.forms import ErrorTextMixin, field_of
from quizsite.quizzes import access_rules, messages, timing
from quizsite.quizzes.models import Quiz

NOT_A_JSON_OBJECT = "Invalid request: the body is not a JSON object."


class _JsonBodyForm(ErrorTextMixin, forms.Form):
    """A form fed from a JSON request body (fetch) or from a ``payload`` form field
    holding the same JSON (navigator.sendBeacon, which cannot set headers, sends the
    CSRF token as a form field beside it)."""

    json_fields: tuple[str, ...] = ()

    @classmethod
    def from_request(cls, request: HttpRequest) -> _JsonBodyForm:
        try:
            if request.content_type == "application/json":
                payload = json.loads(request.body or b"null")
            else:
                payload = json.loads(request.POST.get("payload", "null"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            # RecursionError: JSON nested deeper than the parser goes ("[" * 100000).
            payload = None
        if not isinstance(payload, dict):
            return cls.refused(NOT_A_JSON_OBJECT)
        if not _encodable(payload):
            # JSON may escape a lone surrogate ("\\ud800"): Python decodes it, but no
            # database or file takes it. Refused here, before anything stores it.
            return cls.refused(messages.NOT_UNICODE)
        data: dict[str, Any] = {k: v for k, v in payload.items() if k not in cls.json_fields}
        for name in cls.json_fields:
            # Kept as JSON text for forms.JSONField, which decodes and validates it.
            data[name] = json.dumps(payload.get(name))
        return cls(data=data)

    @classmethod
    def refused(cls, refusal: str) -> _JsonBodyForm:
        form = cls(data={})
        form.refusal = refusal
        return form

    def is_valid(self) -> bool:
        return not self.refusal and super().is_valid()


def _encodable(payload: Any) -> bool:
    """Is every string of a decoded JSON document valid Unicode (no lone surrogate)?"""
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class AutosaveForm(_JsonBodyForm):
    json_fields = ("value",)

    position = forms.IntegerField(min_value=1)
    value = forms.JSONField(required=False)
    # The revision the page last saw, and the page's own id (one per load of the page):
    # together they tell a stale tab's save from a retry of this page's own.
    revision = forms.IntegerField(min_value=0, required=False)
    client = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,40}$", required=False)


class FlagForm(_JsonBodyForm):
    position = forms.IntegerField(min_value=1)
    flagged = forms.BooleanField(required=False)


class RunTestsForm(_JsonBodyForm):
    code = forms.CharField(strip=False, required=False, max_length=200_000)


class AnswerPointsForm(ErrorTextMixin, forms.Form):
    # The range is the question's, checked by ``actions.answers.set_answer_points``.
    points = forms.FloatField()


class AddTimeForm(ErrorTextMixin, forms.Form):
    attempt = forms.IntegerField(min_value=1)
    minutes = forms.IntegerField(min_value=1, max_value=600)


# ------------------------------------------------------------------ staff: quizzes


@dataclass(frozen=True)
class Entry:
    """One question a pool can draw, as the question picker lists it."""

    pk: int
    bank: str
    path: str
    title: str
    type: str
    topics: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.path}: {self.title}"

    @property
    def group(self) -> str:
        """The topic the picker lists it under (its first; the bank's folder)."""
        return self.topics[0] if self.topics else NO_TOPIC


NO_TOPIC = "(no topic)"


@dataclass(frozen=True)
class Catalogue:
    """The questions a pool can draw from, read once per page."""

    entries: tuple[Entry, ...]

    @classmethod
    def load(cls) -> Catalogue:
        from quizsite.bank.models import Question

        rows = (
            Question.objects.filter(retired=False, current__isnull=False)
            .order_by("bank", "path")
            .values_list("pk", "bank", "path", "title", "type", "topics")
        )
        return cls(
            tuple(
                Entry(pk, bank, path, title, qtype, tuple(t or ()))
                for pk, bank, path, title, qtype, t in rows
            )
        )

    @property
    def topics(self) -> list[str]:
        return sorted({t for e in self.entries for t in e.topics})

    def with_topic(self, topic: str) -> int:
        return sum(1 for e in self.entries if topic in e.topics)

    def grouped(self) -> list[tuple[str, list[tuple[int, Entry]]]]:
        """Choices for the picker: by topic, in topic order, then by path."""
        groups: dict[str, list[tuple[int, Entry]]] = {}
        for e in sorted(self.entries, key=lambda e: (e.group == NO_TOPIC, e.group, e.path)):
            groups.setdefault(e.group, []).append((e.pk, e))
        return list(groups.items())


class QuestionPicker(forms.CheckboxSelectMultiple):
    """The bank as a checklist grouped by topic (collapsed unless a question of the
    group is chosen), which ``quiz_edit.js`` makes searchable and previewable."""

    template_name = "quizzes/widgets/question_picker.html"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["groups"] = [
            {
                "name": group,
                "options": options,
                "chosen": sum(1 for o in options if o["selected"]),
            }
            for group, options, _ in context["widget"]["optgroups"]
        ]
        return context


class QuizForm(forms.ModelForm):
    """Staff type times as they read them in the course's zone; stored in UTC."""

    opens_local = WallClockField(label="Opens")
    closes_local = WallClockField(label="Closes", help_text="For homework: the due date.")
    time_limit_minutes = forms.IntegerField(
        label="Time limit (minutes)",
        min_value=1,
        max_value=24 * 60,
        required=False,
        help_text="Empty: homework, open until it closes, with graded tries per question.",
    )
    grace_seconds = forms.IntegerField(
        label="Grace period (seconds)",
        min_value=0,
        max_value=600,
        initial=30,
        help_text="Answers saved this long after the deadline still count (network lag).",
    )

    class Meta:
        model = Quiz
        fields = [
            "title",
            "instructions",
            "attempts_allowed",
            "shuffle",
            "one_question_per_page",
            "feedback_release",
            "show_answers",
            "homework_tries",
            "homework_policy",
            "access_code",
            "allowed_networks",
            "one_device",
        ]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 4}),
            "allowed_networks": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, course: Course, now: datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        self.fields["opens_local"].help_text = f"In the course's time zone ({course.timezone})."
        field_of(self, "attempts_allowed", forms.IntegerField).min_value = 1
        # A post that leaves it out (a script written before it existed) keeps the
        # quiz's setting, or the default for a new quiz.
        self.fields["show_answers"].required = False
        quiz = self.instance
        if not quiz.pk:
            opens, closes = timing.default_window(now=now, tz=course.tz)
            self.initial.setdefault("opens_local", wall_clock(opens, course.tz))
            self.initial.setdefault("closes_local", wall_clock(closes, course.tz))
            self.initial.setdefault(
                "time_limit_minutes", int(timing.DEFAULT_TIME_LIMIT.total_seconds() // 60)
            )
        if quiz.pk:
            self.initial["opens_local"] = wall_clock(quiz.opens_at, course.tz)
            self.initial["closes_local"] = wall_clock(quiz.closes_at, course.tz)
            if quiz.time_limit:
                self.initial["time_limit_minutes"] = int(quiz.time_limit.total_seconds() // 60)
            self.initial["grace_seconds"] = int(quiz.grace.total_seconds())

    def clean_allowed_networks(self) -> str:
        return clean_networks(self.cleaned_data.get("allowed_networks", ""))

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        opens = in_zone(data.get("opens_local"), self.course.tz)
        closes = in_zone(data.get("closes_local"), self.course.tz)
        if opens and closes and closes <= opens:
            self.add_error("closes_local", "The quiz must close after it opens.")
        if data.get("attempts_allowed") is not None and data["attempts_allowed"] < 1:
            self.add_error("attempts_allowed", "Allow at least one attempt.")
        if not data.get("time_limit_minutes") and data.get("homework_tries") == 0:
            self.add_error("homework_tries", "Homework needs at least one graded try.")
        quiz = self.instance
        quiz.course = self.course
        if opens and closes and closes > opens:
            quiz.opens_at, quiz.closes_at = opens, closes
        minutes = data.get("time_limit_minutes")
        quiz.time_limit = timedelta(minutes=minutes) if minutes else None
        if data.get("grace_seconds") is not None:
            quiz.grace = timedelta(seconds=data["grace_seconds"])
        return data

    def _post_clean(self) -> None:
        # The window is checked above, in the course's zone; the model's own
        # constraint check would repeat it without the field's name.
        if self.errors:
            return
        # django-stubs leave out this private hook of BaseModelForm, which Django has.
        super()._post_clean()  # type: ignore[misc]


class PoolForm(forms.Form):
    """One pool: draw ``count`` questions from a topic or from listed questions."""

    topic = forms.ChoiceField(required=False, label="From the topic")
    questions = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="or from these questions",
        widget=QuestionPicker,
    )
    count = forms.IntegerField(min_value=1, max_value=100, initial=1, label="Questions drawn")
    points = forms.FloatField(
        min_value=0,
        required=False,
        label="Points each",
        help_text="Empty: each question's own points.",
    )

    def __init__(self, *args, catalogue: Catalogue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        field_of(self, "topic", forms.ChoiceField).choices = [("", "—")] + [
            (t, f"{t} ({catalogue.with_topic(t)})") for t in catalogue.topics
        ]
        field_of(self, "questions", forms.ChoiceField).choices = catalogue.grouped()

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        topic: str = data.get("topic") or ""
        listed, count = data.get("questions"), data.get("count")
        if topic and listed:
            raise forms.ValidationError("Choose a topic or list questions, not both.")
        if not topic and not listed:
            raise forms.ValidationError("Choose a topic or list the questions to draw from.")
        if count:
            available = len(listed) if listed else self.catalogue.with_topic(topic)
            if count > available:
                # Students would silently get fewer questions than the quiz promises.
                source = f"the topic {topic!r}" if topic else "the listed questions"
                self.add_error("count", f"Only {available} question(s) in {source}.")
        return data


def _marked_for_removal(form: forms.Form) -> bool:
    """Whether a pool's row was ticked for removal: the test of Django's private
    ``BaseFormSet._should_delete_form``, in a name of our own."""
    return bool(form.cleaned_data.get(DELETION_FIELD_NAME, False))


class BasePoolFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this pool"

    def clean(self) -> None:
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not _marked_for_removal(f)]
        if not kept:
            raise forms.ValidationError("A quiz draws from at least one pool.")


PoolFormSet = forms.formset_factory(
    PoolForm, formset=BasePoolFormSet, extra=1, can_delete=True, max_num=30
)


def pool_formset(data=None, *, quiz: Quiz | None = None) -> forms.BaseFormSet[PoolForm]:
    """The quiz's pools as a formset (one empty row to add another)."""
    initial = []
    if quiz is not None and quiz.pk:
        for pool in quiz.pools.prefetch_related("questions"):
            initial.append(
                {
                    "topic": pool.topic,
                    "questions": [q.pk for q in pool.questions.all()],
                    "count": pool.count,
                    "points": pool.points,
                }
            )
    return PoolFormSet(
        data, initial=initial, prefix="pools", form_kwargs={"catalogue": Catalogue.load()}
    )


def pools_from(formset: forms.BaseFormSet[PoolForm]) -> list[dict]:
    """Plain pool specs for ``actions.quizzes.save_quiz``, in the order given."""
    return [
        {
            "topic": f.cleaned_data["topic"] or "",
            "questions": list(f.cleaned_data.get("questions") or []),  # question ids
            "count": f.cleaned_data["count"],
            "points": f.cleaned_data.get("points"),
        }
        for f in formset.forms
        if f.cleaned_data and not _marked_for_removal(f)
    ]


def clean_networks(text: str) -> str:
    """Allowed networks as typed -> one CIDR range per line, or a ValidationError that
    names every entry that is not one."""
    try:
        return access_rules.networks_text(access_rules.parse_networks(text or ""))
    except ValueError as problem:
        raise forms.ValidationError(str(problem)) from problem


class OverrideForm(ErrorTextMixin, forms.Form):
    """Extra time, another window and/or other access rules for one student or one
    group."""

    student = forms.CharField(
        required=False, label="Student (username)", max_length=150, strip=True
    )
    group: forms.ModelChoiceField[CourseGroup] = forms.ModelChoiceField(
        queryset=None, required=False, label="or group"
    )
    # Labels given, so that an error names the field as the page does (see error_text).
    extra_minutes = forms.IntegerField(
        min_value=0, max_value=24 * 60, initial=0, required=False, label="Extra minutes"
    )
    extra_percent = forms.IntegerField(
        min_value=0, max_value=400, initial=0, required=False, label="Extra percent"
    )
    opens_local = WallClockField(required=False, label="Opens instead")
    closes_local = WallClockField(required=False, label="Closes instead")
    access_code = forms.CharField(
        required=False, max_length=64, label="Access code instead", help_text="Empty: the quiz's."
    )
    allowed_networks = forms.CharField(
        required=False,
        label="Allowed networks instead",
        help_text="CIDR ranges, one per line. Empty: the quiz's.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    one_device = forms.TypedChoiceField(
        required=False,
        label="One device at a time",
        choices=[("", "As the quiz says"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )

    def __init__(self, *args, course: Course, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        field_of(self, "group", forms.ModelChoiceField).queryset = course.groups.all()

    def clean_allowed_networks(self) -> str:
        return clean_networks(self.cleaned_data.get("allowed_networks", ""))

    def clean(self) -> dict:
        from quizsite.accounts.models import Role, User

        super().clean()
        data = self.cleaned_data
        username, group = data.get("student"), data.get("group")
        if bool(username) == bool(group):
            raise forms.ValidationError("Name one student or choose one group.")
        if username:
            user = User.objects.filter(
                username=username, memberships__course=self.course, memberships__role=Role.STUDENT
            ).first()
            if user is None:
                self.add_error("student", f"No student {username!r} in this course.")
            data["user"] = user
        data["opens_at"] = in_zone(data.get("opens_local"), self.course.tz)
        data["closes_at"] = in_zone(data.get("closes_local"), self.course.tz)
        if data["opens_at"] and data["closes_at"] and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_local", "The window must close after it opens.")
        data["extra_minutes"] = data.get("extra_minutes") or 0
        data["extra_percent"] = data.get("extra_percent") or 0
        data["access_code"] = (data.get("access_code") or "").strip()
        access = (
            data["access_code"]
            or data.get("allowed_networks")
            or (data.get("one_device") is not None)
        )
        if not (
            data["extra_minutes"]
            or data["extra_percent"]
            or data["opens_at"]
            or data["closes_at"]
            or access
        ):
            raise forms.ValidationError("Give extra time, another window or other access rules.")
        return data

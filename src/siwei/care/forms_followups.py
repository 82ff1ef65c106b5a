"""Forms of the follow-up pages: the call's result with the questionnaire (CR-1, CR-4),
unreachable, cancel, reassign. They only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siwei.core.roles import ROLES

from .models import AnswerType


def _radio() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "form-check-input"})


def question_field(question) -> forms.Field:
    """A form field for one question (the service checks the answer again)."""
    common = {"label": question.text, "required": question.required}
    kind = question.answer_type
    if kind == AnswerType.SCALE_5:
        return forms.TypedChoiceField(choices=[(n, str(n)) for n in range(1, 6)], coerce=int,
                                      widget=_radio(), **common)
    if kind == AnswerType.NPS:
        return forms.TypedChoiceField(choices=[("", "—")] + [(n, str(n)) for n in range(11)],
                                      coerce=int, empty_value=None,
                                      widget=forms.Select(attrs={"class": "form-select"}),
                                      **common)
    if kind == AnswerType.YES_NO:
        return forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))],
                                 widget=_radio(), **common)
    if kind == AnswerType.CHOICE:
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in question.choices or []],
                                 widget=forms.Select(attrs={"class": "form-select"}), **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                           **common)


class CompleteForm(forms.Form):
    """The call's result, the answers of the questionnaire and a complaint, if any."""

    result = forms.CharField(label=_("Result of the call"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    complaint = forms.CharField(
        label=_("Complaint"), required=False,
        help_text=_("Anything the customer complained about opens a complaint."),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    survey_declined = forms.BooleanField(
        label=_("The customer declined the survey"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            field = question_field(question)
            # Required answers are checked by the service, which knows whether the
            # customer declined the survey.
            field.required = False
            self.fields[f"q_{question.pk}"] = field

    def question_fields(self):
        return [self[f"q_{q.pk}"] for q in self.questions]

    def scores(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions
                if self.cleaned_data.get(f"q_{q.pk}") not in (None, "")}


class UnreachableForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"class": "form-control"}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             widget=forms.TextInput(attrs={"class": "form-control"}))


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=None, required=False,
                                      widget=forms.Select(attrs={"class": "form-select"}))
    assignee_role = forms.ChoiceField(label=_("Role queue"), required=False,
                                      widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].label_from_instance = lambda user: getattr(
            getattr(user, "employee", None), "name", user.username)
        self.fields["assignee_role"].choices = [("", "—")] + [
            (role.code, role.name) for role in ROLES if role.scope == "store"]

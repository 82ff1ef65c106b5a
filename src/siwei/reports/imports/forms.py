"""Forms of the import pages (FN-9)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportKind, ImportMode


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File"),
                           help_text=_("An Excel workbook (.xlsx) or a CSV file (UTF-8 or "
                                       "GBK), at most 10 MB; the first row names the "
                                       "columns as in the template."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    mode = forms.ChoiceField(label=_("Mode"), choices=ImportMode.choices,
                             initial=ImportMode.DRY_RUN, widget=forms.RadioSelect)

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(v, label) for v, label in ImportKind.choices
                                       if v in kinds]
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"

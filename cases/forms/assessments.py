"""The form of the periodic assessment: a rating per area, the narrative and the recommendation."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asystent import dates, limits

from ..enums import Recommendation
from ..models import AssessmentArea
from .fields import DateInput, blank_first


class AssessmentForm(forms.Form):
    """The date, one rating and comment per active area, the narrative and the recommendation.

    A draft may be incomplete; submitting to the manager needs everything."""

    date = forms.DateField(
        label=gettext_lazy("Date of the assessment"), widget=DateInput(), validators=[dates.PAST]
    )
    narrative = forms.CharField(
        max_length=limits.DESCRIPTION,
        label=gettext_lazy("Description of the family's situation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommendation = forms.ChoiceField(
        label=gettext_lazy("Recommendation"),
        required=False,
        choices=blank_first(Recommendation.choices),
    )
    # Optimistic locking: a draft comes back with the version it was opened at.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        areas: list[AssessmentArea],
        scale_max: int,
        submit: bool = False,
        version: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if version is not None:
            self.initial.setdefault("version", version)
            self.fields["version"].required = True
        self.areas = areas
        self.scale_max = scale_max
        self.submit = submit
        scale = [(str(n), str(n)) for n in range(1, scale_max + 1)]
        out_of_range = _("Choose a rating from 1 to %(max)d.") % {"max": scale_max}
        for area in areas:
            self.fields[f"rating_{area.pk}"] = forms.TypedChoiceField(
                # The area's name: the error summary's link names the area whose rating is missing
                # (the form itself says "Rating" under the area's heading).
                label=area.name,
                choices=scale,
                coerce=int,
                required=False,
                # Radio buttons shown as buttons large enough to tap (static/css/asystent.css).
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"invalid_choice": out_of_range},
            )
            self.fields[f"comment_{area.pk}"] = forms.CharField(
                max_length=limits.REASON,
                label=gettext_lazy("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # In the order of the page, which the error summary follows: the areas before the summary.
        self.order_fields(["date", *(f"{kind}_{a.pk}" for a in areas for kind in ("rating", "comment"))])

    def area_rows(self) -> list[tuple[AssessmentArea, forms.BoundField, forms.BoundField]]:
        return [(area, self[f"rating_{area.pk}"], self[f"comment_{area.pk}"]) for area in self.areas]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.submit:
            for area in self.areas:
                name = f"rating_{area.pk}"
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("Rate this area before submitting the assessment."))
            if not (data.get("narrative") or "").strip():
                self.add_error("narrative", _("Describe the family's situation."))
            if not data.get("recommendation"):
                self.add_error("recommendation", _("Choose the recommendation."))
        return data

    def ratings(self) -> dict[int, tuple[int, str]]:
        """Ratings given, by area id, for `services.assessments.save_assessment`."""
        ratings = {}
        for area in self.areas:
            value = self.cleaned_data.get(f"rating_{area.pk}")
            if value not in (None, ""):
                ratings[area.pk] = (int(value), self.cleaned_data.get(f"comment_{area.pk}", ""))
        return ratings

"""The shared form base (every form renders with the GOV.UK template pack), a choice of
record that reads ids strictly, and GOV.UK's date input with plain-English errors."""

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms

from yjtracker.ids import parse_id


class GDSForm(forms.Form):
    """A form rendered by crispy-forms-gds inside a <form> the template writes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.build_helper()

    def build_helper(self) -> None:
        """(Re)build the layout from the form's fields: call it after removing a field."""
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has its own token
        self.helper.label_size = "s"
        self.helper.legend_size = "s"


class IdModelChoiceField(forms.ModelChoiceField):
    """A choice of record by id that refuses what is not an id ("²", 20 digits) with the
    field's own message, before the database sees it."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and self.to_field_name is None
            and parse_id(value) is None
        ):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class DayMonthYearField(DateInputField):
    """GOV.UK's date input (day, month and year boxes) with plain-English messages: an
    impossible date ("31 2 2027", a 20-digit year) reads "Enter a real date", never Python's
    words, and never a server error."""

    REAL_DATE = "Enter a real date, for example 27 3 2026."

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(year) != 4:
            raise forms.ValidationError("Enter the year as four digits, for example 2026.")
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as impossible:
            raise forms.ValidationError(self.REAL_DATE) from impossible

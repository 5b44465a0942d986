"""The shared form base (every form renders with the GOV.UK template pack), a choice of
record that reads ids strictly, bounded free text, and the GOV.UK date input with messages
a person can act on."""

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.core.validators import RegexValidator

from yjtracker import limits
from yjtracker.ids import parse_id

REAL_DATE = "Enter a real date"
FILE_AGAIN = "Choose the file again ({name}): files are not kept when the form has an error"
WHOLE_DATE = "Enter the day, month and year, for example 27 3 2026"
FOUR_DIGIT_YEAR = "Enter a real date, with the year as 4 numbers, for example 2026"


class GDSForm(forms.Form):
    """A form rendered by crispy-forms-gds inside a <form> the template writes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.build_helper()

    def full_clean(self):
        super().full_clean()
        self.ask_for_files_again()

    def ask_for_files_again(self) -> None:
        """A browser cannot be sent a chosen file back: when the form is refused, each file
        field that was given a file (and had nothing wrong with it) asks for it again, by
        name, so nobody saves the rest believing the file went with it."""
        if not self.is_bound or not self._errors:
            return
        for name, field in self.fields.items():
            upload = self.files.get(self.add_prefix(name))
            if isinstance(field, forms.FileField) and upload and name not in self._errors:
                self.add_error(name, FILE_AGAIN.format(name=upload.name))

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


class TextField(forms.CharField):
    """Free text with its limit from `yjtracker.limits` (by field kind), refused with the
    limit's own message. The browser is not told the limit: a `maxlength` would cut pasted
    text short without saying so."""

    def __init__(self, *, kind: str, rows: int | None = 3, **kwargs):
        kwargs.setdefault("max_length", limits.LIMITS[kind])
        if rows is not None:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)
        self.error_messages["max_length"] = limits.message(kind, self.max_length)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def _digits(pattern: str, message: str) -> RegexValidator:
    return RegexValidator(rf"\A[0-9]{pattern}\Z", message)


class DateField(DateInputField):
    """The GOV.UK date input (day, month and year boxes). A date that cannot be ("31 2
    2027", a year of 20 digits, "²") reads "Enter a real date", never Python's words or a
    server error."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        day, month, year = self.fields
        day.validators = [_digits("{1,2}", REAL_DATE)]
        month.validators = [_digits("{1,2}", REAL_DATE)]
        year.validators = [_digits("{4}", FOUR_DIGIT_YEAR)]
        for box in self.fields:
            box.max_length = None  # the validators above bound the length
        self.error_messages["invalid"] = REAL_DATE

    def clean(self, value):
        """One message for the date, not one per box (three boxes of "²" read once)."""
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            messages = list(dict.fromkeys(error.messages))
            raise forms.ValidationError(messages) from None

    def compress(self, data_list):
        if not data_list:
            return None
        day, month, year = data_list
        if not (day or month or year):
            return None
        if not (day and month and year):
            raise forms.ValidationError(WHOLE_DATE, code="incomplete")
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:
            raise forms.ValidationError(REAL_DATE, code="invalid") from error

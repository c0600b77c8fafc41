"""The portal's web forms (Flask-WTF, CSRF on every one); messages are lazily translated."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import TextInput

from services.portal.accounts import EMAIL, MIN_PASSWORD
from shared.i18n import read_number
from shared.inputs import text_problem

COUNTRIES = [("AR", _l("Argentina")), ("BO", _l("Bolivia")), ("BR", _l("Brazil")), ("CL", _l("Chile")),
             ("CO", _l("Colombia")), ("EC", _l("Ecuador")), ("PE", _l("Peru")), ("PY", _l("Paraguay")),
             ("UY", _l("Uruguay")), ("VE", _l("Venezuela"))]


CURRENCY_OF = {"AR": "ARS", "BO": "BOB", "BR": "BRL", "CL": "CLP", "CO": "COP", "EC": "USD", "PE": "PEN",
               "PY": "PYG", "UY": "UYU", "VE": "VES"}
CURRENCIES = sorted({*CURRENCY_OF.values(), "USD"})
PERIODS = [("hour", _l("per hour")), ("day", _l("per day")), ("week", _l("per week")), ("month", _l("per month")),
           ("year", _l("per year"))]
CONTRACTS = [("permanent", _l("Permanent")), ("fixed_term", _l("Fixed term")), ("temporary", _l("Temporary")),
             ("seasonal", _l("Seasonal")), ("apprenticeship", _l("Apprenticeship")), ("other", _l("Other"))]
TEXT_LANGUAGES = [("es", _l("Spanish")), ("pt", _l("Portuguese")), ("en", _l("English")), ("fr", _l("French")),
                  ("ht", _l("Haitian Creole"))]
LEVELS = [("", _l("Not needed")), ("A1", "A1"), ("A2", "A2"), ("B1", "B1"), ("B2", "B2"), ("C1", "C1"),
          ("C2", "C2"), ("native", _l("Native"))]


def options(pairs) -> list[SelectChoice]:
    """Return (value, label) pairs as the select options wtforms 3.3 expects (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


class LocaleDecimalField(Field):
    """A number written the way the page's language writes it: "1.500.000" or "42,5" on a Spanish page,
    "1,500,000" or "42.5" on an English one. It is shown back without grouping or needless zeros ("1500000",
    "42"), which reads back the same. A text input, because a number input takes only the browser's format."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, places: int = 2, example: Decimal, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places, self.example = places, example

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        whole = self.data == self.data.to_integral_value()
        return format_decimal(self.data, format="0" if whole else "0." + "0" * self.places + "##")

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = read_number(valuelist[0], str(get_locale() or "es"))
        except ValueError:
            self.data = None
            raise ValueError(_("Write a number like %(example)s", example=format_decimal(self.example))) from None

    def pre_validate(self, form):
        if self.process_errors:  # one message for a number we could not read, not a second one about its range
            raise StopValidation()


def _plain(_form, field):
    """Refuse control characters in any text a person types (they are never part of an answer)."""
    problem = text_problem(field.data) if isinstance(field.data, str) else None
    if problem:
        raise ValidationError(_l(problem))


def visible(_form, field):
    """Refuse invisible characters (direction overrides, zero-width spaces) in a name or a number."""
    problem = text_problem(field.data, one_line=True, visible=True) if isinstance(field.data, str) else None
    if problem:
        raise ValidationError(_l(problem))


class PuenteForm(FlaskForm):
    """The base of every page form: CSRF (Flask-WTF) and no control characters in any text field."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):  # text areas, e-mails, passwords too
                options = {**options, "validators": [*(unbound_field.kwargs.get("validators") or ()), _plain]}
            return super().bind_field(form, unbound_field, options)


def _email(_form, field):
    if field.data and not EMAIL.match(field.data.strip()):
        raise ValidationError(_l("Enter an email address like name@example.com"))


class SignInForm(PuenteForm):
    """Sign in with email and password."""

    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address")), _email])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])


class EmployerSignUpForm(PuenteForm):
    """An employer creates its organisation and its first account."""

    # The lengths the vacancies service accepts, so a sign-up it would refuse is refused before any mail is sent.
    name = StringField(_l("Organisation name"), validators=[
        DataRequired(_l("Enter the name of your organisation")),
        Length(min=2, max=200, message=_l("Enter a name of 2 to 200 characters")), visible])
    tax_id = StringField(_l("Tax identification number"), validators=[
        DataRequired(_l("Enter your tax identification number")),
        Length(min=3, max=40, message=_l("Enter a tax identification number of 3 to 40 characters")), visible])
    country = SelectField(_l("Country"), choices=options(COUNTRIES))
    sector = StringField(_l("Sector"), validators=[
        DataRequired(_l("Enter your sector")),
        Length(min=2, max=120, message=_l("Enter a sector of 2 to 120 characters"))])
    contact_email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Enter your email address")), _email, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a password")),
        Length(min=MIN_PASSWORD, message=_l("Use at least 10 characters for the password"))])


class ConfirmForm(FlaskForm):
    """The one button that confirms a mailed sign-up (a form, so it carries its CSRF token)."""


class PayForm(Form):
    """Pay: amount, currency and period."""

    amount = LocaleDecimalField(_l("Amount"), places=2, example=Decimal(1500000), validators=[
        InputRequired(_l("Enter the pay as a number, like 1500000")),
        NumberRange(min=0, message=_l("The pay cannot be negative"))])
    currency = SelectField(_l("Currency"), choices=options((c, c) for c in CURRENCIES))
    period = SelectField(_l("Paid"), choices=options(PERIODS), default="month")


class LanguageForm(Form):
    """A language the job needs, with the lowest CEFR level that will do."""

    code = SelectField(_l("Language"), choices=options([("", _l("None")), *TEXT_LANGUAGES]))
    min_level = SelectField(_l("Lowest level"), choices=options(LEVELS))


class BenefitsForm(Form):
    """Benefits that come with the job."""

    social_security = BooleanField(_l("Social security (health and pension contributions)"))
    housing = BooleanField(_l("Housing"))
    transport = BooleanField(_l("Transport"))


class VacancyForm(PuenteForm):
    """Everything a vacancy needs; the decent-work gate runs on it in the vacancies service."""

    title = StringField(_l("Job title"), validators=[DataRequired(_l("Enter the job title")), Length(max=200)])
    occupation = StringField(_l("Occupation code (ISCO-08)"), validators=[
        Optional(), Regexp(r"^\d{4}$", message=_l("Enter a 4-digit ISCO-08 code, or leave it empty"))])
    description = TextAreaField(_l("Description"), validators=[
        DataRequired(_l("Describe the job")), Length(max=10000)])
    language = SelectField(_l("Language of the text"), choices=options(TEXT_LANGUAGES))
    required_skills = StringField(_l("Required skills"), validators=[Length(max=2000)])
    nice_skills = StringField(_l("Nice-to-have skills"), validators=[Length(max=2000)])
    language_1 = FormField(LanguageForm, label=_l("Language needed"))
    language_2 = FormField(LanguageForm, label=_l("Another language"))
    country = SelectField(_l("Country"), choices=options(COUNTRIES))
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    remote = BooleanField(_l("The work can be done remotely"))
    openings = IntegerField(_l("Number of openings"), default=1, validators=[
        InputRequired(_l("Enter how many people you want to hire")),
        NumberRange(min=1, max=10000, message=_l("Enter a number from 1 to 10000"))])
    pay = FormField(PayForm, label=_l("Pay"))
    hours_per_week = LocaleDecimalField(_l("Hours per week"), places=1, example=Decimal("47.5"), validators=[
        InputRequired(_l("Enter the hours per week")),
        NumberRange(min=0, max=168, message=_l("Enter a number of hours from 0 to 168"))])
    shifts = StringField(_l("Shifts"), validators=[Optional(), Length(max=200)])
    contract_type = SelectField(_l("Contract"), choices=options(CONTRACTS))
    start_date = DateField(_l("Start date"), validators=[Optional()])
    closing_date = DateField(_l("Closing date"), validators=[Optional()])
    licence_required = BooleanField(_l("A licence or recognised credential is legally required"))
    work_authorization_required = BooleanField(_l("The worker needs a work permit"))
    benefits = FormField(BenefitsForm, label=_l("Benefits"))

"""The workspace's forms (Flask-WTF, CSRF on every form that changes something); texts lazily translated."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from services.portal.forms import COUNTRIES, CURRENCIES, LEVELS, options

# Where people come from and go to, beyond the countries employers post in.
PERSON_COUNTRIES = sorted([*COUNTRIES, ("HT", _l("Haiti")), ("CU", _l("Cuba")), ("DO", _l("Dominican Republic")),
                           ("GY", _l("Guyana"))], key=lambda pair: pair[0])
PERSON_LANGUAGES = [("es", _l("Spanish")), ("pt", _l("Portuguese")), ("en", _l("English")), ("fr", _l("French")),
                    ("ht", _l("Haitian Creole"))]
SPOKEN = [*PERSON_LANGUAGES, ("qu", _l("Quechua")), ("ay", _l("Aymara")), ("gn", _l("Guarani")),
          ("wayuu", _l("Wayuu")), ("other", _l("Another language"))]
CEFR = [(code, label) for code, label in LEVELS if code]
DOCUMENTS = [("", _l("No document recorded")), ("passport", _l("Passport")),
             ("national_id", _l("National identity card")), ("residence_permit", _l("Residence permit")),
             ("refugee_id", _l("Refugee identity document")), ("tax_id", _l("Tax number")),
             ("other", _l("Another document"))]
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
AVAILABILITY = [("immediate", _l("Now")), ("within_month", _l("Within a month")), ("later", _l("Later"))]
PAY_PERIODS = [("hour", _l("per hour")), ("day", _l("per day")), ("week", _l("per week")), ("month", _l("per month"))]
PERMIT_STATUSES = [("permit", _l("Has a work permit")), ("in_process", _l("The permit is being processed")),
                   ("none", _l("No work permit"))]
STAGE_NAMES = {"proposed": _l("Proposed"), "introduced": _l("Introduced"), "applied": _l("Applied"),
               "interview": _l("Interview"), "hired": _l("Hired"), "not_hired": _l("Not hired"), "left": _l("Left")}
ISCED = [("1", _l("Primary school")), ("2", _l("Lower secondary school")), ("3", _l("Upper secondary school")),
         ("4", _l("Post-secondary course")), ("5", _l("Short technical degree")), ("6", _l("Bachelor's degree")),
         ("7", _l("Master's degree or specialisation")), ("8", _l("Doctorate"))]
ORIENTATIONS = [("general", _l("General or academic")), ("vocational", _l("Technical or vocational"))]
CREDENTIAL_DOCUMENTS = [("original", _l("The original")), ("apostilled", _l("Apostilled")),
                        ("legalised", _l("Legalised")), ("certified_translation", _l("Certified translation")),
                        ("none", _l("No document with them"))]
CREDENTIAL_STATUSES = {"declared": _l("Declared"), "assessed": _l("Assessed"),
                       "procedure_started": _l("Procedure started"), "recognised": _l("Recognised"),
                       "denied": _l("Denied")}
DECLINE_REASONS = [("declined", _l("The person does not want this job")), ("pay", _l("The pay is too low")),
                   ("distance", _l("Too far away")), ("hours", _l("The hours do not suit them")),
                   ("other", _l("Another reason"))]
LAST_CONTACT = [("", _l("Any time")), ("stale", _l("No contact for 30 days"))]
TRADES = [("", _l("Any trade")), ("same", _l("Their own trade")), ("close", _l("Their own or a close trade"))]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _year(_form, field):
    if field.data is not None and not 1940 <= field.data <= date.today().year:
        raise ValidationError(_l("Enter a year from 1940 to %(year)s", year=date.today().year))


def _not_future(_form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("The date cannot be in the future"))


# -- finding people ---------------------------------------------------------------------------------------
class PeopleFilterForm(FlaskForm):
    """Search and filters of the centre's people (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name, document or phone"), validators=[Optional(), Length(max=120)])
    occupation = StringField(_l("Occupation"), validators=[Optional(), Length(max=120)])
    language = SelectField(_l("Speaks"), choices=options([("", _l("Any language")), *SPOKEN]), default="")
    stage = SelectField(_l("Stage"), choices=options([("", _l("Any stage")), *STAGE_NAMES.items()]), default="")
    contact = SelectField(_l("Last contact"), choices=options(LAST_CONTACT), default="")


# -- intake -----------------------------------------------------------------------------------------------
class IdentityForm(FlaskForm):
    """Step 1: consent first, in the person's language, then who they are and where they live."""

    person_language = SelectField(_l("The person's language"), choices=options(PERSON_LANGUAGES))
    consent_read = BooleanField(_l("I read this text to the person, or they read it, in their language"),
                                validators=[DataRequired(_l("Read the text to the person before you record "
                                                            "their answers"))])
    consent_matching = RadioField(_l("Do you agree that Puente looks for jobs that suit you?"), choices=options(YES_NO),
                                  validators=[InputRequired(_l("Record the person's answer"))])
    consent_introductions = RadioField(
        _l("Do you agree that we ask you, each time, before we give your name and phone to an employer?"),
        choices=options(YES_NO), validators=[InputRequired(_l("Record the person's answer"))])
    consent_statistics = RadioField(_l("Do you agree to be counted, without your name, in statistics?"),
                                    choices=options(YES_NO),
                                    validators=[InputRequired(_l("Record the person's answer"))])
    consent_notifications = RadioField(
        _l("Do you agree that we send you a message, by WhatsApp or email, when we introduce you to an employer or "
           "find new jobs that suit you?"), choices=options(YES_NO),
        validators=[InputRequired(_l("Record the person's answer"))])
    given_names = StringField(_l("Given names"), validators=[DataRequired(_l("Enter the given names")),
                                                             Length(max=120)])
    family_names = StringField(_l("Family names"), validators=[DataRequired(_l("Enter the family names")),
                                                               Length(max=120)])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional(), _not_future])
    nationality = SelectField(_l("Nationality"), choices=options([("", _l("Not recorded")), *PERSON_COUNTRIES]),
                              default="")
    document_type = SelectField(_l("Identity document"), choices=options(DOCUMENTS), default="")
    document_number = StringField(_l("Document number"), validators=[Optional(), Length(max=40)])
    document_country = SelectField(_l("Country that issued it"),
                                   choices=options([("", _l("Not recorded")), *PERSON_COUNTRIES]), default="")
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    whatsapp = BooleanField(_l("The phone takes WhatsApp messages"))
    email = EmailField(_l("Email address"), validators=[Optional(), Length(max=254)])
    country = SelectField(_l("Country where they live now"), choices=options(COUNTRIES))
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])

    def validate_document_number(self, field):
        """A document needs both its kind and its number."""
        if field.data and not self.document_type.data:
            raise ValidationError(_l("Choose the kind of document"))
        if self.document_type.data and not (field.data or "").strip():
            raise ValidationError(_l("Enter the document number"))


class LanguageRow(Form):
    """One language the person speaks, with a CEFR level."""

    code = SelectField(_l("Language"), choices=options([("", _l("None")), *SPOKEN]), default="")
    level = SelectField(_l("Level"), choices=options([("", _l("Choose a level")), *CEFR]), default="")

    def validate_level(self, field):
        """A language needs a level."""
        if self.code.data and not field.data:
            raise ValidationError(_l("Choose the level"))


class LanguagesForm(FlaskForm):
    """Step 2: the languages the person speaks."""

    languages = FieldList(FormField(LanguageRow), min_entries=4, max_entries=12)


class JobRow(Form):
    """One job, told as a story; the occupation is the one the counsellor confirms among Puente's suggestions."""

    title = StringField(_l("Job"), validators=[Optional(), Length(max=200)])
    occupation = RadioField(_l("Occupation"), validate_choice=False, validators=[Optional()])
    country = SelectField(_l("Country"), choices=options([("", _l("Not recorded")), *PERSON_COUNTRIES]), default="")
    start_year = IntegerField(_l("From (year)"), validators=[Optional(), _year])
    end_year = IntegerField(_l("Until (year)"), validators=[Optional(), _year])
    description = TextAreaField(_l("What they did"), validators=[Optional(), Length(max=4000)])

    def validate_end_year(self, field):
        """A job cannot end before it starts."""
        if field.data and self.start_year.data and field.data < self.start_year.data:
            raise ValidationError(_l("The end is before the start"))


class ExperienceForm(FlaskForm):
    """Step 3: work history and skills; Puente reads occupations and skills, the counsellor confirms each."""

    jobs = FieldList(FormField(JobRow), min_entries=3, max_entries=30)
    skills_text = TextAreaField(_l("Skills in the person's own words"), validators=[Optional(), Length(max=4000)])
    skills = MultiCheckboxField(_l("Skills confirmed"), validate_choice=False)
    suggested = HiddenField()
    rejected = HiddenField()


class CredentialForm(FlaskForm):
    """Step 4: declare a degree, diploma or licence; it is assessed for recognition at once."""

    title = StringField(_l("Title as written on the diploma"), validators=[
        DataRequired(_l("Enter the title of the diploma")), Length(max=300)])
    level = SelectField(_l("Level"), choices=options(ISCED), default="6")
    orientation = RadioField(_l("Kind of education"), choices=options(ORIENTATIONS), default="general")
    field_code = StringField(_l("Field of study (ISCED-F code)"), validators=[
        Optional(), Regexp(r"^\d{2,4}$", message=_l("Enter 2 to 4 digits, or leave it empty"))])
    country = SelectField(_l("Country that issued it"), choices=options(PERSON_COUNTRIES), default="VE")
    institution = StringField(_l("School or university"), validators=[
        DataRequired(_l("Enter the school or university")), Length(max=300)])
    year = IntegerField(_l("Year"), validators=[Optional(), _year])
    documents = MultiCheckboxField(_l("Documents the person has"), choices=options(CREDENTIAL_DOCUMENTS),
                                   validators=[DataRequired(_l("Choose at least one"))])
    destination = SelectField(_l("Where it should be recognised"), choices=options(COUNTRIES))


class CredentialStatusForm(FlaskForm):
    """Move a credential's recognition procedure along."""

    status = SelectField(_l("New status"), choices=options([(k, CREDENTIAL_STATUSES[k])
                                                            for k in ("procedure_started", "recognised", "denied")]))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    etag = HiddenField()


class WishesForm(FlaskForm):
    """Step 5: the work the person wants, when, for what pay, where, and whether they may work there."""

    desired = MultiCheckboxField(_l("Work they would like"), validate_choice=False)
    other_occupation = StringField(_l("Another occupation"), validators=[Optional(), Length(max=120)])
    availability = RadioField(_l("Available"), choices=options(AVAILABILITY), validators=[Optional()])
    pay_amount = DecimalField(_l("Pay they expect"), places=2, validators=[
        Optional(), NumberRange(min=0.01, message=_l("Enter an amount above zero"))])
    pay_currency = SelectField(_l("Currency"), choices=options((c, c) for c in CURRENCIES))
    pay_period = SelectField(_l("Paid"), choices=options(PAY_PERIODS), default="month")
    willing_to_relocate = BooleanField(_l("They would move to another city or country for work"))
    relocation_countries = MultiCheckboxField(_l("Countries they would move to"), choices=options(COUNTRIES))
    permit_country = SelectField(_l("Country of the work permit"), choices=options(COUNTRIES))
    permit_status = RadioField(_l("Permission to work there"), choices=options(PERMIT_STATUSES),
                               validators=[Optional()])
    permit_expires = DateField(_l("The permit expires on"), validators=[Optional()])

    def validate_permit_expires(self, field):
        """Only a permit expires."""
        if field.data and self.permit_status.data != "permit":
            raise ValidationError(_l("An expiry date only applies to a work permit"))


# -- the pipeline -----------------------------------------------------------------------------------------
class ProposeForm(FlaskForm):
    """Propose the person for a vacancy."""

    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class DeclineForm(FlaskForm):
    """Not for this person, with the reason matching learns from."""

    reason = SelectField(_l("Why not"), choices=options(DECLINE_REASONS))


class IntroductionConsentForm(FlaskForm):
    """The person's consent to be introduced for one vacancy, asked in their language."""

    language = SelectField(_l("Language the question was asked in"), choices=options(PERSON_LANGUAGES))
    read_aloud = BooleanField(_l("I read the question aloud to the person"))
    answer = RadioField(_l("The person's answer"), choices=options([("yes", _l("Yes, they agree")),
                                                                     ("no", _l("No, they do not agree"))]),
                        validators=[InputRequired(_l("Record the person's answer"))])


class StageForm(FlaskForm):
    """Record the next stage of a placement, with its date and a note."""

    stage = RadioField(_l("What happened"), validate_choice=False,
                       validators=[InputRequired(_l("Choose what happened"))])
    on = DateField(_l("Date"), default=date.today, validators=[InputRequired(_l("Enter the date")), _not_future])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    etag = HiddenField()


class MergeForm(FlaskForm):
    """Fold a new registration into the person's existing profile."""

    other_id = HiddenField(validators=[DataRequired()])


class IntroductionRequestForm(FlaskForm):
    """An employer asks the centre to introduce a suggested candidate."""

    candidate = HiddenField(validators=[DataRequired()])


# -- saved searches, job alerts, notifications ------------------------------------------------------------
class SaveSearchForm(FlaskForm):
    """Save the people list's search under a name (the filters travel as hidden fields)."""

    name = StringField(_l("Name of the search"), validators=[DataRequired(_l("Give the search a name")),
                                                            Length(max=80, message=_l("Use a name of 80 characters "
                                                                                      "at most"))])


class AlertForm(FlaskForm):
    """Save the matches page's filters as a job alert for the person."""

    name = StringField(_l("Name of the alert"), validators=[DataRequired(_l("Give the alert a name")),
                                                           Length(max=80, message=_l("Use a name of 80 characters "
                                                                                     "at most"))])
    notify_person = BooleanField(_l("Also send the person a message about new strong matches"))


class DeleteForm(FlaskForm):
    """Delete a saved search or alert (a button: only the CSRF token)."""


class NoticeSettingsForm(FlaskForm):
    """An employer's user chooses what to be e-mailed about, and in which language."""

    introductions = BooleanField(_l("E-mail me when a person is introduced to one of my vacancies"))
    language = SelectField(_l("Language of the e-mails"), choices=options([("es", "Español"), ("pt", "Português"),
                                                                            ("en", "English")]))

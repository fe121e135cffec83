"""What follows a practitioner after the plan: training records, reflections, the files
that back them, her regulator's cycle rules, and the log of reminders sent.

Nothing here may hold identifiable details of a baby or a family: the forms say so, and
no field asks for them."""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .people import Regulator


class Registration(models.Model):
    """A practitioner's regulator, her next dates, and which e-mails she wants. Kept
    beside the user, not on it: the user table carries the tally triggers, which SQLite
    would drop when a migration rebuilds the table."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="registration",
    )
    regulator = models.CharField(
        max_length=8,
        choices=Regulator,
        blank=True,
        help_text="Who the person is registered with; empty: none.",
    )
    renewal_date = models.DateField(
        null=True,
        blank=True,
        help_text="Next revalidation application or renewal date, e.g. 31 March 2027.",
    )
    appraisal_date = models.DateField(
        null=True, blank=True, help_text="Next appraisal, e.g. 15 January 2027."
    )
    notify_dates = models.BooleanField(
        default=True, help_text="E-mail reminders before the renewal and appraisal dates."
    )
    notify_team = models.BooleanField(
        default=True,
        help_text="E-mail when a member shares evidence, or a manager reviews or signs off.",
    )

    def __str__(self):
        return f"Registration of {self.user}"


class CycleRule(models.Model):
    """One regulator's rules for its renewal cycle, as data an admin keeps up to date
    (regulators change them), each with the source it was read from. An empty number
    means the regulator sets no such count."""

    regulator = models.CharField(max_length=8, choices=Regulator, unique=True)
    cycle_months = models.PositiveSmallIntegerField(
        help_text="Length of the cycle the counts apply to, e.g. 36 for the NMC."
    )
    cpd_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="CPD hours in the cycle, e.g. 35. Empty: no count."
    )
    participatory_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Of those, participatory hours, e.g. 20."
    )
    hours_per_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="CPD hours in every year of the cycle, e.g. 20."
    )
    records_needed = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="CPD records (training records or reflections) in the cycle, e.g. 2.",
    )
    peer_records_needed = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Of those, records discussed with a peer, e.g. 1 for Social Work England.",
    )
    feedback_needed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Pieces of practice-related feedback, e.g. 5."
    )
    reflections_needed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Written reflective accounts, e.g. 5."
    )
    discussion_needed = models.BooleanField(
        default=False, help_text="A reflective discussion with another registrant is needed."
    )
    window_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Days before the date that the application opens, e.g. 60 for the NMC.",
    )
    gap_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="A gap between learning activities this long must be explained, e.g. 3 "
        "for the HCPC.",
    )
    date_label = models.CharField(
        max_length=80,
        help_text="What the date on the profile is, e.g. Revalidation application date.",
    )
    summary = models.TextField(help_text="The rules in our own words, as the page shows them.")
    source = models.TextField(help_text="Where each rule was read, one address per line.")
    checked_on = models.DateField(help_text="When the rules were last checked against the source.")

    class Meta:
        ordering = ["regulator"]

    def __str__(self):
        return self.get_regulator_display()

    @property
    def sources(self) -> list[str]:
        return [line.strip() for line in self.source.splitlines() if line.strip()]


class Method(models.TextChoices):
    COURSE = "course", "Course or module"
    ELEARNING = "elearning", "E-learning"
    WORKSHOP = "workshop", "Workshop or study day"
    CONFERENCE = "conference", "Conference"
    SUPERVISION = "supervision", "Group supervision or case discussion"
    READING = "reading", "Reading or self-study"
    OTHER = "other", "Other"


class CodeTheme(models.TextChoices):
    """The four themes of the NMC Code, which a reflective account relates to."""

    PEOPLE = "people", "Prioritise people"
    EFFECTIVE = "effective", "Practise effectively"
    SAFETY = "safety", "Preserve safety"
    TRUST = "trust", "Promote professionalism and trust"


class TrainingRecord(models.Model):
    """Training a practitioner did: a catalogue course or module, or anything else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.ForeignKey(
        "catalogue.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The catalogue course, when it was one of ours.",
    )
    module = models.ForeignKey(
        "catalogue.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The module of that course, when only a module was taken.",
    )
    title = models.CharField(max_length=200, help_text="e.g. Developing Positive Early Attachments")
    provider = models.CharField(
        max_length=200, blank=True, help_text="e.g. NHS Education for Scotland"
    )
    method = models.CharField(max_length=12, choices=Method, default=Method.COURSE)
    started = models.DateField(null=True, blank=True, help_text="e.g. 3 March 2026")
    finished = models.DateField(help_text="The day it was completed, e.g. 5 March 2026.")
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, help_text="CPD hours it took, e.g. 3.5."
    )
    participatory_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=0,
        help_text="Of those, hours spent learning with other professionals, e.g. 2.",
    )
    covered = models.TextField(
        blank=True, max_length=4000, help_text="What it covered and how it relates to practice."
    )
    code_theme = models.CharField(
        max_length=10,
        choices=CodeTheme,
        blank=True,
        help_text="NMC registrants: the part of the Code most relevant.",
    )
    peer_discussed = models.BooleanField(
        default=False, help_text="Discussed with a peer (Social Work England asks for one)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on records shown in a portfolio pack (portfolio.packs); not stored.
    code_labels: list[str]
    code_from_reflections: bool

    class Meta:
        ordering = ["-finished", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participatory_hours__lte=F("hours")),
                name="training_participatory_within_hours",
            ),
            models.CheckConstraint(
                condition=Q(started__isnull=True) | Q(started__lte=F("finished")),
                name="training_starts_before_it_ends",
            ),
        ]
        indexes = [models.Index(fields=["user", "finished"], name="training_by_user_date")]

    def __str__(self):
        return f"{self.title} ({self.finished:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("assessments:record", args=[self.pk])


class ProposalSource(models.TextChoices):
    XAPI = "xapi", "xAPI statements"
    CSV = "csv", "CSV file"


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", "Waiting for her to confirm or discard"
    CONFIRMED = "confirmed", "Confirmed: a training record was made"
    DISCARDED = "discarded", "Discarded"


class ProposedRecord(models.Model):
    """Learning brought in from another system (an xAPI file or a CSV) that would become
    a training record once its practitioner confirms it. Until then it counts nowhere:
    no plan, tally, pack or export reads this table. Kept (marked confirmed or
    discarded) once decided, so the same file brought in again proposes nothing twice:
    `key` is the statement id, or the activity or title with the day finished."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposed_records",
        help_text="Whose record it would be.",
    )
    course = models.ForeignKey(
        "catalogue.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The catalogue course it was recognised as, by activity id or title.",
    )
    module = models.ForeignKey(
        "catalogue.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The module of that course, when it was recognised as one.",
    )
    title = models.CharField(max_length=200, help_text="e.g. Developing Positive Early Attachments")
    provider = models.CharField(
        max_length=200, blank=True, help_text="e.g. NHS Education for Scotland"
    )
    method = models.CharField(max_length=12, choices=Method, default=Method.COURSE)
    finished = models.DateField(help_text="The day it was completed, e.g. 5 March 2026.")
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="CPD hours, when the file gives them, e.g. 2.5. Empty: not given.",
    )
    outcome = models.CharField(
        max_length=12,
        blank=True,
        help_text="What the file says of it: completed or passed. Empty for a CSV row.",
    )
    source = models.CharField(max_length=8, choices=ProposalSource)
    file_name = models.CharField(max_length=200, help_text="e.g. turas-statements.json")
    statement_id = models.CharField(
        max_length=64, blank=True, help_text="The xAPI statement id, a UUID. Empty for a CSV."
    )
    activity_id = models.CharField(
        max_length=500,
        blank=True,
        help_text="The xAPI activity id, e.g. https://learn.example.org/courses/imh-1.",
    )
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who uploaded the file: the practitioner, or a training lead.",
    )
    organisation = models.ForeignKey(
        "assessments.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The organisation of the training lead who brought it in, if one did.",
    )
    key = models.CharField(
        max_length=64,
        help_text="What makes it the same learning twice: a digest of the statement id, "
        "or of the activity (or title) and the day finished.",
    )
    state = models.CharField(max_length=10, choices=ProposalState, default=ProposalState.PROPOSED)
    record = models.ForeignKey(
        TrainingRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The training record confirming it made.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-finished", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="proposed_record_once_per_user"),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0),
                name="proposed_record_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ProposalState.values), name="proposed_record_state_known"
            ),
        ]
        indexes = [models.Index(fields=["user", "state"], name="proposed_record_by_user")]

    def __str__(self):
        return f"Proposed: {self.title} ({self.finished:%d %b %Y})"


class ReflectionKind(models.TextChoices):
    ACCOUNT = "account", "Reflective account"
    FEEDBACK = "feedback", "Practice-related feedback"
    DISCUSSION = "discussion", "Reflective discussion"


class Template(models.TextChoices):
    NMC = "nmc", "NMC reflective account"
    SWE = "swe", "Social Work England CPD record"
    GENERAL = "general", "General reflection"


class FeedbackSource(models.TextChoices):
    FAMILY = "family", "Parents or carers"
    COLLEAGUE = "colleague", "A colleague"
    MANAGER = "manager", "A manager or supervisor"
    STUDENT = "student", "A student or learner"
    AUDIT = "audit", "An audit, complaint or compliment"
    OTHER = "other", "Other"


class Reflection(models.Model):
    """A reflective account, a piece of feedback, or a reflective discussion. The four
    text prompts mean different things per template (the form labels them); a
    discussion also holds its partner's details, which are that person's data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    kind = models.CharField(max_length=10, choices=ReflectionKind)
    template = models.CharField(max_length=8, choices=Template, default=Template.GENERAL)
    title = models.CharField(max_length=200, help_text="A title for your own list, e.g. Study day.")
    happened_on = models.DateField(help_text="When it happened, e.g. 12 May 2026.")
    record = models.ForeignKey(
        TrainingRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        help_text="The training it reflects on, if any.",
    )
    activity = models.TextField(blank=True, max_length=4000)
    learned = models.TextField(blank=True, max_length=4000)
    changed = models.TextField(blank=True, max_length=4000)
    relevance = models.TextField(blank=True, max_length=4000)
    code_themes = models.JSONField(default=list, blank=True, help_text="NMC Code themes.")
    source = models.CharField(max_length=10, choices=FeedbackSource, blank=True)
    peer_discussed = models.BooleanField(default=False)
    partner_name = models.CharField(max_length=200, blank=True)
    partner_pin = models.CharField(max_length=20, blank=True)
    partner_email = models.EmailField(blank=True)
    partner_address = models.CharField(max_length=300, blank=True)
    partner_postcode = models.CharField(max_length=10, blank=True)
    domains = models.ManyToManyField("catalogue.Domain", blank=True, related_name="+")
    competencies = models.ManyToManyField("catalogue.Competency", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on reflections shown in a portfolio pack (portfolio.packs); not stored.
    theme_labels: list[str]
    source_label: str

    class Meta:
        ordering = ["-happened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReflectionKind.values), name="reflection_kind_known"
            )
        ]
        indexes = [models.Index(fields=["user", "happened_on"], name="reflection_by_user_date")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("assessments:reflection", args=[self.pk])


def evidence_path(instance, filename: str) -> str:
    """A random name under the owner's folder: never the name the person gave, so no
    name can reach another folder, overwrite a file or be guessed."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{instance.owner_id}/{secrets.token_urlsafe(24)}{suffix}"


class EvidenceFile(models.Model):
    """A file backing a training record or a reflection (a certificate, a letter).
    Served only through the file view, which checks who asks."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence_files"
    )
    record = models.ForeignKey(
        TrainingRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    # Or one item of the owner's assessment: a level and domain, and the competency
    # unless the domain is rated as a whole (assessments.items). Kept by item, not by
    # rating row, so adding a file never changes a rating (nor its version).
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    domain = models.PositiveSmallIntegerField(null=True, blank=True)
    competency = models.ForeignKey(
        "catalogue.Competency",
        on_delete=models.PROTECT,  # as ratings: a catalogue change never deletes evidence
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(max_length=150, help_text="The name it was uploaded with.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # Set on files put in a ZIP (portfolio.packs.number); not stored.
    archive_name: str

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record__isnull=False, reflection__isnull=True, level__isnull=True)
                | Q(record__isnull=True, reflection__isnull=False, level__isnull=True)
                | Q(
                    record__isnull=True,
                    reflection__isnull=True,
                    level__isnull=False,
                    domain__isnull=False,
                ),
                name="evidence_file_has_one_parent",
            )
        ]
        indexes = [models.Index(fields=["owner", "level", "domain"], name="evidence_file_by_item")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assessments:evidence_file", args=[self.pk, self.name])

    @property
    def back_url(self) -> str:
        """The page the file belongs to."""
        if self.record_id:
            return reverse("assessments:record", args=[self.record_id])
        if self.reflection_id:
            return reverse("assessments:reflection", args=[self.reflection_id])
        return reverse("assessments:grid", args=[self.level, self.domain]) + "#files"


class ReminderKind(models.TextChoices):
    RENEWAL = "renewal", "Renewal or revalidation"
    WINDOW = "window", "Application window opens"
    APPRAISAL = "appraisal", "Appraisal"


class SentReminder(models.Model):
    """A reminder claimed for sending. The row is written under a unique key before the
    e-mail is queued, so two runs of the day's reminders (even overlapping) queue it
    once; its task sends it only while `sent_at` is empty, and the sweep queues again a
    claim that was never sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReminderKind)
    due = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    task = models.CharField(max_length=64, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "due", "days_before"], name="reminder_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.due} ({self.days_before} days before)"

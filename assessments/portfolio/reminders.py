"""E-mails a practitioner chose to receive: reminders before her renewal and appraisal
dates (queued daily) and notices when the other side of a team acts
(a member shares evidence; a manager reviews or signs off). Every e-mail carries a
one-click unsubscribe (RFC 8058) for its kind, and says how to change the choice.

A reminder is claimed by writing its SentReminder row, under a unique key, in its own
transaction before its e-mail is queued: a second run, even one overlapping the first,
finds the row and queues nothing. Its task (tasks/reminders.py) sends it while the row
says it is not sent yet, retrying a mail server that is down; the sweep queues again a
claim whose task was lost."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from ..models import CycleRule, Registration, Regulator, ReminderKind, SentReminder, User

log = logging.getLogger("imhcf.reminders")
SALT = "imhcf.unsubscribe"
DATES, TEAM = "dates", "team"
CHOICE_LABEL = {
    DATES: "reminders before your renewal and appraisal dates",
    TEAM: "notices about shared evidence, reviews and sign-offs",
}


def unsubscribe_token(user_id: int, choice: str) -> str:
    """A signed, unguessable token naming one person and one kind of e-mail."""
    return signing.dumps({"u": user_id, "c": choice}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if data.get("c") not in CHOICE_LABEL:
        return None
    return data["u"], data["c"]


def unsubscribe_url(user_id: int, choice: str) -> str:
    path = reverse("unsubscribe", args=[unsubscribe_token(user_id, choice)])
    return f"{settings.IMHCF_SITE_URL}{path}"


def message(
    user: User,
    choice: str,
    subject: str,
    body: str,
    connection: BaseEmailBackend | None = None,
) -> EmailMessage:
    """An e-mail to `user` of kind `choice`, with its unsubscribe link and headers."""
    link = unsubscribe_url(user.pk, choice)
    settings_link = f"{settings.IMHCF_SITE_URL}{reverse('assessments:registration')}"
    footer = (
        f"\n\n--\nYou receive this because you chose {CHOICE_LABEL[choice]}.\n"
        f"Stop them with one click: {link}\nOr change what you receive: {settings_link}\n"
    )
    return EmailMessage(
        subject,
        body + footer,
        to=[user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@dataclass(frozen=True)
class Due:
    """One reminder to send: which date, and how many days before it."""

    user_id: int
    kind: str
    due: datetime.date
    days_before: int


@dataclass(frozen=True)
class KeyDate:
    """One of a person's dates: what it is (a ReminderKind), the day, and its name."""

    kind: str
    day: datetime.date
    label: str


def key_dates(registration: Registration, rule: CycleRule | None) -> list[KeyDate]:
    """The person's dates, soonest first: the renewal date (with a regulator), the day
    her application opens when the regulator has a window (the NMC's 60 days), and her
    appraisal. The one definition the dashboard, the reminders and the calendar share
    (pure: no queries)."""
    found = []
    if registration.regulator and registration.renewal_date:
        renewal = registration.renewal_date
        found.append(
            KeyDate(ReminderKind.RENEWAL, renewal, rule.date_label if rule else "Renewal date")
        )
        if rule and rule.window_days:
            opens = renewal - datetime.timedelta(days=rule.window_days)
            found.append(KeyDate(ReminderKind.WINDOW, opens, "Revalidation application opens"))
    if registration.appraisal_date:
        found.append(KeyDate(ReminderKind.APPRAISAL, registration.appraisal_date, "Appraisal"))
    return sorted(found, key=lambda date: date.day)


def offsets(kind: str) -> list[int]:
    """Days before a date of `kind` that a reminder goes (0: on the day)."""
    if kind == ReminderKind.WINDOW:
        return [0]  # "your application opens today"
    if kind == ReminderKind.APPRAISAL:
        return sorted(set(settings.IMHCF_APPRAISAL_REMINDER_DAYS))
    return sorted(set(settings.IMHCF_RENEWAL_REMINDER_DAYS))


def due_on(today: datetime.date, date: datetime.date, days: list[int]) -> int | None:
    """The reminder due today for `date`: the nearest offset whose day has come (so a
    date entered late gets one reminder, not all the missed ones), or None once the
    date has passed."""
    if date < today:
        return None
    passed = [d for d in days if date - datetime.timedelta(days=d) <= today]
    return min(passed) if passed else None


def reminders_due(
    today: datetime.date, registrations: Iterable[Registration], rules: dict[str, CycleRule]
) -> list[Due]:
    """Every reminder due `today` for people who want them (pure: no queries)."""
    found = []
    for reg in registrations:
        for date in key_dates(reg, rules.get(reg.regulator)):
            days = due_on(today, date.day, offsets(date.kind))
            if days is not None:
                found.append(Due(reg.user_id, date.kind, date.day, days))
    return found


def upcoming(
    registration: Registration, rule: CycleRule | None, today: datetime.date
) -> list[tuple[datetime.date, str]]:
    """(day, what) of every reminder still to come for this person, soonest first: what
    the registration page promises (pure: no queries)."""
    if not registration.notify_dates:
        return []
    found = []
    for date in key_dates(registration, rule):
        for days in offsets(date.kind):
            day = date.day - datetime.timedelta(days=days)
            if day >= today:
                what = (
                    f"the day your {date.label.lower()}"
                    if days == 0
                    else f"{days} days before your {date.label.lower()}"
                )
                found.append((day, what))
    return sorted(found)


def _text(due: Due, reg: Registration, rule: CycleRule | None) -> tuple[str, str]:
    user, regulator = reg.user, reg.regulator
    when = f"{due.due:%A %-d %B %Y}"
    portfolio = f"{settings.IMHCF_SITE_URL}{reverse('assessments:portfolio')}"
    name = dict(Regulator.choices).get(regulator, "your regulator")
    if due.kind == ReminderKind.APPRAISAL:
        return (
            f"Your appraisal is in {due.days_before} days",
            f"Hello {user.display_name},\n\nYour appraisal is on {when}. Your development "
            f"plan and portfolio are ready to take with you:\n{portfolio}\n",
        )
    if due.kind == ReminderKind.WINDOW:
        return (
            "Your revalidation application opens today",
            f"Hello {user.display_name},\n\nYour {name} application can be made from today; "
            f"your revalidation application date is {reg.renewal_date:%A %-d %B %Y}. See "
            "what your records show "
            f"against the requirements, and download your pack:\n{portfolio}\n",
        )
    label = rule.date_label.lower() if rule else "renewal date"
    return (
        f"Your {label} is in {due.days_before} days",
        f"Hello {user.display_name},\n\nYour {label} with {name} is {when}. See what your "
        f"records show against its requirements:\n{portfolio}\n",
    )


def _claim(due: Due) -> SentReminder | None:
    """The reminder's claim, written now; None when another run claimed it first."""
    try:
        with transaction.atomic():
            return SentReminder.objects.create(
                user_id=due.user_id, kind=due.kind, due=due.due, days_before=due.days_before
            )
    except IntegrityError:
        return None


def queue_reminders(today: datetime.date) -> int:
    """Claim every reminder due `today`, to confirmed addresses only, and queue its
    e-mail (tasks/reminders.py sends it). Returns how many were queued; one claimed by an
    earlier or overlapping run is not queued again. Three queries, then a claim (an
    insert) per reminder."""
    registrations = list(
        Registration.objects.filter(notify_dates=True)
        .exclude(user__email="")
        .filter(user__is_active=True)
        # Only to an address its owner has confirmed (followed the link sent to it).
        .filter(
            Exists(
                EmailAddress.objects.filter(
                    user_id=OuterRef("user_id"),
                    email__iexact=OuterRef("user__email"),
                    verified=True,
                )
            )
        )
        .select_related("user")
    )
    rules = {rule.regulator: rule for rule in CycleRule.objects.all()}
    from ..tasks import queueing
    from ..tasks import reminders as reminder_tasks

    queued = 0
    for due in reminders_due(today, registrations, rules):
        claim = _claim(due)
        if claim is not None:
            queueing.later(reminder_tasks.send_reminder, claim.pk)
            queued += 1
    return queued


def send_claimed(claim: SentReminder, connection: BaseEmailBackend | None = None) -> None:
    """E-mail the reminder `claim` stands for (its text as of now). Raises what the mail
    server raises; the caller records the sending."""
    reg = Registration.objects.select_related("user").get(user_id=claim.user_id)
    rule = CycleRule.objects.filter(regulator=reg.regulator).first()
    due = Due(claim.user_id, claim.kind, claim.due, claim.days_before)
    subject, body = _text(due, reg, rule)
    message(reg.user, DATES, subject, body, connection).send()


def notify(users: Iterable[User], subject: str, body: str) -> None:
    """Tell `users` (who chose team notices) something a team member did: one e-mail
    each, queued once the transaction that did it commits (tasks/mail.py). A mail server
    that cannot be reached delays the e-mail, never the person who acted."""
    users = [u for u in users if u.email and getattr(_registration(u), "notify_team", True)]
    # Only to an address its owner has confirmed (followed the link sent to it).
    confirmed = (
        {
            (user_id, email.casefold())
            for user_id, email in EmailAddress.objects.filter(
                user__in=users, verified=True
            ).values_list("user_id", "email")
        }
        if users
        else set()
    )
    wanted = [u for u in users if (u.pk, u.email.casefold()) in confirmed]

    from ..tasks import mail, queueing

    for user in wanted:
        queueing.later(
            mail.send_notice, user.pk, TEAM, subject, f"Hello {user.display_name},\n\n{body}"
        )


def _registration(user: User) -> Registration | None:
    try:
        return user.registration
    except Registration.DoesNotExist:
        return None


def calendar(registration: Registration, rule: CycleRule | None, stamp: datetime.datetime) -> str:
    """The person's dates as an iCalendar file (RFC 5545): all-day events with a
    reminder, CRLF line ends. Three events at most, so written here, not by a library."""

    def escape(text: str) -> str:
        return (
            text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        )

    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//imhcf//portfolio dates//EN"]
    for date in key_dates(registration, rule):
        day, summary = date.day, date.label
        lines += [
            "BEGIN:VEVENT",
            f"UID:{date.kind}-{registration.user_id}-{day:%Y%m%d}@imhcf",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(summary)}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape(summary)}",
            "TRIGGER:-P7D",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"

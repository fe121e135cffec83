"""Learning brought in from another system, as proposed training records: whose each
completion is, which catalogue course it is, which were brought in before, and the
writes (propose, confirm, discard). Plain keyword-only functions, so a page or the API
can call them.

Nothing is applied silently: a proposal is no training record, and no plan, tally,
pack or export reads ProposedRecord. Its practitioner confirms it (a training record is
made with the same rules as the record form, through services.save_record) or discards
it. Either way the proposal is kept, marked, so the same file brought in again makes
nothing new."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import Resolver404, resolve
from django.utils import timezone

from catalogue.importing import ImportProblem
from catalogue.models import Course, Module

from ..models import (
    EvidenceFile,
    Membership,
    Method,
    Organisation,
    ProposalSource,
    ProposalState,
    ProposedRecord,
    TrainingRecord,
    User,
)
from . import services
from .learning_import import MAX_ERRORS, Completion, Read, sha1_of

# Catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """A catalogue course (and module) a completion was recognised as, and how."""

    course: Course
    module: Module | None
    by: str  # "activity id" or "title"


@dataclass
class Catalogue:
    """The courses and modules, read once (two queries) to recognise completions."""

    by_address: dict[str, Course]
    by_slug: dict[str, Course]
    by_title: dict[str, Course]
    modules: dict[str, list[Module]]

    def recognise(self, completion: Completion) -> Known | None:
        """By activity id (the course's own web address, or its page on this site),
        else by the exact title of a course or of a module (one course only)."""
        if completion.activity_id:
            course = self.by_address.get(_address(completion.activity_id))
            if course is None:
                course = self.by_slug.get(_our_course_slug(completion.activity_id) or "")
            if course is not None:
                return Known(course, None, "activity id")
        if completion.course:  # a CSV row's course column: a slug or a title
            wanted = completion.course.casefold()
            course = self.by_slug.get(completion.course) or self.by_title.get(wanted)
            return Known(course, None, "course") if course else None
        title = completion.title.casefold()
        if title in self.by_title:
            return Known(self.by_title[title], None, "title")
        modules = self.modules.get(title, [])
        if len(modules) == 1:
            return Known(modules[0].course, modules[0], "title")
        return None


def _address(iri: str) -> str:
    """A web address compared without its scheme's case, a trailing slash or a query."""
    parts = urlsplit(iri.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _our_course_slug(iri: str) -> str | None:
    """The slug, when the IRI is a course page of this site (IMHCF_SITE_URL)."""
    parts = urlsplit(iri.strip())
    if parts.netloc.lower() != urlsplit(settings.IMHCF_SITE_URL).netloc.lower():
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    return match.kwargs.get("slug") if match.view_name == "catalogue:course_detail" else None


def read_catalogue() -> Catalogue:
    """Two queries: the courses with their providers, and the modules."""
    courses = list(Course.objects.select_related("provider"))
    by_id = {course.pk: course for course in courses}
    modules: dict[str, list[Module]] = defaultdict(list)
    for module in Module.objects.all():
        module.course = by_id[module.course_id]
        modules[module.title.casefold()].append(module)
    return Catalogue(
        by_address={_address(c.url): c for c in courses if c.url},
        by_slug={c.slug: c for c in courses},
        by_title={c.title.casefold(): c for c in courses},
        modules=dict(modules),
    )


def unknown_course(completions: Iterable[Completion], catalogue: Catalogue) -> list[str]:
    """A CSV's course column naming no catalogue course: each row's problem."""
    return [
        f"{c.where}, course: “{c.course}” is not a course in the catalogue; use its title "
        "or the end of its page's address (e.g. nes-imh), or leave it empty for other learning"
        for c in completions
        if c.course and catalogue.recognise(c) is None
    ]


# Whose, and what is new -------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """One completion to propose to one person."""

    user: User
    completion: Completion
    known: Known | None


@dataclass
class Outcome:
    """What bringing in a file did, for the summary."""

    name: str
    proposed: list[Proposal] = field(default_factory=list)
    duplicates: list[tuple[Completion, str]] = field(default_factory=list)  # and why
    not_completions: int = 0
    voided: list[str] = field(default_factory=list)
    refused: list[Completion] = field(default_factory=list)  # not hers / not a member
    more: bool = False

    @property
    def found(self) -> int:
        """Completions in the file (the voided and other verbs left out)."""
        return len(self.proposed) + len(self.duplicates) + len(self.refused)

    @property
    def recognised(self) -> int:
        return sum(p.known is not None for p in self.proposed)

    @property
    def other(self) -> int:
        return sum(p.known is None for p in self.proposed)

    @property
    def refused_learners(self) -> list[str]:
        """Each refused learner once, in file order."""
        return list(dict.fromkeys(c.learner for c in self.refused))


def verified_addresses(users: Sequence[User]) -> dict[str, User]:
    """Their proved addresses (lower case), to the person. One query."""
    by_id = {user.pk: user for user in users}
    return {
        email.lower(): by_id[user_id]
        for user_id, email in EmailAddress.objects.filter(
            user__in=list(by_id), verified=True
        ).values_list("user_id", "email")
    }


def organisation_people(organisation: Organisation) -> list[User]:
    """Everyone on one of the organisation's teams, as member or manager. One query."""
    return list(
        User.objects.filter(
            pk__in=Membership.objects.filter(team__organisation=organisation).values("user_id")
        )
    )


def _whose(
    completion: Completion, addresses: dict[str, User], digests: dict[str, User]
) -> User | None:
    """The person a completion is for: by her address, or by its xAPI digest
    (mbox_sha1sum, looked up in `digests`, worked out once per file)."""
    if completion.email:
        return addresses.get(completion.email)
    if completion.mbox_sha1:
        return digests.get(completion.mbox_sha1)
    return None


def plan(
    *,
    read: Read,
    people: Sequence[User],
    catalogue: Catalogue,
    default_user: User | None = None,
) -> Outcome:
    """What bringing in this file would propose, to whom, and what it leaves out.
    `people`: who its learners may be (matched by proved address); `default_user`: whose
    a CSV row naming nobody is (a practitioner's own file). Three queries."""
    outcome = Outcome(
        read.name, not_completions=read.not_completions, voided=read.voided, more=read.more
    )
    addresses = verified_addresses(people)
    digests = {sha1_of(address): user for address, user in addresses.items()}
    wanted: list[Proposal] = []
    for completion in read.completions:
        user = _whose(completion, addresses, digests)
        if user is None and default_user is not None and not completion.learner:
            user = default_user  # a CSV row of her own, naming nobody
        if user is None:
            outcome.refused.append(completion)
        else:
            wanted.append(Proposal(user, completion, catalogue.recognise(completion)))
    users = {p.user.pk for p in wanted}
    days = {p.completion.finished for p in wanted}
    keys = {(p.user.pk, p.completion.key()) for p in wanted}
    # One query for both: proposals with these keys (any state), and those still
    # waiting for a decision on the same days (the same learning from another file).
    brought: set[tuple[int, str]] = set()
    held: dict[tuple[int, Any], str] = {}
    for user_id, their_key, course_id, title, day, state in ProposedRecord.objects.filter(
        Q(key__in={wanted_key for _, wanted_key in keys})
        | Q(finished__in=days, state=ProposalState.PROPOSED),
        user__in=users,
    ).values_list("user_id", "key", "course_id", "title", "finished", "state"):
        brought.add((user_id, their_key))
        if state == ProposalState.PROPOSED:
            held[(user_id, ("title", title.casefold(), day))] = "already proposed"
            if course_id:
                held[(user_id, ("course", course_id, day))] = "already proposed"
    for user_id, course_id, title, day in TrainingRecord.objects.filter(
        user__in=users, finished__in=days
    ).values_list("user_id", "course_id", "title", "finished"):
        held[(user_id, ("title", title.casefold(), day))] = "already in the records"
        if course_id:
            held[(user_id, ("course", course_id, day))] = "already in the records"
    seen: set[tuple[int, Any]] = set()
    for proposal in wanted:
        completion, user_id = proposal.completion, proposal.user.pk
        key = (user_id, completion.key())
        same: list[tuple[int, Any]] = [
            (user_id, ("title", _title(proposal).casefold(), completion.finished))
        ]
        if proposal.known:
            same.append((user_id, ("course", proposal.known.course.pk, completion.finished)))
        if key in brought:
            outcome.duplicates.append((completion, "brought in before"))
        elif key in seen or any(s in seen for s in same):
            outcome.duplicates.append((completion, "twice in this file"))
        elif any(s in held for s in same):
            why = next(held[s] for s in same if s in held)
            outcome.duplicates.append((completion, why))
        else:
            outcome.proposed.append(proposal)
        seen.add(key)
        seen.update(same)
    return outcome


def _title(proposal: Proposal) -> str:
    """The record's title: the file's name for it, else the catalogue's."""
    if proposal.completion.title:
        return proposal.completion.title
    known = proposal.known
    if known is None:
        return ""
    return known.module.title if known.module else known.course.title


def _method(known: Known | None) -> str:
    if known and known.course.mode == Course.Mode.ELEARNING:
        return Method.ELEARNING
    return Method.COURSE


class Changed(Exception):
    """Someone brought in the same learning at the same moment: bring the file in again."""


def propose(
    *, outcome: Outcome, source: str, brought_by: User, organisation: Organisation | None = None
) -> list[ProposedRecord]:
    """Write the outcome's proposals, all or none. Raises Changed if another upload made
    one of them meanwhile (the unique key refuses it; bringing the file in again then
    counts it as brought in before)."""
    rows = []
    for proposal in outcome.proposed:
        completion, known = proposal.completion, proposal.known
        # A catalogue course's provider is better than the platform that sent the
        # statement; a CSV's provider column is what the person wrote.
        catalogue_provider = known.course.provider.name if known else ""
        if source == ProposalSource.XAPI:
            provider = catalogue_provider or completion.provider
        else:
            provider = completion.provider or catalogue_provider
        rows.append(
            ProposedRecord(
                user=proposal.user,
                course=known.course if known else None,
                module=known.module if known else None,
                title=_title(proposal),
                provider=provider,
                method=_method(known),
                finished=completion.finished,
                hours=completion.hours,
                outcome=completion.outcome,
                source=source,
                file_name=outcome.name[:200],
                statement_id=completion.statement_id,
                activity_id=completion.activity_id,
                brought_by=brought_by,
                organisation=organisation,
                key=completion.key(),
            )
        )
    try:
        with transaction.atomic():
            return ProposedRecord.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise Changed from exc


def bring_in(
    *,
    read: Read,
    user: User,
    organisation: Organisation | None = None,
) -> Outcome:
    """A file brought in by `user` for herself, or, with `organisation` (which the
    caller has checked she leads), for its teams' people. Five queries (six for a
    lead), and the INSERTs of the proposals."""
    catalogue = read_catalogue()
    problems = unknown_course(read.completions, catalogue)
    if problems:
        raise ImportProblem([f"{read.name}, {problem}" for problem in problems[:MAX_ERRORS]])
    if organisation is None:
        outcome = plan(read=read, people=[user], catalogue=catalogue, default_user=user)
    else:
        outcome = plan(read=read, people=organisation_people(organisation), catalogue=catalogue)
    propose(outcome=outcome, source=read.source, brought_by=user, organisation=organisation)
    return outcome


# Her decisions -----------------------------------------------------------------------


def waiting(user: User) -> list[ProposedRecord]:
    """Her proposals still to decide, newest learning first, with who brought each in
    and the course. One query."""
    return list(
        ProposedRecord.objects.filter(user=user, state=ProposalState.PROPOSED).select_related(
            "brought_by", "organisation", "course", "module"
        )
    )


def used_and_waiting(user: User) -> tuple[int, int]:
    """What her files take (files.used_bytes) and how many proposals wait for her, in
    the one query the portfolio page had for the first."""
    files = (
        EvidenceFile.objects.filter(owner=OuterRef("pk"))
        .values("owner")
        .annotate(total=Sum("size"))
        .values("total")
    )
    proposals = (
        ProposedRecord.objects.filter(user=OuterRef("pk"), state=ProposalState.PROPOSED)
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    used, count = (
        User.objects.filter(pk=user.pk)
        .values_list(Coalesce(Subquery(files), 0), Coalesce(Subquery(proposals), 0))
        .get()
    )
    return int(used), int(count)


def record_data(proposal: ProposedRecord) -> dict[str, Any]:
    """The record form's fields as the proposal fills them (participatory hours 0, the
    form's own default, which she can change before confirming)."""
    return {
        "course": proposal.course_id or "",
        "module": proposal.module_id or "",
        "title": proposal.title,
        "provider": proposal.provider,
        "method": proposal.method,
        "finished": proposal.finished.isoformat(),
        "hours": "" if proposal.hours is None else str(proposal.hours),
        "participatory_hours": "0",
    }


class Incomplete(Exception):
    """The proposal lacks what a record needs (its hours): `errors` by field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def confirm(*, proposal: ProposedRecord, data: dict[str, Any] | None = None) -> TrainingRecord:
    """Make her training record from the proposal (or from `data`: the record form as
    she changed it), with the record form's rules, and mark the proposal confirmed.
    Raises Incomplete with the form's errors."""
    from .forms import RecordForm  # forms import the models; kept out of import time

    form = RecordForm(
        data or record_data(proposal),
        used=0,
        instance=TrainingRecord(user=proposal.user),
    )
    if not form.is_valid():
        raise Incomplete({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    with transaction.atomic():
        locked = ProposedRecord.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != ProposalState.PROPOSED:
            raise Decided(locked)
        record = services.save_record(record=form.save(commit=False))
        locked.state = ProposalState.CONFIRMED
        locked.record = record
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "record", "decided_at"])
    return record


class Decided(Exception):
    """The proposal was confirmed or discarded already (in another tab, say)."""

    def __init__(self, proposal: ProposedRecord):
        super().__init__(proposal.state)
        self.proposal = proposal


@transaction.atomic
def discard(*, proposal: ProposedRecord) -> None:
    """Mark it discarded: it is never proposed again from the same file."""
    updated = ProposedRecord.objects.filter(pk=proposal.pk, state=ProposalState.PROPOSED).update(
        state=ProposalState.DISCARDED, decided_at=timezone.now()
    )
    if not updated:
        raise Decided(proposal)


@dataclass
class ConfirmedAll:
    records: list[TrainingRecord]
    incomplete: list[ProposedRecord]  # each needs its hours (or another field) first


def confirm_all(*, user: User) -> ConfirmedAll:
    """Confirm every proposal waiting for her that a record can be made from as it is;
    the rest (no hours given) stay for her to complete one by one."""
    done = ConfirmedAll([], [])
    for proposal in waiting(user):
        try:
            done.records.append(confirm(proposal=proposal))
        except Incomplete:
            done.incomplete.append(proposal)
        except Decided:
            continue
    return done

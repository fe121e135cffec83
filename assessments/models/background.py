"""Work that runs on the queue (assessments/tasks/) and that a person follows on a page,
and what an admin sees when a task fails for good."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Job(models.Model):
    """Work someone asked for that runs in the background: a staff import's invitation
    e-mails, or a download being prepared. Its page shows how far it has got; an admin
    sees the ones that failed for good. A prepared file is private to its owner and
    forgotten at `expires_at`."""

    class Kind(models.TextChoices):
        INVITATIONS = "invitations", "Invitation e-mails of a staff import"
        RECORD_ZIP = "record_zip", "Whole record (ZIP)"
        PACK_PDF = "pack_pdf", "Revalidation pack (PDF)"
        PACK_ZIP = "pack_zip", "Revalidation pack with its files (ZIP)"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting or under way"
        DONE = "done", "Done"
        FAILED = "failed", "Failed for good"

    kind = models.CharField(max_length=20, choices=Kind)
    state = models.CharField(max_length=10, choices=State, default=State.WAITING)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    organisation = models.ForeignKey(
        "assessments.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="The organisation of a staff import; empty for a person's own download.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was last put on the queue; the sweep queues it again if it "
        "waits far longer than it should.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="prepared/", blank=True)
    filename = models.CharField(
        max_length=200, blank=True, help_text="e.g. imhcf-record-2026-12-06.zip"
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When a prepared file is deleted."
    )
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text='What its page says besides progress, e.g. {"file": "staff.xlsx", '
        '"teams": ["Health visiting North"], "unchanged": 2}.',
    )
    problem = models.TextField(
        blank=True, help_text="What went wrong, for an admin (never shown to the person)."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "queued_at"], name="job_waiting")]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.owner} ({self.get_state_display()})"

    def get_absolute_url(self):
        if self.kind == self.Kind.INVITATIONS:
            return reverse(
                "assessments:staff_import_sending",
                kwargs={"pk": self.organisation_id, "job": self.pk},
            )
        return reverse("assessments:prepared", kwargs={"job": self.pk})


class FailedTask(models.Model):
    """A task that failed after its last retry: kept for an admin to see and act on."""

    name = models.CharField(max_length=200, help_text="e.g. assessments.tasks.mail.send_notice")
    arguments = models.JSONField(default=list, blank=True)
    error = models.TextField()
    failed_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.name} failed at {self.failed_at:%Y-%m-%d %H:%M}"

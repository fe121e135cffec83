import importlib

from allauth.mfa.models import Authenticator
from allauth.socialaccount.admin import SocialAppAdmin, SocialAppForm
from allauth.socialaccount.models import SocialApp
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from catalogue.admin import LabelledInline

from .models import (
    CycleRule,
    FailedTask,
    Invite,
    Job,
    Membership,
    Organisation,
    OrganisationAPIKey,
    PersonalAPIKey,
    ProposedRecord,
    Team,
    TrainingLead,
    User,
)
from .security import audit


class MembershipInline(LabelledInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "shares_evidence"]
    readonly_fields = ["shares_evidence"]  # the member's own choice


@admin.register(User)
class ImhcfUserAdmin(UserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "email",
        "job_role",
        "chosen_level",
        "is_staff",
        "is_active",
    ]
    list_filter = ["job_role", "is_staff", "is_active"]
    fieldsets = UserAdmin.fieldsets + (("Practice", {"fields": ["job_role", "chosen_level"]}),)
    actions = ["end_sessions"]

    @admin.action(description="Sign them out everywhere (end every session)")
    def end_sessions(self, request, queryset):
        """For a lost phone or a shared PC left signed in (ASVS 7.4.5): each person's
        sessions end at their next request; their password and data are untouched."""
        for user in queryset:
            user.end_sessions()
            audit.event("admin.sessions_ended", request, person=user.pk)
        self.message_user(request, f"Signed out everywhere: {queryset.count()} person(s).")


class TrainingLeadInline(LabelledInline):
    model = TrainingLead
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "training lead"
    verbose_name_plural = "Training leads (run this organisation's teams in the app)"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "team_count", "requires_work_account"]
    search_fields = ["name"]
    inlines = [TrainingLeadInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(teams_n=Count("teams"))

    @admin.display(description="Teams", ordering="teams_n")
    def team_count(self, organisation):
        return organisation.teams_n


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    inlines = [MembershipInline]


# Authenticators (apps, passkeys, recovery codes): admins may see who has one and delete
# it (a reset, for a lost phone), never learn or set its secret. Django admin accepts
# lookups on any field in the URL (?data__secret__startswith=…), which would let an
# admin read a secret one character at a time; and one added or changed by an admin,
# with a secret the admin knows, would let them pass as its owner. So: the secret is
# never shown, no lookups into it, no adding, no editing.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__username", "user__last_name"]
    fields = readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[0] == "data":
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WorkAccountProviderForm(SocialAppForm):
    """A work-account provider's settings. The client secret is typed, never shown
    back: left empty, the one kept stays."""

    class Meta(SocialAppForm.Meta):
        widgets = {
            **SocialAppForm.Meta.widgets,
            "secret": forms.PasswordInput(render_value=False, attrs={"size": "100"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secret"].required = False
        self.fields[
            "secret"
        ].help_text = "Typed here once; never shown again. Leave empty to keep the one saved."
        self.fields["settings"].help_text = (
            'For OpenID Connect: {"server_url": "<issuer>", "allowed_email_domains": '
            '["trust.nhs.uk"]} and, for Entra ID\'s multi-tenant endpoint, '
            '"allowed_tenants": ["<tenant id>"]. See docs/deploy.md.'
        )

    def clean_secret(self):
        typed = self.cleaned_data.get("secret")
        if not typed and self.instance.pk:
            return SocialApp.objects.get(pk=self.instance.pk).secret
        return typed


admin.site.unregister(SocialApp)


@admin.register(SocialApp)
class WorkAccountProviderAdmin(SocialAppAdmin):
    form = WorkAccountProviderForm

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[0] in ("secret", "key"):
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(CycleRule)
class CycleRuleAdmin(admin.ModelAdmin):
    """Each regulator's renewal rules, which portfolios count records against. Regulators
    change them: edit a rule with its source and the day it was checked."""

    list_display = ["regulator", "cycle_months", "cpd_hours", "date_label", "checked_on"]
    search_fields = ["regulator", "summary"]
    fieldsets = [
        (None, {"fields": ["regulator", "date_label", "cycle_months", "window_days"]}),
        (
            "What is counted (empty: the regulator sets no such count)",
            {
                "fields": [
                    "cpd_hours",
                    "participatory_hours",
                    "hours_per_year",
                    "records_needed",
                    "peer_records_needed",
                    "feedback_needed",
                    "reflections_needed",
                    "discussion_needed",
                ]
            },
        ),
        ("Source", {"fields": ["summary", "source", "checked_on"]}),
    ]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background work people follow (a staff import's e-mails, a download being
    prepared): read only, to see what is waiting and what failed."""

    list_display = ["kind", "state", "owner", "organisation", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["owner", "organisation"]
    search_fields = ["owner__username", "organisation__name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "kind",
        "state",
        "owner",
        "organisation",
        "created_at",
        "queued_at",
        "finished_at",
        "filename",
        "expires_at",
        "detail",
        "problem",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    """Tasks that failed after their last retry: what, with which arguments, and why.
    'Try again' queues each once more (a staff import's unsent e-mails included)."""

    list_display = ["name", "failed_at", "error", "job"]
    list_filter = ["name"]
    search_fields = ["name", "error"]
    date_hierarchy = "failed_at"
    fields = readonly_fields = ["name", "arguments", "error", "failed_at", "job"]
    actions = ["try_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Try again: queue the selected tasks once more")
    def try_again(self, request, queryset):
        from .tasks.queueing import later

        tried = 0
        for failure in queryset:
            module, _, task = failure.name.rpartition(".")
            if not module.startswith("assessments.tasks."):
                continue  # only our own tasks are ever recorded; nothing else is imported
            if failure.job_id is not None:
                # The job waits again; its unsent e-mails are no longer held by the
                # task that gave up, so the new copy may send them.
                Job.objects.filter(pk=failure.job_id).update(
                    state=Job.State.WAITING, problem="", queued_at=timezone.now()
                )
                Invite.objects.filter(job_id=failure.job_id, mailed_at=None).update(mail_claim="")
            later(getattr(importlib.import_module(module), task), *failure.arguments)
            audit.event("task.retried", request, task=failure.name, failure=failure.pk)
            failure.delete()
            tried += 1
        self.message_user(request, f"Queued again: {tried}.")


# API keys: made only by an organisation's training lead on its page (who she is is
# proved again, the key is shown to her once), so admins never add one here and never
# see one; they see who made each, when it was last used, and may revoke one. The
# library's own key model is not used (every key belongs to an organisation).
admin.site.unregister(APIKey)


@admin.register(OrganisationAPIKey)
class OrganisationAPIKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "organisation", "scope", "made_by", "created"]
    list_display += ["last_used_at", "revoked"]
    list_filter = ["scope", "revoked"]
    list_select_related = ["organisation", "made_by"]
    search_fields = ["name", "prefix", "organisation__name"]
    fields = readonly_fields = [
        "name",
        "prefix",
        "organisation",
        "scope",
        "made_by",
        "created",
        "expiry_date",
        "last_used_at",
        "revoked",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the list keeps who made it and when

    @admin.action(description="Revoke the selected keys (they stop working at once)")
    def revoke(self, request, queryset):
        from .api.organisations.key_services import revoke_key

        revoked = sum(revoke_key(key=key, by=request.user, request=request) for key in queryset)
        self.message_user(request, f"Revoked: {revoked} key(s).")


@admin.register(PersonalAPIKey)
class PersonalAPIKeyAdmin(admin.ModelAdmin):
    """A person's own tokens, listed for admins, who may revoke one (a lost laptop) but
    never make, change or read one."""

    list_display = ["name", "prefix", "user", "created", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    fields = readonly_fields = [
        "name",
        "prefix",
        "user",
        "created",
        "expiry_date",
        "last_used_at",
        "revoked",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted; a deleted account takes its tokens with it

    @admin.action(description="Revoke the selected tokens (they stop working at once)")
    def revoke(self, request, queryset):
        from .api.personal_keys import revoke_token

        revoked = sum(revoke_token(token=token, request=request) for token in queryset)
        self.message_user(request, f"Revoked: {revoked} token(s).")


@admin.register(ProposedRecord)
class ProposedRecordAdmin(admin.ModelAdmin):
    """Learning brought in and waiting for its person (or decided by her): listed for
    admins to answer "where did this come from?", never made, changed or decided here:
    only she confirms or discards it."""

    list_display = ["title", "user", "finished", "state", "source", "brought_by", "created_at"]
    list_filter = ["state", "source"]
    list_select_related = ["user", "brought_by"]
    search_fields = ["title", "user__username", "user__email", "file_name", "statement_id"]
    fields = readonly_fields = [
        "user",
        "title",
        "provider",
        "course",
        "module",
        "finished",
        "hours",
        "outcome",
        "source",
        "file_name",
        "statement_id",
        "activity_id",
        "brought_by",
        "organisation",
        "state",
        "record",
        "created_at",
        "decided_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # her decision to make: discarded on her portfolio, never deleted here

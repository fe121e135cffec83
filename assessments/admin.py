from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from catalogue.admin import LabelledInline

from .models import CycleRule, Membership, Organisation, Team, TrainingLead, User
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
    list_display = ["name", "team_count"]
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


# Authenticators: admins may see who has one and delete it (a reset, for a lost phone),
# never learn or set its secret. Django admin accepts lookups on any field in the URL
# (?key__startswith=…), which would let an admin read a secret one digit at a time; and
# a device added or moved by an admin, with a key the admin knows, would let them pass
# as its owner. So: no key lookups, no adding, no editing.
admin.site.unregister(TOTPDevice)

SECRET_FIELDS = ("key", "bin_key", "throttling_failure_count", "drift", "last_t")


@admin.register(TOTPDevice)
class AuthenticatorAdmin(TOTPDeviceAdmin):
    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__")[0] in SECRET_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in SECRET_FIELDS]

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.get_readonly_fields(request, obj)})]


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

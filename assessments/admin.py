from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, Team, User


class MembershipInline(admin.TabularInline):
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


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation"]
    inlines = [MembershipInline]

"""The training lead's interface: every catalogue record, with inlines, search,
filters, and the official-wording import (which shares its code with the
`import_framework` command)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

# The one download helper (name, type, no-store, nosniff); it imports only Django
# and openpyxl, so the catalogue stays below every feature.
from assessments import downloads

from .importing import (
    COLUMNS,
    ImportProblem,
    check_upload,
    import_wording,
    template_csv,
    template_xlsx,
)
from .models import (
    Competency,
    Course,
    Coverage,
    Domain,
    Fee,
    Framework,
    KsfGroup,
    KsfMapping,
    Level,
    Module,
    Outcome,
    Provider,
    Term,
    Wording,
)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "publisher", "published_year", "declared_competencies"]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "typical_roles"]


class CompetencyInline(admin.TabularInline):
    model = Competency
    extra = 0
    fields = ["code", "heading"]
    show_change_link = True


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "declared_size", "loaded"]
    search_fields = ["name", "description"]
    inlines = [CompetencyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="Codes loaded / worded at level 1")
    def loaded(self, domain):
        return f"{domain.competency_count} / {domain.worded_1}"


class WordingInline(admin.StackedInline):
    model = Wording
    extra = 0
    fields = ["level", "knowledge", "ability", "source", "is_summary"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Wording file (.csv, .xlsx or a CASE 1.0 package's .json)",
        help_text=f"Columns: {', '.join(COLUMNS)}. One row per competency and level.",
    )

    def clean_file(self):
        return check_upload(
            self.cleaned_data["file"],
            too_large="the whole framework fits in far less.",
            suffixes=(".csv", ".xlsx", ".json"),
        )


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["code", "heading", "domain", "levels_worded"]
    list_filter = ["domain"]
    search_fields = ["code", "heading", "wordings__knowledge", "wordings__ability"]
    list_select_related = ["domain"]
    inlines = [WordingInline]
    change_list_template = "admin/catalogue/competency/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("wordings")

    @admin.display(description="Wording at levels")
    def levels_worded(self, competency):
        levels = sorted(w.level_id for w in competency.wordings.all())
        return ", ".join(map(str, levels)) or "none"

    def get_urls(self):
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalogue_competency_import",
            ),
            path(
                "import/template.<str:kind>",
                self.admin_site.admin_view(self.template_view),
                name="catalogue_competency_import_template",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        """Upload the official wording; every problem is listed and nothing is saved."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_wording(upload.name, upload.read())
            except ImportProblem as exc:
                problems = exc.errors
            else:
                messages.success(request, result.summary)
                return redirect("admin:catalogue_competency_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import the official wording",
            "form": form,
            "problems": problems,
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "admin/catalogue/competency/import.html", context)

    def template_view(self, request, kind):
        """The import template, as CSV or XLSX, with the header and one example row; for
        those who may import (a staff account without the permission gets 403)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if kind == "csv":
            body, content_type = template_csv(), downloads.CSV
        elif kind == "xlsx":
            body, content_type = template_xlsx(), downloads.XLSX
        else:
            return redirect("admin:catalogue_competency_import")
        return downloads.attachment(
            body, filename=f"imhcf-wording-template.{kind}", content_type=content_type
        )


@admin.register(Wording)
class WordingAdmin(admin.ModelAdmin):
    list_display = ["competency", "level", "short_knowledge", "source"]
    list_filter = ["level", "competency__domain"]
    search_fields = ["competency__code", "knowledge", "ability"]
    list_select_related = ["competency", "level"]
    autocomplete_fields = ["competency"]

    @admin.display(description="Knowledge")
    def short_knowledge(self, wording):
        return wording.knowledge[:80]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["term", "slug"]
    search_fields = ["term", "definition"]
    prepopulated_fields = {"slug": ["term"]}


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class LabelledInline(admin.TabularInline):
    """A tabular inline whose every field has a name for screen readers: Django labels
    the columns in the table header only, so each field gets its column's name, the
    delete box says so, and the blank first header is named (Django's template, one
    header changed)."""

    template = "admin/edit_inline/tabular_named.html"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the +/✎ wrapper
            widget.attrs.setdefault("aria-label", str(field.label))

        class Named(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"

        return Named


class FeeInline(LabelledInline):
    model = Fee
    extra = 0
    fields = [
        "label",
        "credits",
        "per_credits",
        "standard",
        "nhs_funded",
        "run_starts",
        "run_ends",
        "position",
    ]


class ModuleInline(LabelledInline):
    model = Module
    extra = 0
    fields = ["title", "credits", "year", "stage", "kind", "position"]


COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class OutcomeInline(LabelledInline):
    model = Outcome
    extra = 0
    formfield_overrides = COMPACT_TEXT
    fields = ["position", "text"]


class CoverageInline(LabelledInline):
    model = Coverage
    extra = 0
    fields = ["level", "domain", "competency", "module", "grade", "reason"]
    formfield_overrides = COMPACT_TEXT

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Short choices, so the table fits a laptop screen: "Level 1", "Domain 3",
        "1.07"; the names are on the framework pages."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        short = {
            "level": lambda level: f"Level {level.pk}",
            "domain": lambda domain: f"Domain {domain.pk}",
            "competency": lambda competency: competency.code,
        }.get(db_field.name)
        if short is not None:
            field.label_from_instance = short
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this course's modules in the module picker.
        module_field = formset.form.base_fields["module"]
        module_field.queryset = Module.objects.filter(course=obj) if obj else Module.objects.none()
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("competency", "domain", "level")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "provider",
        "mode",
        "duration_column",
        "fee_column",
        "endorser",
        "page",
    ]
    list_filter = ["provider", "mode", "endorser"]
    search_fields = ["title", "provider__name", "summary"]
    list_select_related = ["provider"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [FeeInline, ModuleInline, OutcomeInline, CoverageInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["provider", "title", "slug", "award", "exit_awards", "summary"]}),
        (
            "Delivery and time",
            {
                "fields": [
                    "mode",
                    "delivery",
                    ("duration_min", "duration_max", "duration_unit"),
                    "duration_note",
                    "starts",
                ]
            },
        ),
        (
            "Who and how",
            {
                "fields": [
                    "audience",
                    "entry_requirements",
                    "requires_degree_or_registration",
                    "assessment",
                    "outcomes_heading",
                ]
            },
        ),
        ("Endorsement and links", {"fields": ["endorser", "endorsement", "link_text", "url"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("fees")

    @admin.display(description="Length")
    def duration_column(self, course):
        return course.duration_label

    @admin.display(description="Fees (standard)")
    def fee_column(self, course):
        fees = [
            f"{fee.label} {fee.standard_label}" + (f" ({fee.run_label})" if fee.run_label else "")
            for fee in course.fees.all()
        ]
        return "; ".join(fees) or "–"

    @admin.display(description="Public page")
    def page(self, course):
        return format_html('<a href="{}">view</a>', course.get_absolute_url())


@admin.register(Coverage)
class CoverageAdmin(admin.ModelAdmin):
    list_display = ["course", "level", "domain", "competency", "grade", "short_reason"]
    list_filter = ["course", "level", "domain", "grade"]
    search_fields = ["reason", "course__title", "competency__code"]
    list_select_related = ["course", "level", "domain", "competency"]
    autocomplete_fields = ["competency", "course"]

    @admin.display(description="Reason")
    def short_reason(self, row):
        return row.reason[:90]


class KsfGroupInline(LabelledInline):
    model = KsfGroup
    extra = 0
    fields = ["section", "group", "topic", "included", "not_included"]
    # The groups are the framework's structure, as the record gives it (fixtures/ksf.json);
    # admins correct a topic or a count, they do not add or move groups. Text, not
    # inputs, for those two columns also lets the table fit a laptop beside the menu.
    readonly_fields = ["section", "group"]
    max_num = 0
    can_delete = False
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 26})},
    }


@admin.register(KsfMapping)
class KsfMappingAdmin(admin.ModelAdmin):
    """A course's own KSF mapping as its provider's record gives it: counts per group,
    in our words; evidence for coverage, never coverage by itself."""

    list_display = ["course", "practice_level"]
    list_select_related = ["course"]
    search_fields = ["course__title"]
    autocomplete_fields = ["course"]
    inlines = [KsfGroupInline]

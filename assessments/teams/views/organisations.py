"""The organisations a training lead (or a site admin) oversees, and one organisation's
teams with their share achieved."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from imhcf.routers import replica_reads

from ...items import load_framework
from ...models import Team
from ...security import access, audit, roles
from .. import reports
from ..forms import OverviewForm, TeamNameForm


@require_GET
def organisations(request):
    """The organisations whose overview the user sees: a lead's own (straight to it
    when there is one), every one for admins."""
    found = access.organisations(request)
    if not found:
        audit.event("access.refused", request, object="organisations")
        raise Http404("Not found")
    if len(found) == 1 and not roles.who(request).admin:
        return redirect("assessments:organisation", found[0].pk)
    counted = {
        row["organisation"]: row
        for row in Team.objects.filter(organisation__in=found)
        .values("organisation")
        .annotate(teams=Count("pk"))
    }
    rows = [(o, counted.get(o.pk, {}).get("teams", 0)) for o in found]
    return render(request, "assessments/organisations.html", {"rows": rows})


@require_GET
def organisation(request, pk):
    """One organisation's teams, a page at a time, with their share achieved per domain;
    groups of fewer than three people are hidden. For its leads and the site's admins."""
    found = access.organisation(request, pk)
    framework = load_framework()
    form = OverviewForm(request.GET or None)
    filters = form.filters()
    with replica_reads():
        overview = reports.organisation_overview(
            found,
            framework,
            level=filters.get("level") or 1,
            sort=filters.get("sort", "name"),
            search=filters.get("q", ""),
            page=request.GET.get("page"),
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": found,
        "form": form,
        "overview": overview,
        "domains": framework.domains,
        "min_group": reports.MIN_GROUP,
        "query": query.urlencode(),
        "team_form": TeamNameForm(organisation=found),
    }
    return render(request, "assessments/organisation.html", context)

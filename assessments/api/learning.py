"""/api/v1/organisations/<pk>/learning/: a learning platform, a learning record store
or an HR system sends the completions of an organisation's staff, as xAPI 1.0.3
statements, with a write key (or a training lead's session). Each completion whose
learner's proved address is a person on one of the organisation's teams becomes a
proposed training record for that person, who confirms or discards it on her portfolio;
nothing is applied by the call. The same checks, matching and duplicate rules as the
lead's upload page (portfolio/learning_import.py, portfolio/proposals.py)."""

import json

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.importing import ImportProblem

from ..portfolio import learning_import, proposals
from ..security import access, audit
from .organisations.keys import ORGANISATION_AUTH, KeyRateThrottle, SignedInOrKey, key_of
from .organisations.staff import acting_lead

REFUSED_SHOWN = 200  # learners listed back; the rest are counted


class LearningOutcomeSerializer(serializers.Serializer):
    found = serializers.IntegerField(help_text="Completions sent (completed or passed).")
    proposed = serializers.IntegerField(help_text="Proposed records made, to be confirmed.")
    people = serializers.IntegerField(help_text="People they were proposed to.")
    recognised = serializers.IntegerField(help_text="Of those, courses in the catalogue.")
    not_again = serializers.IntegerField(
        help_text="Completions already proposed to, or recorded by, their person: not "
        "proposed again. Which, and why, is theirs to know, not the sender's."
    )
    not_completions = serializers.IntegerField(
        help_text="Statements with another verb (attempted, failed…), left out."
    )
    voided = serializers.ListField(child=serializers.CharField())
    not_members = serializers.ListField(
        child=serializers.CharField(),
        help_text="Learners who are not a person on the organisation's teams (by a proved "
        "address): nothing is proposed for them.",
    )
    more = serializers.BooleanField(
        help_text="The statements said the store holds more: send the rest too."
    )


EXAMPLE = {
    "statements": [
        {
            "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "actor": {"objectType": "Agent", "mbox": "mailto:ana.nurse@trust-a.example"},
            "verb": {
                "id": "http://adlnet.gov/expapi/verbs/completed",
                "display": {"en-GB": "completed"},
            },
            "object": {
                "id": "https://learning.example/courses/infant-observation",
                "definition": {"name": {"en-GB": "Infant observation"}},
            },
            "result": {"completion": True, "duration": "PT6H"},
            "timestamp": "2026-03-05T16:00:00Z",
        }
    ],
    "more": "",
}


class LearningWrite(APIView):
    """Send completed learning as xAPI statements (a StatementResult, or a list of
    statements): each completion of a person on the organisation's teams becomes a
    proposed record she confirms or discards. All or nothing: any problem is a 400
    listing each, by statement, and nothing is proposed."""

    authentication_classes = ORGANISATION_AUTH
    permission_classes = [SignedInOrKey]
    throttle_classes = [KeyRateThrottle]

    @extend_schema(
        operation_id="organisation_learning",
        request=OpenApiTypes.OBJECT,
        responses={200: LearningOutcomeSerializer},
        examples=[OpenApiExample("A StatementResult", value=EXAMPLE, request_only=True)],
    )
    def post(self, request: Request, pk: int) -> Response:
        organisation = access.api_organisation(request, pk, write=True)
        body = json.dumps(request.data).encode()
        key = key_of(request)
        # What the person reads beside the proposal ("by Tess Lead, training lead of Trust
        # A from …"): the key's name says which program sent it.
        source = (
            f"the learning system “{key.name}” (sent by a program)"
            if key
            else "a list sent by a program"
        )
        try:
            read = learning_import.read_xapi(source, body)
            outcome = proposals.bring_in(
                read=read, user=acting_lead(request, organisation), organisation=organisation
            )
        except ImportProblem as problem:
            return Response({"errors": problem.errors}, status=400)
        except proposals.Changed:
            return Response(
                {"errors": ["The same learning was sent at this moment: send it again."]},
                status=409,
            )
        audit.event(
            "organisation.learning_brought_in",
            request._request,
            organisation=organisation.pk,
            proposed=len(outcome.proposed),
            refused=len(outcome.refused),
            via="api",
            key=key.prefix if key else "",
        )
        data = {
            "found": outcome.found,
            "proposed": len(outcome.proposed),
            "people": len({p.user.pk for p in outcome.proposed}),
            "recognised": outcome.recognised,
            "not_again": len(outcome.duplicates),
            "not_completions": outcome.not_completions,
            "voided": outcome.voided,
            "not_members": outcome.refused_learners[:REFUSED_SHOWN],
            "more": outcome.more,
        }
        return Response(LearningOutcomeSerializer(data).data)


urlpatterns = [
    path(
        "organisations/<int:pk>/learning/",
        login_not_required(LearningWrite.as_view()),
        name="organisation_learning",
    ),
]

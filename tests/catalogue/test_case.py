"""The framework as a 1EdTech CASE 1.0 package: the public download and `export_case`
(checked against the published CASE 1.0 JSON binding in tests/catalogue/case/), and a
package read back through the all-or-nothing wording import."""

import json
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from catalogue.case import NAMESPACE
from catalogue.case.export import framework_package
from catalogue.case.reading import read_package
from catalogue.importing import MAX_BYTES, ImportProblem, import_wording
from catalogue.loading import FIXTURE_DIR, load_catalogue
from catalogue.models import Competency, Domain, Wording
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

CASE = "/api/v1/framework/case/"
IMPORT = "admin:catalogue_competency_import"
SWAGGER = Path(__file__).parent / "case" / "case-v1p0-swagger.json"
# Published in every package this site has written: it must never change.
DOCUMENT_ID = "513882ae-0fb1-583b-b8a6-7f3653de7b6c"


def published_schema() -> dict:
    """CASE 1.0's CFPackage as IMS Global's OpenAPI binding defines it."""
    definitions = json.loads(SWAGGER.read_text())["definitions"]
    return {"$ref": "#/definitions/CFPackage.Type", "definitions": definitions}


def items(package, kind=None) -> list[dict]:
    return [i for i in package["CFItems"] if kind is None or i["CFItemType"] == kind]


def item(package, kind, code) -> dict:
    (found,) = [i for i in items(package, kind) if i.get("humanCodingScheme") == code]
    return found


def as_file(package) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2).encode()


def state():
    return (
        list(
            Wording.objects.order_by("pk").values_list(
                "competency__code", "level", "knowledge", "ability", "is_summary", "source"
            )
        ),
        list(Domain.objects.values_list("number", "declared_size")),
        list(Competency.objects.values_list("code", "heading")),
    )


def word_domain_one(level=1):
    """The framework's words (made up here) for every competency of domain 1 at `level`."""
    for competency in Competency.objects.filter(domain=1):
        Wording.objects.update_or_create(
            competency=competency,
            level_id=level,
            defaults={
                "knowledge": f"Knowledge of {competency.code}.",
                "ability": f"Ability to use it, {competency.code}.",
                "is_summary": False,
            },
        )


# The export -------------------------------------------------------------------------


def test_the_download_is_a_package_the_published_case_schema_accepts(client, catalogue):
    response = client.get(CASE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="imhcf-case-1.0.json"'
    package = json.loads(response.content)
    validator = Draft4Validator(published_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(package)] == []
    # jsonschema checks date-time here but not uri: every uri is absolute.
    uris = [package["CFDocument"]["uri"]]
    uris += [i["uri"] for i in package["CFItems"]] + [a["uri"] for a in package["CFAssociations"]]
    assert all(urlsplit(uri).scheme in ("http", "https", "urn") for uri in uris)
    assert {urlsplit(uri).netloc for uri in uris if uri.startswith("http")} == {"127.0.0.1:8000"}


def test_the_schema_test_would_catch_a_package_that_breaks_it(catalogue):
    package = framework_package()
    del package["CFDocument"]["creator"]
    package["CFItems"][0]["identifier"] = "not-a-uuid"
    package["CFItems"][1]["colour"] = "blue"
    messages = [e.message for e in Draft4Validator(published_schema()).iter_errors(package)]
    assert len(messages) == 3, messages


def test_the_package_holds_the_levels_domains_competencies_and_wording_the_api_shows(
    client, catalogue
):
    package = framework_package()
    api = client.get("/api/v1/framework/").json()
    assert [i["humanCodingScheme"] for i in items(package, "Level")] == [
        "Level 1",
        "Level 2",
        "Level 3",
    ]
    assert [i["fullStatement"] for i in items(package, "Domain")] == [
        d["name"] for d in api["domains"]
    ]
    assert [i["humanCodingScheme"] for i in items(package, "Competency")] == [
        c["code"] for d in api["domains"] for c in d["competencies"]
    ]
    assert item(package, "Competency", "1.01")["conceptKeywords"] == ["Collaborative working"]
    # 1.07 at level 1 is quoted from the framework; 1.01 at level 1 is our summary.
    observing = api["domains"][0]["competencies"][6]["wordings"][0]
    assert item(package, "Knowledge", "1.07 L1")["fullStatement"] == observing["knowledge"]
    assert item(package, "Ability", "1.07 L1")["fullStatement"] == observing["ability"]
    summary = item(package, "Knowledge (our summary)", "1.01 L1")
    assert summary["notes"] == "Our summary, not the framework's words."
    assert not items(package, "Knowledge")[1:]  # the framework's words: 1.07 alone
    assert len(package["CFItems"]) == 3 + 7 + 10 + 4


def test_the_document_says_who_made_the_framework_and_where_each_fact_comes_from(catalogue):
    document = framework_package()["CFDocument"]
    definitions = framework_package()["CFDefinitions"]
    assert document["creator"] == document["publisher"] == "AIMH (UK) and ITSIEY"
    assert document["title"].startswith("Infant Mental Health Competencies Framework")
    assert "made by this site (http://127.0.0.1:8000)" in document["notes"]
    assert "The full text of the framework belongs to its publishers." in document["notes"]
    assert "the wording of 1 of 63 competencies" in document["notes"]
    assert "Where these facts come from: The framework's introduction" in document["notes"]
    assert "year of publication (2019) only" in document["notes"]
    assert document["lastChangeDateTime"] == "2019-01-01T00:00:00+00:00"
    (licence,) = definitions["CFLicenses"]
    assert licence["identifier"] == document["licenseURI"]["identifier"]
    assert licence["licenseText"].startswith("The full text of the framework belongs")
    assert "officialSourceURL" not in document  # the site holds no address for it


def test_the_structure_is_linked_competency_to_domain_to_document(catalogue):
    package = framework_package()
    ids = {i["identifier"]: i.get("humanCodingScheme") for i in package["CFItems"]}
    ids[package["CFDocument"]["identifier"]] = "document"
    links = {
        (ids[a["originNodeURI"]["identifier"]], a["associationType"])
        : ids[a["destinationNodeURI"]["identifier"]]
        for a in package["CFAssociations"]
    }  # fmt: skip
    assert links[("1.07", "isChildOf")] == "1"
    assert links[("1", "isChildOf")] == "document"
    assert links[("Level 2", "isChildOf")] == "document"
    assert links[("Level 1", "precedes")] == "Level 2"
    knowledge = item(package, "Knowledge", "1.07 L1")["identifier"]
    assert [
        (a["associationType"], ids[a["destinationNodeURI"]["identifier"]])
        for a in package["CFAssociations"]
        if a["originNodeURI"]["identifier"] == knowledge
    ] == [("isChildOf", "1.07"), ("hasSkillLevel", "Level 1")]


def test_identifiers_come_from_codes_not_database_ids(catalogue):
    before = framework_package()
    assert before["CFDocument"]["identifier"] == DOCUMENT_ID
    assert item(before, "Competency", "1.07")["identifier"] == str(
        uuid.uuid5(NAMESPACE, "imhcf/competency/1.07")
    )
    # Rows saved again under new database ids: the round trip below.


def test_the_download_costs_five_queries_however_large_the_framework(client, catalogue):
    assert count_queries(client, CASE) == 5
    for domain in Domain.objects.filter(number__in=[2, 3]):
        for n in range(1, 10):
            competency = Competency.objects.create(code=f"{domain.number}.{n:02d}", domain=domain)
            for level in (1, 2, 3):
                Wording.objects.create(
                    competency=competency, level_id=level, knowledge="K", ability="A"
                )
    assert count_queries(client, CASE) == 5


def test_the_command_writes_what_the_download_gives(client, catalogue, tmp_path):
    path = tmp_path / "imhcf.json"
    call_command("export_case", str(path))
    assert path.read_bytes() == client.get(CASE).content


def test_the_download_is_in_the_api_description_and_open_to_anyone(client, catalogue):
    description = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = description["paths"]["/api/v1/framework/case/"]["get"]
    assert operation["operationId"] == "framework_case"
    assert "security" not in operation or operation["security"] in ([], [{}])
    assert client.post(CASE).status_code == 405


# The round trip ---------------------------------------------------------------------


def test_a_package_imported_into_an_empty_framework_exports_the_same(db):
    """Empty: the framework, its levels and domains as shipped (which the import cannot
    create), with no competency, no wording and no domain size known."""
    load_catalogue([FIXTURE_DIR / "framework.json"])
    first = as_file(framework_package())
    Competency.objects.all().delete()  # and their wording
    Domain.objects.update(declared_size=None)

    result = import_wording("imhcf-case-1.0.json", first)

    assert result.competencies_created == 10
    assert Domain.objects.get(number=1).declared_size == 10
    assert Wording.objects.get(competency__code="1.07").is_summary is False
    assert Wording.objects.get(competency__code="1.01").is_summary is True
    assert as_file(framework_package()) == first


# The import -------------------------------------------------------------------------


def test_admin_imports_a_package_with_the_official_wording(client, admin_user, catalogue):
    word_domain_one(level=2)
    package = as_file(framework_package())
    Wording.objects.filter(level=2).delete()
    client.force_login(admin_user)
    upload = SimpleUploadedFile("ours.json", package, content_type="application/json")
    response = client.post(reverse(IMPORT), {"file": upload}, follow=True)
    assert "Imported wording for domain 1: 0 new competencies, 10 new" in (
        response.content.decode()
    )
    assert Wording.objects.get(competency__code="1.04", level=2).knowledge == ("Knowledge of 1.04.")
    assert Wording.objects.get(competency__code="1.04", level=2).source.startswith(
        "Imported from ours.json"
    )


def test_our_summary_in_a_package_never_replaces_wording_the_site_holds(catalogue):
    word_domain_one(level=1)
    package = framework_package()
    for part in items(package, "Knowledge") + items(package, "Ability"):
        part["CFItemType"] += " (our summary)"
        part["fullStatement"] = "Our gist."
    import_wording("summaries.json", as_file(package))
    assert not Wording.objects.filter(knowledge="Our gist.").exists()
    assert Wording.objects.get(competency__code="1.07", level=1).is_summary is False


def broken(change) -> bytes:
    package = framework_package()
    change(package)
    return as_file(package)


def empty_statement(package):
    item(package, "Ability", "1.07 L1")["fullStatement"] = "  "


def another_competency(package, code):
    """A copy of 1.10's item and its link to domain 1, with `code`."""
    extra = dict(item(package, "Competency", "1.10"), humanCodingScheme=code)
    extra["identifier"] = str(uuid.uuid5(NAMESPACE, f"test/{code}"))
    package["CFItems"].append(extra)
    link = next(a for a in package["CFAssociations"] if a["originNodeURI"]["title"] == "1.10")
    package["CFAssociations"].append(
        {**link, "originNodeURI": {**link["originNodeURI"], "identifier": extra["identifier"]}}
    )


def orphan_knowledge(package):
    ability = item(package, "Ability", "1.07 L1")["identifier"]
    package["CFAssociations"] = [
        a for a in package["CFAssociations"] if a["originNodeURI"]["identifier"] != ability
    ]


BAD_PACKAGES = {
    "a_code_twice": (
        lambda: broken(lambda p: another_competency(p, "1.10")),
        "(Competency 1.10), humanCodingScheme: 1.10 is already another item's",
    ),
    "not_json": (b'{"CFDocument": ', "bad.json: not readable JSON (line 1, column 16"),
    "not_utf8": (b"\xff\xfe{}", "bad.json: not UTF-8 text"),
    "a_list": (b"[]", "bad.json: not a CASE package"),
    "items_not_a_list": (b'{"CFDocument": {}, "CFItems": {}}', "bad.json: CFItems is not a list"),
    "too_deep": (b"[" * 100_000 + b"]" * 100_000, "bad.json: not readable JSON"),
    "number_too_long": (b'{"CFDocument": {}, "CFItems": [' + b"9" * 5000 + b"]}", "not readable"),
    "empty_statement": (
        lambda: broken(empty_statement),
        "(Ability 1.07 L1), fullStatement: empty",
    ),
    "unknown_competency": (
        lambda: broken(lambda p: another_competency(p, "1.11")),
        "bad.json: domain 1 has 10 competencies; the file lists 11",
    ),
    "no_parent": (
        lambda: broken(orphan_knowledge),
        "(Ability 1.07 L1), isChildOf: must point to exactly one competency",
    ),
    "unknown_type": (
        lambda: broken(lambda p: item(p, "Domain", "3").update(CFItemType="Strand")),
        "CFItemType: “Strand” is not one of Level, Domain, Competency",
    ),
    "too_large": (b" " * (MAX_BYTES + 1), "bad.json: larger than 5 MB"),
}


@pytest.mark.parametrize("case", sorted(BAD_PACKAGES))
def test_a_bad_package_changes_nothing_and_names_the_item_and_field(catalogue, tmp_path, case):
    content, expected = BAD_PACKAGES[case]
    if callable(content):  # built from the framework's own package
        content = content()
    before = state()
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("import_framework", str(path))
    assert expected in str(caught.value)
    assert "Nothing was imported." in str(caught.value)
    assert state() == before


def test_admin_lists_a_package_s_problems_at_the_top_and_saves_nothing(
    client, admin_user, catalogue
):
    client.force_login(admin_user)
    before = state()
    upload = SimpleUploadedFile("bad.json", broken(empty_statement))
    response = client.post(reverse(IMPORT), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was changed" in page
    assert "(Ability 1.07 L1), fullStatement: empty" in page
    assert page.index("errornote") < page.index('type="file"')
    assert state() == before


def test_admin_says_a_file_that_is_not_json_is_not_readable_never_an_error_page(
    client, admin_user, catalogue
):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("notes.json", b"code,level\n1.07,1\n")
    response = client.post(reverse(IMPORT), {"file": upload})
    assert response.status_code == 200
    assert "notes.json: not readable JSON (line 1, column 1" in response.content.decode()


def test_a_package_as_a_case_service_sends_it_is_read_too(catalogue):
    word_domain_one(level=3)
    package = framework_package()
    Wording.objects.filter(level=3).delete()
    result = import_wording("service.json", as_file({"CFPackage": package}))
    assert result.wordings_created == 10
    assert framework_package() == package


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=20,
    ),
    st.sampled_from(["CFItems", "CFAssociations", "CFDocument"]),
)
def test_whatever_a_package_holds_reading_it_gives_rows_or_named_problems(junk, where):
    package = {"CFDocument": {}, "CFItems": [], "CFAssociations": [], where: junk}
    try:
        read_package("junk.json", as_file(package))
    except ImportProblem as problem:
        assert all(error.startswith("junk.json") for error in problem.errors)


def test_admin_refuses_a_package_over_the_upload_limit_beside_the_field(
    client, admin_user, catalogue
):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("big.json", b" " * (MAX_BYTES + 1))
    response = client.post(reverse(IMPORT), {"file": upload})
    assert response.status_code == 200
    assert "The file is larger than 5 MB" in response.content.decode()


def test_every_problem_of_a_package_is_listed_not_only_the_first(catalogue):
    package = framework_package()
    item(package, "Knowledge", "1.07 L1")["fullStatement"] = ""
    item(package, "Level", "Level 3")["humanCodingScheme"] = "Level 4"
    with pytest.raises(ImportProblem) as caught:
        import_wording("two.json", as_file(package))
    assert len(caught.value.errors) == 2, caught.value.errors
    assert "(Knowledge 1.07 L1), fullStatement: empty" in caught.value.errors[1]
    assert (
        "(Level Level 4), humanCodingScheme: “Level 4” is not Level 1" in (caught.value.errors[0])
    )


def test_the_queries_of_an_export_are_those_of_the_api_and_no_more(catalogue):
    with CaptureQueriesContext(connection) as queries:
        framework_package()
    assert len(queries) == 5

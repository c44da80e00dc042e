"""Real laureates and generated candidates through the API: the new Project fields, the new
filters, the laureates summary per region and territory, and old queries unchanged."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Row, insert, select, update
from strawberry import relay

from data.laureates import LAUREATES_FILE, read_laureates
from data.reference import load_geography
from models import Award, Project
from models.db import make_engine
from server import create_app
from settings import Settings
from tests.conftest import REAL_DATA, needs_real_data
from tests.schema.conftest import _project, build_db
from tests.schema.helpers import gql
from tests.schema.test_queries import count_statements

FIGURES = {
    "investment": "investment_eur",
    "aidRequested": "aid_requested_eur",
    "jobsCreated": "jobs_created",
    "jobsKept": "jobs_kept",
    "co2Avoided": "co2_avoided_t",
}
FIGURE = "value source low high unit"
SIZES = {
    "TPE / PME": "TPE_PME",
    "ETI": "ETI",
    "GE": "GE",
    "Association": "ASSOCIATION",
    "Autre": "AUTRE",
    None: None,
}
PROJECT_FIELDS = f"""
  id name origin laureateId recordDate employees sector regionCode communeCode
  company {{ name siren size }}
  location {{ communeCode departmentCode regionCode postalCode latitude longitude precision
             densityLevel }}
  territory {{ id }} phase2Territory {{ id }}
  figures {{ {" ".join(f"{name} {{ {FIGURE} }}" for name in FIGURES)} }}
"""
ALL_PROJECTS = f"{{ projects(first: 100) {{ totalCount nodes {{ {PROJECT_FIELDS} }} }} }}"


async def add_outside_laureates(url: str) -> None:
    """Laureates in no territory: one located to its department only, one by GPS."""
    department_only = _project(1001, 0, 0, "unused", "84") | {
        "territory_id": None,
        "commune_code": None,
        "postal_code": None,
        "latitude": None,
        "longitude": None,
        "location_precision": "department",
        "density_level": None,
    }
    by_gps = _project(1005, 0, 1, "unused", "53") | {"territory_id": None}
    assert by_gps["location_precision"] == "gps"
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(insert(Project), [department_only, by_gps])
    await engine.dispose()


async def project_rows(url: str) -> list[Row[Any]]:
    engine = make_engine(url)
    async with engine.connect() as connection:
        rows = list(await connection.execute(select(*Project.__table__.c).order_by(Project.id)))
    await engine.dispose()
    return rows


@pytest.fixture
async def db(tmp_path: Path) -> str:
    url = await build_db(tmp_path / "laureates.db", territories=6, projects_per_territory=4)
    await add_outside_laureates(url)
    return url


@pytest.fixture
async def api(db: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=db))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
    await app.state.engine.dispose()


def territory_gid(territory_id: str | None) -> dict[str, str] | None:
    return None if territory_id is None else {"id": str(relay.GlobalID("Territory", territory_id))}


def expected_project(row: Row[Any]) -> dict[str, Any]:
    """What the API must say of a project row."""
    laureate = row.origin == "laureate"
    return {
        "id": str(relay.GlobalID("Project", str(row.id))),
        "name": row.name,
        "origin": row.origin.upper(),
        "laureateId": row.laureate_id,
        "recordDate": None if row.record_date is None else row.record_date.isoformat(),
        "employees": row.employees,
        "sector": row.sector,
        "regionCode": row.region_code,
        "communeCode": row.commune_code,
        "company": (
            {
                "name": row.company_name,
                "siren": row.siren,
                "size": SIZES[row.company_size],
            }
            if laureate
            else None
        ),
        "location": {
            "communeCode": row.commune_code,
            "departmentCode": row.department_code,
            "regionCode": row.region_code,
            "postalCode": row.postal_code,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "precision": row.location_precision.upper(),
            "densityLevel": row.density_level,
        },
        "territory": territory_gid(row.territory_id),
        "phase2Territory": territory_gid(row.phase2_territory_id),
        "figures": {
            name: {
                "value": getattr(row, column),
                "source": getattr(row, f"{column}_source").upper(),
                "low": getattr(row, f"{column}_low"),
                "high": getattr(row, f"{column}_high"),
                "unit": "EUROS"
                if column.endswith("_eur")
                else "JOBS"
                if "jobs" in column
                else ("TONNES_CO2E_PER_YEAR"),
            }
            for name, column in FIGURES.items()
        },
    }


async def test_projects_expose_origin_company_location_and_figures(
    api: httpx.AsyncClient, db: str
) -> None:
    body = await gql(api, ALL_PROJECTS)
    assert "errors" not in body, body
    rows = await project_rows(db)
    assert body["data"]["projects"]["nodes"] == [expected_project(row) for row in rows]
    origins = {row.origin for row in rows}
    precisions = {row.location_precision for row in rows}
    sources = {row.jobs_created_source for row in rows}
    # The fixture exercises every kind the types can say.
    assert origins == {"laureate", "generated"}
    assert precisions == {"gps", "postal_code", "department", "generated"}
    assert sources == {"stated", "estimated", "generated"}


async def test_a_laureate_outside_every_territory_has_none(api: httpx.AsyncClient) -> None:
    gid = str(relay.GlobalID("Project", "1001"))
    body = await gql(
        api,
        """query($id: ID!) { project(id: $id) { origin communeCode territory { id }
             location { communeCode departmentCode regionCode precision } } }""",
        id=gid,
    )
    assert "errors" not in body, body
    assert body["data"] == {
        "project": {
            "origin": "LAUREATE",
            "communeCode": None,
            "territory": None,
            "location": {
                "communeCode": None,
                "departmentCode": "01",
                "regionCode": "84",
                "precision": "DEPARTMENT",
            },
        }
    }


async def test_node_resolves_a_laureate(api: httpx.AsyncClient, db: str) -> None:
    row = next(row for row in await project_rows(db) if row.origin == "laureate")
    body = await gql(
        api,
        f"""query($id: ID!) {{ node(id: $id) {{ __typename ... on Project {{ {PROJECT_FIELDS} }}
             }} }}""",
        id=str(relay.GlobalID("Project", str(row.id))),
    )
    assert body["data"]["node"] == {"__typename": "Project", **expected_project(row)}


FILTERED = """query($filter: ProjectFilter) { projects(first: 100, filter: $filter) {
    totalCount nodes { id } } }"""


@pytest.mark.parametrize(
    ("given", "keep"),
    [
        pytest.param({"origin": "LAUREATE"}, lambda r: r.origin == "laureate", id="laureates"),
        pytest.param({"origin": "GENERATED"}, lambda r: r.origin == "generated", id="generated"),
        pytest.param({"companySize": "ETI"}, lambda r: r.company_size == "ETI", id="size"),
        pytest.param(
            {"companySize": "TPE_PME"}, lambda r: r.company_size == "TPE / PME", id="size-spaced"
        ),
        pytest.param({"departmentCode": "35"}, lambda r: r.department_code == "35", id="dept"),
        pytest.param({"departmentCode": "2A"}, lambda r: False, id="dept-corsica-none"),
        pytest.param(
            {"origin": "LAUREATE", "departmentCode": "01", "sector": "chimie"},
            lambda r: r.origin == "laureate" and r.department_code == "01" and r.sector == "chimie",
            id="origin-dept-sector",
        ),
        pytest.param(
            {"origin": "GENERATED", "companySize": "GE"},
            lambda r: False,
            id="generated-have-no-size",
        ),
        pytest.param(
            {"origin": "LAUREATE", "fragile": True, "regionCode": "53"},
            lambda r: r.origin == "laureate" and r.fragile and r.region_code == "53",
            id="origin-fragile-region",
        ),
    ],
)
async def test_project_filters_on_origin_size_and_department(
    api: httpx.AsyncClient, db: str, given: dict[str, str], keep: Any
) -> None:
    rows = await project_rows(db)
    expected = [str(relay.GlobalID("Project", str(row.id))) for row in rows if keep(row)]
    body = await gql(api, FILTERED, filter=given)
    assert "errors" not in body, body
    projects = body["data"]["projects"]
    assert [node["id"] for node in projects["nodes"]] == expected
    assert projects["totalCount"] == len(expected)


def in_territory(row: Row[Any], territory_id: str) -> bool:
    """Whether the project lies in the territory, of phase 1 or 2."""
    return territory_id in (row.territory_id, row.phase2_territory_id)


async def test_a_territory_lists_its_projects_of_either_phase(
    api: httpx.AsyncClient, db: str
) -> None:
    query = """{ regions { territories { id phase laureates { count }
        projects(first: 100) { totalCount nodes { id } }
        laureatesOnly: projects(first: 100, filter: {origin: LAUREATE}) { totalCount } } } }"""
    body = await gql(api, query)
    assert "errors" not in body, body
    rows = await project_rows(db)
    territories = [t for r in body["data"]["regions"] for t in r["territories"]]
    for territory in territories:
        tid = relay.GlobalID.from_id(territory["id"]).node_id
        members = [r for r in rows if in_territory(r, tid)]
        ids = [str(relay.GlobalID("Project", str(r.id))) for r in members]
        assert [node["id"] for node in territory["projects"]["nodes"]] == ids
        assert territory["projects"]["totalCount"] == len(ids)
        laureates = sum(r.origin == "laureate" for r in members)
        assert territory["laureatesOnly"]["totalCount"] == laureates
        assert territory["laureates"]["count"] == laureates
    # A phase-2 territory lists laureates whose territory is of phase 1.
    assert any(t["phase"] == 2 and t["projects"]["totalCount"] > 4 for t in territories), (
        territories
    )


async def test_territory_and_phase_filters_see_phase_2_territories(
    api: httpx.AsyncClient, db: str
) -> None:
    rows = await project_rows(db)
    phase2 = next(r.phase2_territory_id for r in rows if r.phase2_territory_id)
    gid = str(relay.GlobalID("Territory", phase2))
    body = await gql(api, FILTERED, filter={"territoryId": gid})
    expected = [str(relay.GlobalID("Project", str(r.id))) for r in rows if in_territory(r, phase2)]
    assert [node["id"] for node in body["data"]["projects"]["nodes"]] == expected
    assert any(r.territory_id != phase2 for r in rows if in_territory(r, phase2))
    body = await gql(api, FILTERED, filter={"phase": 2})
    expected = [
        str(relay.GlobalID("Project", str(r.id)))
        for r in rows
        if str(r.territory_id).startswith("p2-") or r.phase2_territory_id
    ]
    assert [node["id"] for node in body["data"]["projects"]["nodes"]] == expected


@pytest.mark.parametrize("code", ["1", "0001", "ab", "2C", " 01", "97x"])
async def test_a_malformed_department_code_is_a_user_error(
    api: httpx.AsyncClient, code: str
) -> None:
    body = await gql(api, FILTERED, filter={"departmentCode": code})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("filter.departmentCode:")
    assert repr(code) in error["message"]


async def test_an_unknown_origin_or_size_is_refused_by_validation(
    api: httpx.AsyncClient,
) -> None:
    for given in ({"origin": "REAL"}, {"companySize": "TPE / PME"}):
        body = await gql(api, FILTERED, filter=given)
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"


# The README's first query and the nested query of tests/schema/test_queries.py, as written
# before the laureates: same fields, same shape of answer.
OLD_QUERY = """{
  regions {
    code name
    territories(phase: 1) {
      id name
      projects(first: 2) {
        totalCount
        edges { node { id name aidRequestedEur jobsCreated fragile } }
      }
    }
  }
  projects(first: 3, filter: {fragile: true, sector: "chimie"}, orderBy: AID_REQUESTED_DESC) {
    totalCount
    nodes { id name sector regionCode communeCode investmentEur aidRequestedEur jobsCreated
            jobsKept decarbonisation co2AvoidedT fragile qpv zrr acv: actionCoeurDeVille
            territory { id name phase regionCode } awards { amountEur fund { name } } }
  }
}"""


async def test_a_query_written_before_the_laureates_keeps_its_answer(
    api: httpx.AsyncClient, db: str
) -> None:
    body = await gql(api, OLD_QUERY)
    assert "errors" not in body, body
    data = body["data"]
    assert set(data) == {"regions", "projects"}
    rows = {row.id: row for row in await project_rows(db)}
    for region in data["regions"]:
        assert set(region) == {"code", "name", "territories"}
        for territory in region["territories"]:
            assert set(territory) == {"id", "name", "projects"}
            assert set(territory["projects"]) == {"totalCount", "edges"}
            for edge in territory["projects"]["edges"]:
                node = edge["node"]
                row = rows[int(relay.GlobalID.from_id(node["id"]).node_id)]
                assert node == {
                    "id": node["id"],
                    "name": row.name,
                    "aidRequestedEur": row.aid_requested_eur,
                    "jobsCreated": row.jobs_created,
                    "fragile": row.fragile,
                }
    projects = data["projects"]
    assert set(projects) == {"totalCount", "nodes"}
    assert projects["totalCount"] == sum(r.fragile and r.sector == "chimie" for r in rows.values())
    for node in projects["nodes"]:
        row = rows[int(relay.GlobalID.from_id(node["id"]).node_id)]
        assert node["investmentEur"] == row.investment_eur
        assert node["co2AvoidedT"] == row.co2_avoided_t
        assert node["zrr"] == row.zrr and node["qpv"] == row.qpv
        assert node["territory"]["id"] == str(relay.GlobalID("Territory", row.territory_id))
        assert set(node["territory"]) == {"id", "name", "phase", "regionCode"}


SUMMARY = """laureates { count located statedAidEur estimatedAidEur aidLowEur aidHighEur
    jobsCreated jobsCreatedStated jobsCreatedLow jobsCreatedHigh }"""
SUMMARIES = f"{{ regions {{ code {SUMMARY} territories {{ id {SUMMARY} }} }} }}"


def summary(rows: list[Row[Any]]) -> dict[str, int]:
    """The laureates summary of `rows`, in Python."""
    laureates = [row for row in rows if row.origin == "laureate"]

    def total(column: str, source: str | None = None) -> int:
        return sum(
            getattr(row, column)
            for row in laureates
            if source is None
            or getattr(row, f"{column.removesuffix('_low').removesuffix('_high')}_source") == source
        )

    return {
        "count": len(laureates),
        "located": sum(row.location_precision == "gps" for row in laureates),
        "statedAidEur": total("aid_requested_eur", "stated"),
        "estimatedAidEur": total("aid_requested_eur", "estimated"),
        "aidLowEur": total("aid_requested_eur_low"),
        "aidHighEur": total("aid_requested_eur_high"),
        "jobsCreated": total("jobs_created"),
        "jobsCreatedStated": total("jobs_created", "stated"),
        "jobsCreatedLow": total("jobs_created_low"),
        "jobsCreatedHigh": total("jobs_created_high"),
    }


async def test_laureate_summaries_are_the_sums_of_the_rows(api: httpx.AsyncClient, db: str) -> None:
    body = await gql(api, SUMMARIES)
    assert "errors" not in body, body
    rows = await project_rows(db)
    checked_outside = False
    for region in body["data"]["regions"]:
        in_region = [row for row in rows if row.region_code == region["code"]]
        assert region["laureates"] == summary(in_region)
        checked_outside |= any(row.territory_id is None for row in in_region)
        for territory in region["territories"]:
            tid = relay.GlobalID.from_id(territory["id"]).node_id
            members = [r for r in rows if tid in (r.territory_id, r.phase2_territory_id)]
            assert territory["laureates"] == summary(members)
    # Regions count their laureates outside every territory too.
    assert checked_outside
    # Some laureate lies in a phase-1 and a phase-2 territory: counted in both.
    assert any(r.territory_id and r.phase2_territory_id for r in rows)


async def test_an_empty_territory_has_a_zero_summary(tmp_path: Path) -> None:
    url = await build_db(tmp_path / "empty.db", territories=2, projects_per_territory=0)
    app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        body = await gql(http, SUMMARIES)
    await app.state.engine.dispose()
    zero = dict.fromkeys(summary([]), 0)
    assert [r["laureates"] for r in body["data"]["regions"]] == [zero, zero]
    assert all(t["laureates"] == zero for r in body["data"]["regions"] for t in r["territories"])


async def test_laureate_summaries_issue_a_fixed_number_of_statements(tmp_path: Path) -> None:
    small = await build_db(tmp_path / "a.db", territories=3, projects_per_territory=2)
    large = await build_db(tmp_path / "b.db", territories=60, projects_per_territory=30)
    assert await count_statements(small, SUMMARIES) == await count_statements(large, SUMMARIES)
    # data version, regions, territories, one summary statement for the regions, one for the
    # territories
    assert await count_statements(large, SUMMARIES) <= 5


@needs_real_data
async def test_seeded_laureates_per_region_are_the_file_rows_less_the_skipped(
    seeded_db_url: str,
) -> None:
    path = REAL_DATA / LAUREATES_FILE
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    _, problems = read_laureates(path, load_geography(REAL_DATA))
    skipped_rows = set()
    for problem in problems:
        if not problem.kept:
            found = re.search(r", row ([0-9]+),", problem.message)
            assert found, problem.message
            skipped_rows.add(int(found[1]))
    skipped = Counter(rows[row - 2]["code_region"] for row in skipped_rows)  # header: row 1
    in_file = Counter(row["code_region"] for row in rows)
    expected = {code: in_file[code] - skipped[code] for code in in_file}
    assert sum(expected.values()) > 1_000
    query = "query($code: String!) { region(code: $code) { laureates { count } } }"
    total = "{ projects(first: 0, filter: {origin: LAUREATE}) { totalCount } }"
    app = create_app(Settings(database_url=seeded_db_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        counts = {}
        for code in expected:
            body = await gql(http, query, code=code)
            assert "errors" not in body, body
            counts[code] = body["data"]["region"]["laureates"]["count"]
        data = (await gql(http, total))["data"]
    await app.state.engine.dispose()
    assert counts == expected
    assert data["projects"]["totalCount"] == sum(expected.values())


async def test_every_seeded_project_reads_through_the_new_fields(seeded_db_url: str) -> None:
    """The seed writes only values the enums know (origin, size, precision, sources)."""
    query = f"""query($after: String) {{ projects(first: 100, after: $after) {{
        pageInfo {{ hasNextPage endCursor }} nodes {{ {PROJECT_FIELDS} }} }} }}"""
    app = create_app(Settings(database_url=seeded_db_url))
    transport = httpx.ASGITransport(app=app)
    seen: list[dict[str, Any]] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        after = None
        while True:
            body = await gql(http, query, after=after)
            assert "errors" not in body, body["errors"][:3]
            page = body["data"]["projects"]
            seen += page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    await app.state.engine.dispose()
    rows = await project_rows(seeded_db_url)
    assert seen == [expected_project(row) for row in rows]


async def test_an_award_says_whether_its_amount_is_stated_or_estimated(seeded_db_url: str) -> None:
    """No amount is published per laureate: an award of the aid figure carries its source and
    range; an amount recorded otherwise is stated."""
    query = """{ projects(first: 100, filter: {funded: true}) { nodes {
        figures { aidRequested { value source low high } }
        awards { amountEur amount { value source low high unit } } } } }"""
    app = create_app(Settings(database_url=seeded_db_url))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        body = await gql(http, query)
    await app.state.engine.dispose()
    assert "errors" not in body, body
    nodes = body["data"]["projects"]["nodes"]
    assert nodes
    sources = set()
    for node in nodes:
        (award,) = node["awards"]
        aid = node["figures"]["aidRequested"]
        assert award["amountEur"] == aid["value"]
        assert award["amount"] == aid | {"unit": "EUROS"}
        sources.add(award["amount"]["source"])
    assert sources <= {"ESTIMATED", "STATED", "GENERATED"} and sources != {"STATED"}


async def test_an_award_of_another_amount_is_a_stated_fact(tmp_path: Path) -> None:
    url = await build_db(tmp_path / "awards.db", territories=1, projects_per_territory=2)
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(update(Award).values(amount_eur=Award.amount_eur - 1_000))
    await engine.dispose()
    app = create_app(Settings(database_url=url))
    transport = httpx.ASGITransport(app=app)
    query = """{ projects(first: 10) { nodes {
        awards { amountEur amount { value source low high } } } } }"""
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        body = await gql(http, query)
    await app.state.engine.dispose()
    awards = [a for node in body["data"]["projects"]["nodes"] for a in node["awards"]]
    assert awards
    for award in awards:
        value = float(award["amountEur"])
        assert award["amount"] == {"value": value, "source": "STATED", "low": value, "high": value}

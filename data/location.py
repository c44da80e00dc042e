"""Where each of the fund's laureates is (``data.laureates`` reads them): ``locate`` places each
in a commune and in its phase-1 and phase-2 territories:

- territory: the outline holding its GPS position (``data.outlines``), accepted only when that
  territory's region is the laureate's; else the territory whose member intercommunalities hold
  its commune; else none (the measure was not limited to the programme's territories);
- commune: a commune of its postal code in its department; when the code serves several, the
  one in the territory of the GPS position, else the most populous;
- fragility: QPV, Action coeur de ville or a rural level of the density grid in that commune.

``python -m data.location`` reads and locates the real file and prints the counts and the
fragile share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from data.geography import Geography
from data.laureates import LAUREATES_FILE, Laureate, Problem, read_laureates
from data.outlines import Outlines

PRECISIONS = ("gps", "postal_code", "department")


@dataclass(frozen=True)
class Location:
    commune_code: str | None
    territory_id: str | None
    phase2_territory_id: str | None
    precision: str  # one of PRECISIONS
    latitude: float | None
    longitude: float | None
    qpv: bool
    action_coeur_de_ville: bool
    rural: bool
    density_level: str | None

    @property
    def fragile(self) -> bool:
        return self.qpv or self.action_coeur_de_ville or self.rural


class _Places:
    """The lookups that ``locate`` needs, built once from the geography."""

    def __init__(self, geography: Geography) -> None:
        self.communes = {c.code: c for c in geography.communes}
        self.postal_codes = geography.postal_codes
        self.region_of = {t.id: t.region_code for t in geography.territories}
        epci = {c.epci_siren for c in geography.communes if c.epci_siren}
        # commune -> territories of each phase whose members hold it. A territory none of whose
        # members is a known EPCI or commune (e.g. the Grand Paris EPTs) has only a whole-
        # department stand-in for its communes: it is left out rather than guessed.
        self.members: dict[int, dict[str, list[str]]] = {1: {}, 2: {}}
        self.member_communes: dict[str, frozenset[str]] = {}
        for territory in geography.territories:
            if not any(m.siren in epci or m.siren.startswith("21") for m in territory.members):
                continue
            self.member_communes[territory.id] = frozenset(territory.commune_codes)
            for code in territory.commune_codes:
                self.members[territory.phase].setdefault(code, []).append(territory.id)

    def commune(self, laureate: Laureate, gps_territories: list[str]) -> str | None:
        candidates = [
            code
            for code in self.postal_codes.get(laureate.postal_code or "", ())
            if self.communes[code].department_code == laureate.department_code
        ]
        for territory_id in gps_territories:
            inside = [c for c in candidates if c in self.member_communes.get(territory_id, ())]
            if inside:
                candidates = inside
                break
        if not candidates:
            return None
        return max(candidates, key=lambda c: (self.communes[c].population, c))

    def member_territory(self, phase: int, commune: str | None, region: str) -> str | None:
        territories = self.members[phase].get(commune or "", [])
        same_region = [t for t in territories if self.region_of.get(t) == region]
        return _first(same_region or territories)


def _first(items: Sequence[str]) -> str | None:
    return items[0] if items else None


def locate(
    laureates: Sequence[Laureate], geography: Geography, outlines: Outlines
) -> list[Location]:
    """One ``Location`` per laureate, in the same order."""
    places = _Places(geography)
    placed = [i for i, la in enumerate(laureates) if la.latitude is not None]
    longitudes = [laureates[i].longitude or 0.0 for i in placed]
    latitudes = [laureates[i].latitude or 0.0 for i in placed]
    inside: dict[int, list[tuple[str, ...]]] = {phase: [()] * len(laureates) for phase in (1, 2)}
    for phase in (1, 2):
        for i, ids in zip(placed, outlines.containing(phase, longitudes, latitudes), strict=True):
            inside[phase][i] = ids
    locations = []
    for i, laureate in enumerate(laureates):
        # GPS territories, accepted only in the laureate's own region.
        gps = {
            phase: [t for t in inside[phase][i] if places.region_of.get(t) == laureate.region_code]
            for phase in (1, 2)
        }
        commune_code = places.commune(laureate, gps[1] + gps[2])
        territory = {
            phase: _first(gps[phase])
            or places.member_territory(phase, commune_code, laureate.region_code)
            for phase in (1, 2)
        }
        commune = places.communes.get(commune_code or "")
        if laureate.latitude is not None:
            precision = "gps"
        elif commune is not None:
            precision = "postal_code"
        else:
            precision = "department"
        locations.append(
            Location(
                commune_code=commune_code,
                territory_id=territory[1],
                phase2_territory_id=territory[2],
                precision=precision,
                latitude=laureate.latitude,
                longitude=laureate.longitude,
                qpv=commune is not None and commune.qpv,
                action_coeur_de_ville=commune is not None and commune.action_coeur_de_ville,
                rural=commune is not None and commune.rural,
                density_level=commune.density_level if commune is not None else None,
            )
        )
    return locations


def summary(
    laureates: Sequence[Laureate], problems: Sequence[Problem], locations: Sequence[Location]
) -> str:
    """One line of counts: "1,158 read, 1,158 loaded, 1,149 located by GPS, ..."."""
    skipped = sum(not p.kept for p in problems)
    precision = Counter(location.precision for location in locations)
    phase1 = sum(location.territory_id is not None for location in locations)
    phase2 = sum(location.phase2_territory_id is not None for location in locations)
    return (
        f"{len(laureates) + skipped:,} read, {len(laureates):,} loaded, "
        f"{precision['gps']:,} located by GPS, {precision['postal_code']:,} by postal code, "
        f"{precision['department']:,} by department, {phase1:,} in a phase-1 territory, "
        f"{len(locations) - phase1:,} outside, {phase2:,} in a phase-2 territory"
    )


def main() -> None:
    """Print what the real file gives: counts, timings, territories and the fragile share."""
    import time

    from data.outlines import load_outlines
    from data.reference import load_geography
    from settings import Settings

    data_dir = Settings().data_dir
    geography = load_geography(data_dir)
    started = time.perf_counter()
    outlines = load_outlines(data_dir)
    loaded_outlines = time.perf_counter()
    laureates, problems = read_laureates(data_dir / LAUREATES_FILE, geography)
    read = time.perf_counter()
    locations = locate(laureates, geography, outlines)
    done = time.perf_counter()
    for problem in problems:
        print(("kept: " if problem.kept else "skipped: ") + problem.message)
    print("laureates: " + summary(laureates, problems, locations))
    print(
        f"time: outlines {loaded_outlines - started:.3f} s, read {read - loaded_outlines:.3f} s, "
        f"locate {done - read:.3f} s"
    )
    placed = [la for la in laureates if la.latitude is not None]
    for phase, published in ((1, 736), (2, 845)):
        hits = outlines.containing(
            phase, [la.longitude or 0.0 for la in placed], [la.latitude or 0.0 for la in placed]
        )
        in_any = sum(bool(ids) for ids in hits)
        column = "territory_id" if phase == 1 else "phase2_territory_id"
        region_of = {t.id: t.region_code for t in geography.territories}
        gps = sum(
            any(region_of.get(t) == la.region_code for t in ids)
            for la, ids in zip(placed, hits, strict=True)
        )
        total = sum(getattr(loc, column) is not None for loc in locations)
        print(
            f"phase {phase}: {in_any:,} of {len(placed):,} positions inside an outline "
            f"(SOURCES.md: {published}), {gps:,} accepted (territory of their region), "
            f"{total - gps:,} by membership, {len(locations) - total:,} in none"
        )
    in_commune = [loc for loc in locations if loc.commune_code is not None]
    fragile = sum(loc.fragile for loc in locations)
    print(
        f"fragile: {fragile:,} of {len(locations):,} laureates "
        f"({fragile / max(len(locations), 1):.1%}; published share of winners: 69 %); "
        f"of the {len(in_commune):,} in a commune ({fragile / max(len(in_commune), 1):.1%} "
        f"fragile; the others have a postal code serving no commune of their department, "
        f"e.g. CEDEX, or are overseas): QPV {sum(loc.qpv for loc in in_commune):,}, "
        f"ACV {sum(loc.action_coeur_de_ville for loc in in_commune):,}, "
        f"rural {sum(loc.rural for loc in in_commune):,}"
    )
    levels = Counter(loc.density_level for loc in in_commune)
    print("density levels: " + ", ".join(f"{k}: {v}" for k, v in levels.most_common()))


if __name__ == "__main__":
    main()

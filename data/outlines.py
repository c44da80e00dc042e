"""The outlines of the Territoires d'industrie (GeoJSON), for point-in-polygon and the map.

``load_outlines`` reads territoires_industrie_phase1.geojson (property ``id_ti``) and
territoires_industrie_phase2.geojson (property ``id_territoire``) into one STRtree per phase;
``Outlines.containing`` answers "which territories contain these points" for whole arrays of
points at once. Both files are optional: a missing one gives no outline for its phase, with a
warning. ``map_outlines`` gives the phase-1 outlines simplified for the web map.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import mapping, shape

from data.csv_reader import ReferenceDataError
from data.reference import OPTIONAL_FILES, optional_file

log = logging.getLogger(__name__)

# The property holding each feature's territory code, per phase.
ID_PROPERTY = {1: "id_ti", 2: "id_territoire"}
NAME_PROPERTY = {1: "lib_ti", 2: "lib_territoire"}
TERRITORY_CODE = re.compile(r"ti-\d{4}")

# The map's outlines: 0.01 degree (about 1 km) keeps every territory's shape recognisable at
# the zoom of a region or of France (territories span 20-100 km) with a quarter of the source's
# vertices; 4 decimals (about 10 m) is far finer than a screen pixel at those zooms.
MAP_TOLERANCE = 0.01
MAP_GRID = 1e-4


@dataclass(frozen=True)
class PhaseOutlines:
    ids: tuple[str, ...]  # territory ids ("p1-ti-8401"), in file order
    names: tuple[str, ...]
    geometries: npt.NDArray[np.object_]
    tree: shapely.STRtree


@dataclass(frozen=True)
class Outlines:
    phases: dict[int, PhaseOutlines]

    def containing(
        self, phase: int, longitudes: Sequence[float], latitudes: Sequence[float]
    ) -> list[tuple[str, ...]]:
        """For each point, the ids of the phase's territories whose outline holds it (a point on
        a border is in both), in file order; () for every point when the phase has no outlines.
        """
        found: list[list[str]] = [[] for _ in range(len(longitudes))]
        outlines = self.phases.get(phase)
        if outlines is None or not found:
            return [()] * len(found)
        points = shapely.points(np.asarray(longitudes, float), np.asarray(latitudes, float))
        # One vectorised query: pairs (point index, outline index), sorted by point then outline.
        point_index, outline_index = outlines.tree.query(points, predicate="intersects")
        order = np.lexsort((outline_index, point_index))
        for p, o in zip(point_index[order].tolist(), outline_index[order].tolist(), strict=True):
            found[p].append(outlines.ids[o])
        return [tuple(ids) for ids in found]


def load_outlines(data_dir: Path) -> Outlines:
    phases = {}
    for phase in (1, 2):
        path = optional_file(
            data_dir,
            f"outlines{phase}",
            f"no phase-{phase} outline: territories found by member intercommunalities only",
        )
        if path is not None:
            phases[phase] = _read(path, phase)
    return Outlines(phases)


def _features(path: Path) -> list[dict[str, Any]]:
    try:
        collection = json.loads(path.read_bytes())
        features = collection["features"]
        if not isinstance(features, list):
            raise TypeError("features is not a list")
    except (ValueError, KeyError, TypeError) as error:
        message = f"not a GeoJSON FeatureCollection: {error}"
        raise ReferenceDataError(path.name, None, None, message) from None
    return features


def _read(path: Path, phase: int) -> PhaseOutlines:
    column = ID_PROPERTY[phase]
    ids, names, geometries = [], [], []
    for number, feature in enumerate(_features(path), start=1):
        properties = feature.get("properties") or {}
        code = str(properties.get(column, "")).strip()
        if not TERRITORY_CODE.fullmatch(code):
            raise ReferenceDataError(
                path.name, None, column, f"feature {number}: {code!r} is not a territory code"
            )
        territory_id = f"p{phase}-{code}"
        if territory_id in ids:
            raise ReferenceDataError(path.name, None, column, f"feature {number}: {code} twice")
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ReferenceDataError(
                path.name, None, "geometry", f"feature {number} ({code}): {error!r}"
            ) from None
        ids.append(territory_id)
        names.append(str(properties.get(NAME_PROPERTY[phase], code)))
        geometries.append(geometry)
    array = np.array(geometries, dtype=object)
    return PhaseOutlines(tuple(ids), tuple(names), array, shapely.STRtree(array))


def map_outlines(data_dir: Path) -> dict[str, Any]:
    """The phase-1 outlines for the web map: a GeoJSON FeatureCollection, one feature per
    territory with properties ``id`` (the Territory id, "p1-ti-8401"), ``code`` and ``name``;
    outlines simplified (``MAP_TOLERANCE``, topology kept per territory) and coordinates on a
    ``MAP_GRID`` grid. Only areas are drawn: the few territories stored as points only (no
    area in the source) are left out. An empty collection when the file is absent.

    The 1.84 MB source becomes 0.19 MB of compact JSON, 146 territories with 9,940 points
    (``python -m data.outlines`` prints the sizes); it takes about half a second, so a server
    should compute it once.
    """
    outlines = load_outlines(data_dir).phases.get(1)
    features: list[dict[str, Any]] = []
    if outlines is None:
        return {"type": "FeatureCollection", "features": features}
    areas = shapely.get_parts(outlines.geometries, return_index=True)
    polygons, owner = areas
    keep = np.isin(shapely.get_type_id(polygons), (3, 6))  # Polygon, MultiPolygon
    for index, territory_id in enumerate(outlines.ids):
        parts = polygons[keep & (owner == index)]
        if len(parts) == 0:
            continue
        area = shapely.union_all(parts)
        simple = shapely.set_precision(
            shapely.simplify(area, MAP_TOLERANCE, preserve_topology=True), MAP_GRID
        )
        if simple.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": territory_id,
                    "code": territory_id.removeprefix("p1-"),
                    "name": outlines.names[index],
                },
                "geometry": _rounded(mapping(simple)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _rounded(value: Any) -> Any:
    # set_precision snaps to the grid, but floats still print like 45.123400000000004.
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def main() -> None:
    from settings import Settings

    data_dir = Settings().data_dir
    source = data_dir / OPTIONAL_FILES["outlines1"]
    outlines = map_outlines(data_dir)
    size = len(json.dumps(outlines, separators=(",", ":"), ensure_ascii=False).encode())
    points = sum(
        len(ring)
        for feature in outlines["features"]
        for polygon in _polygons(feature["geometry"])
        for ring in polygon
    )
    before = source.stat().st_size if source.is_file() else 0
    print(
        f"map outlines: {len(outlines['features'])} territories, {points:,} points, "
        f"{size:,} bytes (source {before:,} bytes)"
    )


def _polygons(geometry: dict[str, Any]) -> list[Any]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


if __name__ == "__main__":
    main()

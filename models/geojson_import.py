"""Import grid areas from GeoJSON (district, street/town, community or cell level).

A file is read whole and checked whole: either every feature is valid and a complete
:class:`ImportedLayer` comes back, or a :class:`~models.errors.LoadError` names the file,
the feature (1-based index in ``features``) and the field at fault, and nothing is kept.

Data drawn on Chinese web basemaps is usually in GCJ-02; pass ``datum="gcj02"`` and the
coordinates are converted to WGS-84 (the only datum the domain stores).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, get_args

import msgspec
import numpy as np

from models.errors import InvalidInput, LoadError
from models.geo import (
    Ring,
    Rings,
    gcj02_to_wgs84_array,
    group_polygons,
    interior_point,
    ring_area_m2,
    ring_centroid,
    wgs84_to_gcj02_array,
)
from models.geography import (
    LEVELS,
    Cell,
    CityMap,
    CodeFormat,
    Community,
    Level,
    Street,
    street_kind_of,
)

Datum = Literal["wgs84", "cgcs2000", "gcj02"]
"""Datum of the file's coordinates. CGCS2000 equals WGS-84 at map scale (< 1 m)."""
DATUMS: tuple[Datum, ...] = get_args(Datum)

_Polygons = list[list[list[tuple[float, float]]]]  # polygons → rings → positions


class ImportedArea(msgspec.Struct, frozen=True):
    """One feature of an imported layer, in WGS-84.

    Attributes:
        code: The area code, checked against the level's code format.
        name: The name, or ``""`` when the import did not ask for one.
        name_en: The English name, or ``""`` when absent.
        rings: The geometry: every ring of every polygon, read with the even–odd rule.
        feature: 1-based index of the feature in the file, for later error messages.
    """

    code: str
    name: str
    name_en: str
    rings: Rings
    feature: int


class ImportedLayer(msgspec.Struct, frozen=True):
    """The valid content of one GeoJSON file at one level.

    Attributes:
        file: The file name as given (for messages).
        level: The hierarchy level of every feature.
        source_datum: The datum the file was in; ``areas`` are WGS-84 regardless.
        code_property: The property the codes came from (for messages).
        areas: The features, in file order.
    """

    file: str
    level: Level
    source_datum: Datum
    code_property: str
    areas: tuple[ImportedArea, ...]


def import_geojson(
    path: str | os.PathLike[str],
    *,
    datum: Datum,
    level: Level,
    code_property: str = "code",
    name_property: str | None = "name",
    name_en_property: str | None = "name_en",
    code_format: CodeFormat | None = None,
) -> ImportedLayer:
    """Read a FeatureCollection of Polygon/MultiPolygon areas of one level.

    Args:
        path: The GeoJSON file.
        datum: Datum of the file's coordinates; GCJ-02 is converted to WGS-84.
        level: The level of every feature, which fixes the expected code length.
        code_property: Feature property holding the code (text or integer).
        name_property: Property holding the name; required on every feature unless None.
        name_en_property: Property holding an English name; optional on every feature.
        code_format: Code format; the national 14-digit one by default.

    Returns:
        The imported layer.

    Raises:
        LoadError: The file cannot be read or is invalid; the message names the file,
            the feature (1-based) and the field.
        InvalidInput: ``datum`` or ``level`` is not one of the known values.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LoadError(name, None, None, f"cannot read: {exc.strerror or exc}") from None
    return import_geojson_bytes(
        data,
        source=name,
        datum=datum,
        level=level,
        code_property=code_property,
        name_property=name_property,
        name_en_property=name_en_property,
        code_format=code_format,
    )


def import_geojson_bytes(
    data: bytes | str,
    *,
    source: str,
    datum: Datum,
    level: Level,
    code_property: str = "code",
    name_property: str | None = "name",
    name_en_property: str | None = "name_en",
    code_format: CodeFormat | None = None,
) -> ImportedLayer:
    """Like :func:`import_geojson`, for content already in memory (e.g. an upload).

    Args:
        data: The GeoJSON text (UTF-8 bytes or str).
        source: Name used for the file in error messages.
        datum: See :func:`import_geojson`.
        level: See :func:`import_geojson`.
        code_property: See :func:`import_geojson`.
        name_property: See :func:`import_geojson`.
        name_en_property: See :func:`import_geojson`.
        code_format: See :func:`import_geojson`.

    Returns:
        The imported layer.
    """
    if datum not in DATUMS:
        raise InvalidInput("datum", f"{datum!r} is not one of {', '.join(DATUMS)}")
    if level not in LEVELS:
        raise InvalidInput("level", f"{level!r} is not one of {', '.join(LEVELS)}")
    fmt = code_format if code_format is not None else CodeFormat()
    try:
        doc = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise LoadError(source, None, None, f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise LoadError(source, None, None, "not a GeoJSON object")
    if doc.get("type") != "FeatureCollection":
        raise LoadError(
            source, None, "type", f"expected 'FeatureCollection', got {doc.get('type')!r}"
        )
    features = doc.get("features")
    if not isinstance(features, list):
        raise LoadError(source, None, "features", "missing or not a list")
    if not features:
        raise LoadError(source, None, "features", "the collection has no features")

    parsed: list[tuple[str, str, str, _Polygons]] = []
    first_use: dict[str, int] = {}
    for index, feature in enumerate(features, start=1):
        code, nm, nm_en = _read_properties(
            source, index, feature, level, fmt, code_property, name_property, name_en_property
        )
        if code in first_use:
            raise LoadError(
                source,
                index,
                code_property,
                f"duplicate code {code} (first in feature {first_use[code]})",
            )
        first_use[code] = index
        polygons = _read_geometry(source, index, feature)
        if level == "cell" and (len(polygons) != 1 or len(polygons[0]) != 1):
            raise LoadError(
                source, index, "geometry", "a cell must be a single ring (one polygon, no holes)"
            )
        parsed.append((code, nm, nm_en, polygons))

    if datum == "gcj02":
        parsed = _convert_gcj02(parsed)
    areas = tuple(
        ImportedArea(
            code=code,
            name=nm,
            name_en=nm_en,
            rings=tuple(tuple(ring) for poly in polygons for ring in poly),
            feature=index,
        )
        for index, (code, nm, nm_en, polygons) in enumerate(parsed, start=1)
    )
    return ImportedLayer(
        file=source, level=level, source_datum=datum, code_property=code_property, areas=areas
    )


def _read_properties(
    source: str,
    index: int,
    feature: Any,
    level: Level,
    fmt: CodeFormat,
    code_property: str,
    name_property: str | None,
    name_en_property: str | None,
) -> tuple[str, str, str]:
    if not isinstance(feature, dict):
        raise LoadError(source, index, None, "a feature must be a JSON object")
    if feature.get("type") != "Feature":
        raise LoadError(source, index, "type", f"expected 'Feature', got {feature.get('type')!r}")
    props = feature.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, dict):
        raise LoadError(source, index, "properties", "must be an object or null")
    raw = props.get(code_property)
    # Division codes often arrive as JSON numbers (DataV's "adcode"); take integers as text.
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        code = str(raw)
    elif isinstance(raw, str):
        code = raw
    elif raw is None:
        raise LoadError(source, index, code_property, "missing code")
    else:
        raise LoadError(source, index, code_property, f"a code must be text, got {raw!r}")
    try:
        fmt.validate(code, level)
    except InvalidInput as exc:
        raise LoadError(source, index, code_property, exc.problem) from None
    name = ""
    if name_property is not None:
        value = props.get(name_property)
        if not isinstance(value, str) or not value.strip():
            raise LoadError(source, index, name_property, "missing or empty name")
        name = value.strip()
    name_en = ""
    if name_en_property is not None and name_en_property in props:
        value = props[name_en_property]
        if not isinstance(value, str):
            raise LoadError(source, index, name_en_property, "a name must be text")
        name_en = value.strip()
    return code, name, name_en


def _read_geometry(source: str, index: int, feature: dict[str, Any]) -> _Polygons:
    geometry = feature.get("geometry")
    if geometry is None:
        raise LoadError(source, index, "geometry", "feature has no geometry")
    if not isinstance(geometry, dict):
        raise LoadError(source, index, "geometry", "must be an object")
    gtype = geometry.get("type")
    coords = geometry.get("coordinates")
    field = "geometry.coordinates"
    if gtype == "Polygon":
        polys_raw: Any = [coords]
    elif gtype == "MultiPolygon":
        polys_raw = coords
    else:
        raise LoadError(
            source,
            index,
            "geometry.type",
            f"unsupported geometry type {gtype!r}; expected Polygon or MultiPolygon",
        )
    if (
        not isinstance(polys_raw, list)
        or not polys_raw
        or not all(isinstance(p, list) for p in polys_raw)
    ):
        raise LoadError(source, index, field, "missing or not an array of polygons")
    polygons: _Polygons = []
    for p_no, poly in enumerate(polys_raw, start=1):
        where_p = f"polygon {p_no}" if gtype == "MultiPolygon" else "polygon"
        if not poly:
            raise LoadError(source, index, field, f"{where_p} has no rings")
        rings: list[list[tuple[float, float]]] = []
        for r_no, ring_raw in enumerate(poly, start=1):
            where = f"{where_p}, ring {r_no}"
            rings.append(_read_ring(source, index, field, where, ring_raw))
        polygons.append(rings)
    return polygons


def _read_ring(
    source: str, index: int, field: str, where: str, ring_raw: Any
) -> list[tuple[float, float]]:
    if not isinstance(ring_raw, list):
        raise LoadError(source, index, field, f"{where} is not an array of positions")
    if len(ring_raw) < 4:
        raise LoadError(
            source,
            index,
            field,
            f"{where} has {len(ring_raw)} positions; a closed ring needs at least 4",
        )
    ring: list[tuple[float, float]] = []
    for k, pos in enumerate(ring_raw, start=1):
        if not isinstance(pos, list) or len(pos) < 2 or not all(_is_number(v) for v in pos):
            raise LoadError(
                source, index, field, f"{where}, position {k}: {pos!r} is not [lon, lat]"
            )
        lon = float(pos[0])
        lat = float(pos[1])
        if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
            raise LoadError(
                source, index, field, f"{where}, position {k}: longitude {lon} out of range"
            )
        if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
            raise LoadError(
                source, index, field, f"{where}, position {k}: latitude {lat} out of range"
            )
        # Any altitude is dropped: the grid is flat.
        ring.append((lon, lat))
    if ring[0] != ring[-1]:
        raise LoadError(
            source, index, field, f"{where} is not closed (first and last positions differ)"
        )
    if ring_area_m2(ring) <= 0.0:
        raise LoadError(source, index, field, f"{where} encloses no area")
    return ring


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _convert_gcj02(
    parsed: list[tuple[str, str, str, _Polygons]],
) -> list[tuple[str, str, str, _Polygons]]:
    """Convert every position to WGS-84 in one vectorised pass."""
    lons = [p[0] for *_, polys in parsed for poly in polys for ring in poly for p in ring]
    lats = [p[1] for *_, polys in parsed for poly in polys for ring in poly for p in ring]
    wlon, wlat = gcj02_to_wgs84_array(np.array(lons), np.array(lats))
    # Round to 1e-9° (0.1 mm): far below the conversion's own accuracy, and it makes equal
    # input positions (ring closure, shared edges) stay exactly equal.
    flat = list(zip(np.round(wlon, 9).tolist(), np.round(wlat, 9).tolist(), strict=True))
    out: list[tuple[str, str, str, _Polygons]] = []
    k = 0
    for code, nm, nm_en, polys in parsed:
        new_polys: _Polygons = []
        for poly in polys:
            new_rings: list[list[tuple[float, float]]] = []
            for ring in poly:
                new_rings.append(flat[k : k + len(ring)])
                k += len(ring)
            new_polys.append(new_rings)
        out.append((code, nm, nm_en, new_polys))
    return out


def build_city_map(
    *,
    streets: ImportedLayer,
    communities: ImportedLayer,
    cells: ImportedLayer,
    district: ImportedLayer | None = None,
    district_name_zh: str | None = None,
    district_name_en: str = "",
    code_format: CodeFormat | None = None,
) -> CityMap:
    """Assemble a :class:`CityMap` from imported layers and check that they nest.

    The nesting is checked by code (every community's street and every cell's community
    must be present); geometry is taken as given.

    Args:
        streets: Layer at ``"street"`` level. Kinds follow the code (001–099 streets).
        communities: Layer at ``"community"`` level.
        cells: Layer at ``"cell"`` level.
        district: Optional layer at ``"district"`` level with exactly one feature, for the
            outline and the name; without it the district code comes from the streets.
        district_name_zh: District name; defaults to the district feature's name.
        district_name_en: District name in English.
        code_format: Code format; the national 14-digit one by default.

    Returns:
        The map, with streets' seats set to a point inside each street.

    Raises:
        LoadError: A layer at the wrong level, or an area whose parent is missing
            (naming the file, feature and code property).
    """
    fmt = code_format if code_format is not None else CodeFormat()
    for layer, want in ((streets, "street"), (communities, "community"), (cells, "cell")):
        if layer.level != want:
            raise LoadError(layer.file, None, None, f"expected a {want} layer, got {layer.level}")
    if not streets.areas:
        raise LoadError(streets.file, None, "features", "no streets")
    boundary: Rings = ()
    name_zh = district_name_zh or ""
    if district is not None:
        if district.level != "district" or len(district.areas) != 1:
            raise LoadError(district.file, None, None, "expected one district feature")
        district_code = district.areas[0].code
        boundary = district.areas[0].rings
        name_zh = district_name_zh or district.areas[0].name
    else:
        district_code = fmt.parent(streets.areas[0].code, "district")

    street_codes: set[str] = set()
    out_streets: list[Street] = []
    for area in streets.areas:
        if fmt.parent(area.code, "district") != district_code:
            raise LoadError(
                streets.file,
                area.feature,
                streets.code_property,
                f"{area.code} is not in district {district_code}",
            )
        seat_lon, seat_lat = interior_point(area.rings)
        out_streets.append(
            Street(
                code=area.code,
                name_zh=area.name,
                name_en=area.name_en,
                kind=street_kind_of(area.code, fmt),
                seat_lon=seat_lon,
                seat_lat=seat_lat,
                boundary=area.rings,
            )
        )
        street_codes.add(area.code)

    community_codes: set[str] = set()
    out_communities: list[Community] = []
    for area in communities.areas:
        parent = fmt.parent(area.code, "street")
        if parent not in street_codes:
            raise LoadError(
                communities.file,
                area.feature,
                communities.code_property,
                f"community {area.code}: street {parent} is not in {streets.file}",
            )
        out_communities.append(
            Community(
                code=area.code,
                street_code=parent,
                name_zh=area.name,
                name_en=area.name_en,
                boundary=area.rings,
            )
        )
        community_codes.add(area.code)

    out_cells: list[Cell] = []
    for area in cells.areas:
        parent = fmt.parent(area.code, "community")
        if parent not in community_codes:
            raise LoadError(
                cells.file,
                area.feature,
                cells.code_property,
                f"cell {area.code}: community {parent} is not in {communities.file}",
            )
        ring: Ring = area.rings[0]
        clon, clat = ring_centroid(ring)
        out_cells.append(
            Cell(
                code=area.code,
                street_code=fmt.parent(area.code, "street"),
                community_code=parent,
                ring=ring,
                centroid_lon=clon,
                centroid_lat=clat,
                area_m2=ring_area_m2(ring),
            )
        )
    return CityMap.build(
        district_code=district_code,
        name_zh=name_zh,
        name_en=district_name_en,
        streets=out_streets,
        communities=out_communities,
        cells=out_cells,
        boundary=boundary,
        code_format=fmt,
    )


def to_feature_collection(
    city: CityMap, level: Level, *, datum: Literal["wgs84", "gcj02"] = "wgs84"
) -> dict[str, Any]:
    """Export one level of a map as a GeoJSON FeatureCollection (the importer's inverse).

    Properties are ``code`` and ``name`` (plus ``name_en`` where the level has one), so
    the result imports back with the default arguments.

    Args:
        city: The map.
        level: Which areas to export.
        datum: ``"gcj02"`` to draw on a Chinese web basemap.

    Returns:
        A JSON-ready dict (encode it with ``msgspec.json.encode``).
    """
    items: list[tuple[str, str, str, Sequence[Ring]]]
    if level == "district":
        items = [(city.district_code, city.name_zh, city.name_en, city.boundary)]
    elif level == "street":
        items = [(s.code, s.name_zh, s.name_en, s.boundary) for s in city.streets]
    elif level == "community":
        items = [(c.code, c.name_zh, c.name_en, c.boundary) for c in city.communities]
    elif level == "cell":
        items = [(c.code, c.code, "", (c.ring,)) for c in city.cells]
    else:
        raise InvalidInput("level", f"{level!r} is not one of {', '.join(LEVELS)}")
    features: list[dict[str, Any]] = []
    for code, name, name_en, rings in items:
        polygons = [[_export_ring(ring, datum) for ring in poly] for poly in group_polygons(rings)]
        geometry: dict[str, Any] = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        props: dict[str, Any] = {"code": code, "name": name}
        if name_en:
            props["name_en"] = name_en
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def _export_ring(ring: Sequence[tuple[float, float]], datum: str) -> list[list[float]]:
    if datum == "wgs84":
        return [[lon, lat] for lon, lat in ring]
    glon, glat = wgs84_to_gcj02_array([p[0] for p in ring], [p[1] for p in ring])
    return [[x, y] for x, y in zip(glon.tolist(), glat.tolist(), strict=True)]

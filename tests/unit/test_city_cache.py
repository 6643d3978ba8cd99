"""The console's grid-map cache: a map crosses the network once per version, a damaged or
wrong file is replaced, and a map the server did not announce is never kept."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import msgspec
import pytest

from console.city import CityMapCache, MapUnusable
from console.store import ClientStore
from models.demo_city import generate_demo_city
from models.geography import CityMap
from net.client import Answer
from net.protocol import ClientMessage, MapResult, QueryMap


@pytest.fixture(scope="module")
def city() -> CityMap:
    return generate_demo_city(target_cells=500)


class FakeServer:
    """Answers ``query_map`` with a given map and counts the questions."""

    def __init__(self, city: CityMap) -> None:
        self.city = city
        self.queries: list[ClientMessage] = []

    async def query(self, message: ClientMessage) -> Answer:
        self.queries.append(message)
        assert isinstance(message, QueryMap)
        return MapResult(id=message.id, map=self.city)


def test_a_map_is_fetched_once_then_read_from_disk(tmp_path: Path, city: CityMap) -> None:
    server = FakeServer(city)
    first = asyncio.run(CityMapCache(tmp_path).get(city.version, server.query))
    assert first == city
    assert (tmp_path / "maps" / f"{city.version}.json").is_file()
    assert not list((tmp_path / "maps").glob("*.tmp")), "no temporary file left behind"

    again = asyncio.run(CityMapCache(tmp_path).get(city.version, server.query))
    assert again == city
    assert len(server.queries) == 1, "the second start asked the server again"


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b'{"district_code": "310115"}', b"[1, 2, 3]"],
    ids=["empty", "broken", "incomplete", "not-an-object"],
)
def test_a_damaged_file_is_deleted_and_replaced_by_the_servers_copy(
    tmp_path: Path, city: CityMap, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    cache = CityMapCache(tmp_path)
    path = cache.path(city.version)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="console.city"):
        assert cache.load(city.version) is None
    assert not path.exists()
    assert "discarding the cached map" in caplog.text

    server = FakeServer(city)
    assert asyncio.run(cache.get(city.version, server.query)) == city
    assert len(server.queries) == 1
    assert cache.load(city.version) == city


def test_a_file_whose_content_does_not_match_its_version_is_discarded(
    tmp_path: Path, city: CityMap
) -> None:
    cache = CityMapCache(tmp_path)
    tampered = msgspec.structs.replace(city, name_en="Somewhere else")  # version kept
    path = cache.path(city.version)
    path.parent.mkdir(parents=True)
    path.write_bytes(msgspec.json.encode(tampered))
    assert cache.load(city.version) is None
    assert not path.exists()

    other = generate_demo_city(seed=7, target_cells=500)  # a valid map, of another version
    path.write_bytes(msgspec.json.encode(other))
    assert cache.load(city.version) is None
    assert not path.exists()


def test_a_map_the_snapshot_did_not_name_is_refused_and_not_kept(
    tmp_path: Path, city: CityMap
) -> None:
    cache = CityMapCache(tmp_path)
    other = generate_demo_city(seed=7, target_cells=500)
    with pytest.raises(MapUnusable, match="the server sent map"):
        asyncio.run(cache.get(city.version, FakeServer(other).query))
    tampered = msgspec.structs.replace(city, name_en="Somewhere else")
    with pytest.raises(MapUnusable, match="does not match its version"):
        asyncio.run(cache.get(city.version, FakeServer(tampered).query))
    assert not (tmp_path / "maps").exists() or not any((tmp_path / "maps").iterdir())


@pytest.mark.parametrize("version", ["../../etc/passwd", "a/b", ".hidden", "", "x" * 65])
def test_a_version_that_is_no_file_name_is_refused(tmp_path: Path, version: str) -> None:
    server = FakeServer(generate_demo_city(target_cells=500))
    with pytest.raises(MapUnusable, match="not a valid map version"):
        asyncio.run(CityMapCache(tmp_path).get(version, server.query))
    assert server.queries == []


def test_a_map_that_cannot_be_kept_is_still_used(
    tmp_path: Path, city: CityMap, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data directory should be")
    with caplog.at_level(logging.WARNING, logger="console.city"):
        got = asyncio.run(CityMapCache(blocker).get(city.version, FakeServer(city).query))
    assert got == city
    assert "cannot keep the grid map" in caplog.text


def test_the_store_marks_a_new_map_and_a_failure_as_city_changes(city: CityMap) -> None:
    store = ClientStore()
    store.set_city(city)
    assert store.city is city
    assert store.take_changes().city
    store.set_city(city)
    assert not store.take_changes(), "the same map again changes nothing"
    store.set_city_error("no answer from the server")
    changes = store.take_changes()
    assert changes.city
    assert store.city is city, "the last map stays to be drawn"
    store.set_city(city)
    assert store.take_changes().city
    assert store.city_error is None

"""The district's grid map on the console's disk, so that it crosses the network once.

The snapshot names the server's map by its content hash (``SnapshotChunk.map_version``).
:class:`CityMapCache` keeps maps as ``<data dir>/maps/<version>.json``: a console that
already holds the version named reads it from disk; otherwise it asks the server
(``query_map``, about 1.9 MB for 5,000 cells), checks the answer and keeps it. Plain
Python, no Qt: the connection (:mod:`console.connection`) drives it after each ``synced``
and puts the map into the store.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

import msgspec

from console.workspace import write_atomically
from models.errors import DomainError
from models.geography import CityMap
from net.client import Answer, new_request_id
from net.protocol import ClientMessage, MapResult, QueryMap

log = logging.getLogger(__name__)

MAPS_DIR: Final = "maps"
"""The cache's folder inside the data directory."""

_VERSION: Final = re.compile(r"[0-9A-Za-z_-]{1,64}")
"""What a map version may look like: it becomes a file name, so no dots and no slashes."""

_decoder: Final = msgspec.json.Decoder(CityMap)
_encoder: Final = msgspec.json.Encoder()


class MapUnusable(Exception):
    """The server's map cannot be used: an odd version name, or not the map announced.

    Attributes:
        version: The version the snapshot named.
        problem: What is wrong, in English (for the log).
    """

    def __init__(self, version: str, problem: str) -> None:
        super().__init__(f"map {version!r}: {problem}")
        self.version = version
        self.problem = problem


class CityMapCache:
    """Grid maps kept on disk by version.

    Args:
        directory: The console's data directory (see
            :func:`console.workspace.default_data_dir`); maps go in its ``maps`` folder.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory / MAPS_DIR

    def path(self, version: str) -> Path:
        """The file of a map version.

        Raises:
            MapUnusable: The version could not be a file name (it comes from the server).
        """
        if not _VERSION.fullmatch(version):
            raise MapUnusable(version[:80], "not a valid map version")
        return self.directory / f"{version}.json"

    def load(self, version: str) -> CityMap | None:
        """The map ``version`` from disk, or ``None`` when there is no usable copy.

        A file that does not decode, or whose content does not match ``version``, is
        deleted (with a warning in the log): the next fetch replaces it.

        Raises:
            MapUnusable: ``version`` is not a valid version name.
        """
        path = self.path(version)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read the cached map %s: %s", path, exc)
            return None
        try:
            city = _decoder.decode(data)
        except (msgspec.DecodeError, DomainError) as exc:
            problem = f"does not decode ({exc})"
        else:
            if city.version == version and city.verify_version():
                return city
            problem = f"holds map {city.version!r}, or content that does not match its version"
        log.warning("discarding the cached map %s: it %s", path, problem)
        with contextlib.suppress(OSError):
            path.unlink()
        return None

    def save(self, city: CityMap) -> Path:
        """Keep ``city`` as its version's file, written atomically (temporary file, rename).

        Raises:
            MapUnusable: The map's version is not a valid version name.
            OSError: The file could not be written (nothing is left half-written).
        """
        path = self.path(city.version)
        write_atomically(path, _encoder.encode(city).decode("utf-8"))
        return path

    async def get(
        self, version: str, query: Callable[[ClientMessage], Awaitable[Answer]]
    ) -> CityMap:
        """The map ``version``: from disk if it is there, else from the server, then kept.

        Args:
            version: The version the snapshot named.
            query: Sends a query and returns its answer: ``ClientStore.query``.

        Raises:
            MapUnusable: The version is not a valid name, or the server's answer is not
                that map (another version, or content that does not match its version).
            RequestFailed, TimeoutError, ClientClosed, ConnectionError: From ``query``.
        """
        city = self.load(version)
        if city is not None:
            return city
        answer = await query(QueryMap(id=new_request_id("q")))
        if not isinstance(answer, MapResult):
            raise MapUnusable(version, f"the server answered with {type(answer).__name__}")
        city = answer.map
        if city.version != version:
            raise MapUnusable(version, f"the server sent map {city.version!r}")
        if not city.verify_version():
            raise MapUnusable(version, "the server's map does not match its version")
        try:
            self.save(city)
        except OSError as exc:
            # The console works without the copy; it downloads the map again next time.
            log.warning("cannot keep the grid map %s: %s", version, exc)
        return city

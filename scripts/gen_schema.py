"""Write docs/protocol.schema.json from the protocol's types.

Run after changing a message in ``net/protocol.py`` or a type it carries from ``models``;
``tests/unit/test_protocol.py`` fails while the committed file is stale::

    python scripts/gen_schema.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from any directory

from net.protocol import PROTOCOL_VERSION, SCHEMA_PATH, render_schema  # noqa: E402


def main() -> None:
    """Regenerate the schema file and say where it went."""
    path = ROOT / SCHEMA_PATH
    text = render_schema()
    path.write_text(text, encoding="utf-8")
    print(
        f"wrote {path.relative_to(ROOT)} (protocol version {PROTOCOL_VERSION}, {len(text)} bytes)"
    )


if __name__ == "__main__":
    main()

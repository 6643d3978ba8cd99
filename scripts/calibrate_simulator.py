"""Derive the simulator's report calibration from real 311 request data.

Reads two public samples of citizen service requests (kept beside the checkout, never
shipped) and writes ``resources/simulator/calibration.toml``: the share of reports per hour
of day, the share per channel, and a category mix over our catalogue. Only these derived
shares go into the project, together with the method below::

    python scripts/calibrate_simulator.py [--data ../shared/data/requests] [--daily-reports 1500]

Method (also written into the TOML):

* **Hourly rhythm.** Pooled counts per local hour of (a) the NYC 311 requests of one day
  (2013-12-25) whose timestamp is not exactly midnight (1,467 rows carry a date only and
  would pile up at 00:00), and (b) the Baltimore sample's citizen channels (phone, app/API,
  mail, e-mail, web; not "Internal", whose staff batches spike at 19-20 h). The Baltimore
  timestamps are not in local time: the script shifts them by the whole number of hours
  that best correlates their hourly curve with New York's (which is local); it finds +5 h,
  which also puts Baltimore's quietest four hours at 02-06 h.
* **Channels** (Baltimore ``MethodReceived``; New York has none): phone -> 12345 hotline;
  API (the city's app and web form used by residents) -> volunteer (our residents'
  reporting app is run by volunteers and building stewards); Internal (staff-initiated,
  "proactive" findings) -> grid patrol; System (automated sources) -> video; mail,
  e-mail, web form and other -> residents' workstation.
* **Categories.** Each complaint type of either file is mapped by hand (``TYPE_MAP``) to
  one catalogue class, or declared outside grid management (``OUT_OF_SCOPE``: indoor
  housing maintenance, billing and court matters, information requests, pest control,
  for which the catalogue has no class); out-of-scope requests are dropped. In-scope
  types without a mapping count as "other" and are spread over ``DEFAULT_MIX``, the
  everyday street matters of a Chinese grid (vending, small ads, e-bike charging...)
  that 311 data does not name.
* **Volume and urgency** are parameters, not data: ``--daily-reports`` (1,500 by default,
  a plausible day for a district platform the size of Pudong's demo city) and
  ``URGENCY_MIX``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from any directory

from models.catalogue import load_catalogue  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "requests"
DEFAULT_OUT = ROOT / "resources" / "simulator" / "calibration.toml"
NYC_FILE = "nyc311_one_day_2013-12-25.csv"
BALTIMORE_FILE = "baltimore311_sample.csv"
TIME_FORMAT = "%m/%d/%Y %I:%M:%S %p"

CHANNEL_MAP = {
    "Phone": "hotline",
    "API": "volunteer",
    "Internal": "patrol",
    "System": "video",
    "Mail": "workstation",
    "Email": "workstation",
    "Web": "workstation",
    "Other": "workstation",
}
"""Baltimore ``MethodReceived`` -> our report source (``models.case.Source``)."""

CITIZEN_CHANNELS = frozenset({"Phone", "API", "Mail", "Email", "Web", "Other"})
"""Baltimore channels whose timestamps follow citizens' day (used for the hourly rhythm)."""

TYPE_MAP: dict[str, str] = {
    # --- New York (Complaint Type) ---
    "Street Condition": "C0218",  # carriageway
    "Blocked Driveway": "E0505",  # illegal parking
    "Illegal Parking": "E0505",
    "Water System": "E0402",  # burst water main
    "Traffic Signal Condition": "C0208",
    "Noise - Commercial": "E0511",  # commercial noise nuisance
    "Noise": "E0511",
    "Noise - Street/Sidewalk": "E0511",
    "Noise - Vehicle": "E0511",
    "Sewer": "E0404",  # blocked sewer
    "Street Sign - Damaged": "C0207",
    "Street Sign - Missing": "C0207",
    "Street Sign - Dangling": "C0207",
    "Dirty Conditions": "E0104",  # dirty road
    "Street Light Condition": "C0118",
    "Sanitation Condition": "E0102",  # exposed garbage
    "Building/Use": "E0702",  # residential converted to commercial use
    "Consumer Complaint": "E1005",  # pricing violation
    "Elevator": "E0913",
    "Missed Collection (All Materials)": "E0901",  # late refuse removal
    "Graffiti": "E0115",
    "Derelict Vehicle": "E0514",  # abandoned vehicle
    "Derelict Vehicles": "E0514",
    "Food Establishment": "E1001",  # unlicensed catering
    "Air Quality": "E0110",  # cooking fume pollution
    "Damaged Tree": "C0402",  # street tree
    "Sidewalk Condition": "C0217",  # pavement
    "Root/Sewer/Sidewalk Condition": "C0217",
    "Highway Condition": "C0218",
    "Vacant Lot": "C0505",  # vacant building plot
    "Snow": "E0406",
    "Taxi Complaint": "E0507",  # unlicensed taxi touting
    "For Hire Vehicle Complaint": "E0507",
    "Animal Abuse": "E0601",  # uncivil dog keeping
    "Maintenance or Facility": "E0912",  # poor property-management service
    "Violation of Park Rules": "E0602",  # damage to greenery
    "Recycling Enforcement": "E0116",  # waste not sorted properly
    # --- Baltimore (SRType) ---
    "SW-Bulk Scheduled": "E0107",  # discarded furniture and appliances
    "SW-Bulk Special": "E0107",
    "SW-Appliance (White Goods)": "E0107",
    "HCD-Sanitation Property": "E0103",  # accumulated waste
    "SW-Cleaning": "E0103",
    "TRS-Parking Complaint": "E0505",
    "TRS-48 Hour Parking Complaint": "E0505",
    "SW-Dirty Alley": "E0104",
    "SW-Dirty Alley Proactive": "E0104",
    "SW-Dirty Street": "E0104",
    "SW-Dirty Street Proactive": "E0104",
    "BGE-StLight(s) Out": "C0118",
    "BGE-StLight(s) Out Rear": "C0118",
    "BGE-StLighting Cable Faults": "C0118",
    "SW-HGW": "E0106",  # high grass and weeds: untidy green space
    "WW-Water Leak (Exterior)": "E0402",
    "WW-Water Meter Leak": "E0402",
    "WW-Water No Water": "E0907",  # secondary water-supply fault
    "WW-Water Low Pressure": "E0907",
    "WW-Water Discolored": "E0907",
    "TRS-Abandoned Vehicle": "E0514",
    "HCD-Abandoned Vehicle": "E0514",
    "TTR-Vehicle Removal": "E0514",
    "TRM-Pothole Repair": "C0218",
    "TRM-Pickup Pothole": "C0218",
    "TRM-Street Repairs": "C0218",
    "SW-Mixed Refuse": "E0102",
    "SW-Municipal Trash Can Concern": "C0305",  # litter bin
    "SW-Public (Corner) Trash Can Issue": "C0305",
    "HCD-Vacant Building": "C0504",  # vacant building
    "SW-Boarding": "C0504",
    "TRM-Snow/Icy Conditions": "E0406",
    "WW-Sewer Water In Basement": "E0409",  # sewage overflow
    "WW-Water Water In Basement": "E0409",
    "TRT-Traffic Signal Repairs": "C0208",
    "HCD-Illegal Dumping": "E0117",
    "SW-Recycling": "E0116",
    "SW-Graffiti Removal": "E0115",
    "SW-Graffiti Removal Proactive": "E0115",
    "HLTH-Animal Aggressive Animal": "E0601",
    "HLTH-Animal Barking Dog": "E0601",
    "HLTH-Animal Dead Animal Pickup-Wildlife or Stray": "E0112",  # animal carcass
    "FOR-Tree Inspection": "C0402",
    "HCD-Trees and Shrubs": "C0402",
    "FOR-Fallen Limb": "E0410",  # fallen tree
    "FOR-Down Tree": "E0410",
    "HCD-Maintenance Structure": "E0707",  # dangerous old building
    "TEC-Footways Contract/Reconstruction": "C0217",
    "TEC-Footways Complaint": "C0217",
    "TRM-Illegal Sign Removal": "E0202",  # illegally posted ads
    "HCD-Illegal Signs on Public Property": "E0202",
    "FIR-Fire Code Inspection Request": "E0808",  # damaged fire-protection equipment
    "WW-Water Meter Cover Missing or Damaged": "C0101",  # water-supply manhole cover
    "WW-Sewer Misc Investigation": "E0404",
    "WW-Storm Inlet Choke": "C0104",  # storm-drain grate
    "HCD-CCE Building Permit Complaint": "E0101",  # illegal structure
    "TRT-Sign New/Remove/Change": "C0207",
    "TRM-Sign Damaged/Sign Structure": "C0207",
    "TRM-WO Sign Installation": "C0207",
    "HLTH-Animal Unsanitary Conditions": "E0601",
}
"""Complaint types (both files) -> catalogue class, for the frequent in-scope types."""

OUT_OF_SCOPE_NYC_AGENCIES = frozenset({"HPD", "DOF", "HRA"})
"""New York agencies whose requests are not street matters: indoor housing maintenance
(heating, plumbing, paint...), finance and benefits."""

OUT_OF_SCOPE_PREFIXES = ("ECC-", "FCCS-", "FCPF-", "TR-Youth")
"""Baltimore call-centre administration, billing, parking-fine court, programme sign-ups."""

OUT_OF_SCOPE_WORDS = ("Literature Request", "Rat Rubout", "Rodent", "Smoke Alarm")
"""Information requests and pest control (the catalogue has no pest class)."""

DEFAULT_MIX: dict[str, float] = {
    "E0201": 0.14,  # illegal small ads
    "E0501": 0.12,  # unlicensed street vending
    "E0504": 0.12,  # business outside the shop
    "E0509": 0.08,  # goods piled on the road
    "E0506": 0.08,  # disorderly bicycle parking
    "E0513": 0.06,  # disorderly shared bikes
    "E0113": 0.06,  # overflowing litter bin
    "E0101": 0.05,  # illegal structure
    "E0302": 0.05,  # construction site dust
    "E0802": 0.05,  # flying-wire e-bike charging
    "E0803": 0.04,  # e-bikes parked or charged in stairwells
    "E0510": 0.04,  # open-air barbecue
    "E0902": 0.04,  # stairwell clutter
    "E0701": 0.03,  # group renting
    "E0801": 0.04,  # blocked fire lane
}
"""Everyday grid matters that 311 data does not name: where "other" requests go."""

URGENCY_MIX = {"normal": 0.88, "urgent": 0.10, "critical": 0.02}
"""A parameter: most reports are routine; a few need fast handling."""


def _time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT)
    except ValueError:
        return None


def _in_scope(kind: str, agency: str = "") -> bool:
    if agency in OUT_OF_SCOPE_NYC_AGENCIES:
        return False
    if kind.startswith(OUT_OF_SCOPE_PREFIXES):
        return False
    return not any(word in kind for word in OUT_OF_SCOPE_WORDS)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _hours(times: list[datetime]) -> np.ndarray:
    counts = np.zeros(24)
    for t in times:
        counts[t.hour] += 1
    return counts


def best_shift(curve: np.ndarray, reference: np.ndarray) -> int:
    """Hours to add to ``curve``'s clock so it correlates best with ``reference``."""
    scores = [float(np.corrcoef(np.roll(curve, s), reference)[0, 1]) for s in range(24)]
    shift = int(np.argmax(scores))
    return shift if shift <= 12 else shift - 24


def rounded(shares: list[float], digits: int = 6) -> list[float]:
    """Shares rounded to ``digits`` that still sum to exactly 1 (the largest absorbs the rest)."""
    out = [round(x, digits) for x in shares]
    largest = max(range(len(out)), key=out.__getitem__)
    out[largest] = round(out[largest] + 1.0 - sum(out), digits)
    return out


def calibrate(data: Path, daily_reports: int) -> tuple[dict[str, object], list[str]]:
    """The calibration as plain values, and the lines of its method for the TOML."""
    nyc = _read(data / NYC_FILE)
    baltimore = _read(data / BALTIMORE_FILE)

    # Hourly rhythm.
    nyc_times = [t for r in nyc if (t := _time(r["Created Date"])) is not None]
    nyc_timed = [t for t in nyc_times if (t.hour, t.minute, t.second) != (0, 0, 0)]
    balt_times = [
        t
        for r in baltimore
        if r["MethodReceived"] in CITIZEN_CHANNELS and (t := _time(r["CreatedDate"])) is not None
    ]
    nyc_curve, balt_curve = _hours(nyc_timed), _hours(balt_times)
    shift = best_shift(balt_curve, nyc_curve)
    pooled = nyc_curve + np.roll(balt_curve, shift)
    hourly = pooled / pooled.sum()

    # Channels.
    channels: Counter[str] = Counter()
    for r in baltimore:
        channels[CHANNEL_MAP.get(r["MethodReceived"], "workstation")] += 1
    total_channels = sum(channels.values())

    # Categories.
    mapped: Counter[str] = Counter()
    other = dropped = 0
    rows = [(r["Complaint Type"], r["Agency"]) for r in nyc]
    rows += [(r["SRType"], "") for r in baltimore]
    for kind, agency in rows:
        if not _in_scope(kind, agency):
            dropped += 1
        elif kind in TYPE_MAP:
            mapped[TYPE_MAP[kind]] += 1
        else:
            other += 1
    in_scope = sum(mapped.values()) + other
    mix: dict[str, float] = {code: n / in_scope for code, n in mapped.items()}
    weight = sum(DEFAULT_MIX.values())
    for code, w in DEFAULT_MIX.items():
        mix[code] = mix.get(code, 0.0) + other / in_scope * w / weight

    catalogue = load_catalogue()
    for code in mix:
        catalogue.category(code)  # raises for a code the catalogue does not have

    method = [
        f"Generated by scripts/calibrate_simulator.py from {NYC_FILE}",
        f"({len(nyc)} rows) and {BALTIMORE_FILE} ({len(baltimore)} rows); the data files",
        "are not shipped, only the shares below.",
        f"hourly: {len(nyc_timed)} New York requests with a time of day (local time; the other",
        f"{len(nyc_times) - len(nyc_timed)} carry a date only) pooled with {len(balt_times)}",
        "Baltimore requests of citizen channels, whose clock was shifted by",
        f"{shift:+d} h: the shift that best correlates their hourly curve with New York's.",
        f"channels: Baltimore's MethodReceived over all {total_channels} rows, mapped as in",
        "[channels.mapping].",
        f"categories: {in_scope} in-scope requests of both files ({dropped} out of scope",
        "dropped: indoor housing maintenance, billing, court, information requests, pest",
        f"control); {in_scope - other} mapped by hand to a catalogue class, {other} of types",
        "without a mapping spread over the script's DEFAULT_MIX of everyday grid matters.",
        "volume.daily_reports and [urgency] are parameters, not data.",
    ]
    values: dict[str, object] = {
        "daily_reports": daily_reports,
        "hour_shift": shift,
        "hourly": rounded(hourly.tolist()),
        "channels": dict(
            zip(
                sorted(channels),
                rounded([channels[k] / total_channels for k in sorted(channels)]),
                strict=True,
            )
        ),
        "categories": dict(zip(sorted(mix), rounded([mix[k] for k in sorted(mix)]), strict=True)),
        "urgency": URGENCY_MIX,
    }
    return values, method


def render(values: dict[str, object], method: list[str]) -> str:
    """The TOML text (written by hand: the standard library reads TOML but does not write it)."""
    catalogue = load_catalogue()
    hourly = values["hourly"]
    channels = values["channels"]
    categories = values["categories"]
    urgency = values["urgency"]
    assert isinstance(hourly, list)
    assert isinstance(channels, dict)
    assert isinstance(categories, dict)
    assert isinstance(urgency, dict)
    lines = [
        "# Calibration of the simulator's reports: when they come, by which channel, about what.",
        "# Regenerate with: python scripts/calibrate_simulator.py",
        "",
        "[method]",
        'text = """',
        *method,
        '"""',
        f"hour_shift_baltimore = {values['hour_shift']}",
        "",
        "[volume]",
        "# Reports per simulated day in the whole district (a parameter of the demo city).",
        f"daily_reports = {values['daily_reports']}",
        "",
        "[hourly]",
        "# Share of a day's reports in each local hour (Asia/Shanghai), 00 h to 23 h.",
        "shares = [",
        *(f"    {share:.6f},  # {hour:02d} h" for hour, share in enumerate(hourly)),
        "]",
        "",
        "[channels]",
        "# Share of reports per source (models.case.Source).",
        *(f"{name} = {share:.6f}" for name, share in channels.items()),
        "",
        "[channels.mapping]",
        "# How Baltimore's MethodReceived maps onto our sources (documentation only).",
        *(f'{their} = "{ours}"' for their, ours in CHANNEL_MAP.items()),
        "",
        "[categories]",
        "# Share of reports per catalogue class.",
        *(
            f"{code} = {share:.6f}  # {catalogue.category(code).name_zh} "
            f"{catalogue.category(code).name_en}"
            for code, share in sorted(categories.items(), key=lambda kv: -kv[1])
        ),
        "",
        "[urgency]",
        "# Share of reports per urgency (a parameter, not data).",
        *(f"{name} = {share}" for name, share in urgency.items()),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Read the request data, write the calibration, say what was written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the CSVs")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="TOML file to write")
    parser.add_argument("--daily-reports", type=int, default=1500, help="reports per day")
    args = parser.parse_args(argv)
    values, method = calibrate(args.data, args.daily_reports)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(values, method), encoding="utf-8")
    categories = values["categories"]
    assert isinstance(categories, dict)
    print(f"wrote {args.out} ({len(categories)} categories, hour shift {values['hour_shift']:+d})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

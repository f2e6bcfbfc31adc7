"""Which HMIS CSV version an export folder or zip is.

``Export.CSVVersion`` cannot be trusted: the spec makes it optional and free text. HUD Data Lab's
FY2022 kit says "1.2". So the headers decide. For every file that one of the known versions
defines, we count the columns that the version lacks plus the columns it has and the file does
not. The version with the fewest differences wins. Files that exist in only some versions
(EnrollmentCoC.csv in FY2022; HMISParticipation.csv and CEParticipation.csv from FY2024 on) count
as well. CSVVersion breaks a tie, and is reported when it disagrees with the headers.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import spec
from .csvio import SourceFiles

_LABELS = {spec.FY2022: "FY2022", spec.FY2024: "FY2024", spec.FY2026: "FY2026"}


@dataclass
class Detection:
    """The result of ``detect_version``."""

    version: str | None  # "2022", "2024", "2026", or None when undecided
    csv_version: str = ""  # Export.CSVVersion as written
    differences: dict[str, int] = field(default_factory=dict)  # version -> column differences
    evidence: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return _LABELS.get(self.version or "", "unknown")


def version_label(version: str | None) -> str:
    return _LABELS.get(version or "", "unknown")


def csv_version_year(value: str) -> str | None:
    """The version named by a CSVVersion value ("2026 v1.0", "FY2024" -> "2026", "2024")."""
    for year in re.findall(r"20\d\d", value or ""):
        if year in spec.VERSIONS:
            return year
    return None


def _read_csv_version(files: SourceFiles) -> str:
    if not files.has("Export.csv"):
        return ""
    with files.open_text("Export.csv") as handle:
        reader = csv.reader(handle)
        header = [h.replace("\ufeff", "").strip().lower() for h in next(reader, [])]
        first = next(reader, [])
    if "csvversion" in header and len(first) > header.index("csvversion"):
        return first[header.index("csvversion")].strip()
    return ""


def detect_files(files: SourceFiles) -> Detection:
    present = {name.lower(): name for name in files.names()}
    if "export.csv" not in present:
        return Detection(None, evidence=["no Export.csv: this is not an HMIS CSV export"])
    headers = {low: {h.lower() for h in files.header(name) if h} for low, name in present.items()}

    differences: dict[str, int] = {}
    per_file: dict[str, list[str]] = {}
    for version in spec.VERSIONS:
        version_files = {name.lower(): name for name in spec.columns(version)}
        total = 0
        notes: list[str] = []
        for low, header in headers.items():
            if low not in version_files:
                # A file this version does not have: count all its columns as differences.
                if any(low in {n.lower() for n in spec.columns(v)} for v in spec.VERSIONS):
                    total += len(header)
                    notes.append(f"{present[low]} is not an {version_label(version)} file")
                continue
            expected = {c.lower() for c in spec.columns(version)[version_files[low]]}
            missing, extra = expected - header, header - expected
            total += len(missing) + len(extra)
            if missing or extra:
                notes.append(
                    f"{version_files[low]}: {len(missing)} {version_label(version)} columns "
                    f"missing, {len(extra)} not in {version_label(version)}"
                )
        differences[version] = total
        per_file[version] = notes

    csv_version = _read_csv_version(files)
    named = csv_version_year(csv_version)
    best = min(differences.values())
    winners = [v for v in spec.VERSIONS if differences[v] == best]
    evidence = [
        "column differences from each version: "
        + ", ".join(f"{version_label(v)} {differences[v]}" for v in spec.VERSIONS)
    ]
    if len(winners) == 1:
        version: str | None = winners[0]
    elif named in winners:
        version = named
        evidence.append(
            f"headers fit {', '.join(map(version_label, winners))} equally; "
            f"CSVVersion {csv_version!r} decides"
        )
    else:
        version = None
        evidence.append(f"headers fit {', '.join(map(version_label, winners))} equally")
    if version is not None:
        if best == 0:
            evidence.append(f"every header matches {version_label(version)} exactly")
        else:
            evidence.extend(per_file[version][:10])
    if not csv_version:
        evidence.append("Export.csv has no CSVVersion value")
    elif named is None:
        evidence.append(f"CSVVersion {csv_version!r} names no known version; the headers decide")
    elif version is not None and named != version:
        evidence.append(
            f"CSVVersion {csv_version!r} says {version_label(named)}, "
            f"but the headers are {version_label(version)}"
        )
    return Detection(version, csv_version, differences, evidence)


def detect_version(path: str | Path) -> Detection:
    """Detect the HMIS CSV version of a folder or zip file."""
    with SourceFiles(path) as files:
        return detect_files(files)

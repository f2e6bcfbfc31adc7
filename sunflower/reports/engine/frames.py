"""HMIS-CSV-shaped tables as polars data frames, typed from HUD's FY2026 column spec.

The same ``HmisFrames`` comes from a folder of HMIS CSV files (``from_csv_folder``) or from
the live database (``engine.database.from_database``), so every report runs unchanged on a
test kit and in the application.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

# HUD base types (csv_columns.csv "base_type") -> polars types. Identifiers stay strings.
_POLARS_TYPES = {
    "I": pl.Int64,
    "D": pl.Date,
    "T": pl.Datetime("us"),
    "M": pl.Float64,
    "M+": pl.Float64,
    "S": pl.String,
}


@cache
def hud_schema() -> dict[str, dict[str, pl.DataType]]:
    """File stem ("Enrollment") -> {column: polars type}, in HUD's column order."""
    spec = resources.files("sunflower.hmis") / "spec" / "fy2026" / "csv_columns.csv"
    schema: dict[str, dict[str, pl.DataType]] = {}
    with spec.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            stem = row["file"].removesuffix(".csv")
            schema.setdefault(stem, {})[row["column"]] = _POLARS_TYPES[row["base_type"]]
    return schema


def typed(stem: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Cast an all-string frame to HUD's types; absent columns are added as nulls.

    Header names are matched case-insensitively (HUD's own kit spells some differently).
    Unparseable values become null rather than failing the report: the data-quality
    questions exist to count them.
    """
    schema = hud_schema()[stem]
    by_lower = {name.lower(): name for name in frame.columns}
    columns = []
    for column, dtype in schema.items():
        source = by_lower.get(column.lower())
        if source is None:
            columns.append(pl.lit(None, dtype=dtype).alias(column))
            continue
        value = pl.col(source).str.strip_chars()
        value = pl.when(value == "").then(None).otherwise(value)
        if dtype == pl.String:
            columns.append(value.alias(column))
        elif dtype == pl.Date:
            columns.append(
                value.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias(column)
            )
        elif isinstance(dtype, pl.Datetime):
            columns.append(
                value.str.slice(0, 19)
                .str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")
                .alias(column)
            )
        else:
            columns.append(value.cast(dtype, strict=False).alias(column))
    return frame.select(columns)


class HmisFrames:
    """Lazily loaded, typed HMIS CSV tables: ``frames["Enrollment"]``.

    ``loader(stem)`` returns the raw, all-string frame of one file, or None when the source
    has no such file (the frame is then empty, with HUD's columns).
    """

    def __init__(
        self,
        loader: Callable[[str], pl.DataFrame | None],
        description: str = "",
        load_many: Callable[[list[str]], dict[str, pl.DataFrame | None]] | None = None,
    ):
        self._loader = loader
        # Reads several files at once where the source can (the database, in parallel).
        self._load_many = load_many
        self._cache: dict[str, pl.DataFrame] = {}
        self.description = description
        # Seconds spent reading and typing each file (the benchmark's "extraction" stage).
        self.seconds: dict[str, float] = {}

    def __getitem__(self, stem: str) -> pl.DataFrame:
        if stem not in self._cache:
            began = time.perf_counter()
            self._store(stem, self._loader(stem) if stem in hud_schema() else None, began)
        return self._cache[stem]

    def _store(self, stem: str, raw: pl.DataFrame | None, began: float) -> None:
        if stem not in self._cache:
            if stem not in hud_schema():
                raise KeyError(f"{stem} is not an HMIS CSV FY2026 file")
            if raw is None:
                raw = pl.DataFrame(schema=dict.fromkeys(hud_schema()[stem], pl.String))
            frame = typed(stem, raw)
            if "DateDeleted" in frame.columns:
                frame = frame.filter(pl.col("DateDeleted").is_null())
            self._cache[stem] = frame
            self.seconds[stem] = time.perf_counter() - began

    def preload(self, stems) -> None:
        """Read these files now (a report's files, before its questions run)."""
        missing = [stem for stem in stems if stem not in self._cache]
        if self._load_many is None or len(missing) < 2:
            for stem in missing:
                self[stem]
            return
        began = time.perf_counter()
        raws = self._load_many(missing)
        self.seconds["(read at once)"] = time.perf_counter() - began
        for stem in missing:
            self._store(stem, raws.get(stem), time.perf_counter())


def read_raw_csv(source) -> pl.DataFrame:
    """One HMIS CSV file (path or bytes) as all-string columns."""
    return pl.read_csv(source, infer_schema=False, encoding="utf8-lossy", quote_char='"')


def from_csv_folder(folder: str | Path) -> HmisFrames:
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of HMIS CSV files")
    by_lower = {
        path.name.lower(): path for path in folder.iterdir() if path.suffix.lower() == ".csv"
    }
    if "enrollment.csv" not in by_lower or "client.csv" not in by_lower:
        raise FileNotFoundError(
            f"{folder} has no Enrollment.csv and Client.csv: not an HMIS CSV export"
        )

    def load(stem: str) -> pl.DataFrame | None:
        path = by_lower.get(f"{stem.lower()}.csv")
        return read_raw_csv(path) if path else None

    return HmisFrames(load, description=str(folder))

"""A finished run's tables on disk, and the downloads built from them.

Layout under ``MEDIA_ROOT/report_runs/<run id>/`` (models.py says why files):

- ``tables.json``: every table's ``Table.to_dict()`` (name, labels, values, cell kinds), in
  HUD's question order;
- ``tables/Qxx.csv``: ``Table.to_csv()``, the file Sage takes for the question;
- ``members/Qxx.parquet``: the table's members frame (row, col, PersonalID, EnrollmentID).
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import polars as pl
from django.conf import settings

from sunflower.reports.engine.table import MEMBER_SCHEMA, Table

RESULTS_FOLDER = "report_runs"


def run_folder(run_pk: int) -> Path:
    return Path(settings.MEDIA_ROOT) / RESULTS_FOLDER / str(int(run_pk))


def save_tables(run_pk: int, tables: dict[str, Table]) -> None:
    folder = run_folder(run_pk)
    if folder.exists():  # a retried run starts clean
        shutil.rmtree(folder)
    (folder / "members").mkdir(parents=True)
    for table in tables.values():
        table.write_csv(folder / "tables")
        members = table.collect_members()
        members.select(list(MEMBER_SCHEMA)).cast(MEMBER_SCHEMA).write_parquet(
            folder / "members" / f"{table.name}.parquet"
        )
    manifest = [table.to_dict() for table in tables.values()]
    # default=str: a value the JSON encoder does not know (a date, a Decimal) is kept as text.
    (folder / "tables.json").write_text(json.dumps(manifest, default=str), encoding="utf-8")


def load_tables(run_pk: int) -> dict[str, Table]:
    path = run_folder(run_pk) / "tables.json"
    if not path.exists():
        return {}
    return {
        data["name"]: Table.from_dict(data) for data in json.loads(path.read_text(encoding="utf-8"))
    }


def delete_results(run_pk: int) -> None:
    shutil.rmtree(run_folder(run_pk), ignore_errors=True)


def cell_members(run_pk: int, question: str, row: int, col: int) -> pl.DataFrame:
    """The records behind one cell; empty for a question the run does not have."""
    path = run_folder(run_pk) / "members" / f"{question}.parquet"
    if not path.exists():
        return pl.DataFrame(schema=MEMBER_SCHEMA)
    return pl.scan_parquet(path).filter((pl.col("row") == row) & (pl.col("col") == col)).collect()


# --- downloads -----------------------------------------------------------------------------


def csv_zip(run_pk: int, tables: dict[str, Table]) -> bytes:
    """The zip Sage's CSV upload takes: one Qxx.csv per question, in HUD's layout."""
    folder = run_folder(run_pk) / "tables"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table in tables.items():
            stored = folder / f"{name}.csv"
            text = stored.read_text(encoding="utf-8") if stored.exists() else table.to_csv()
            archive.writestr(f"{name}.csv", text)
    return buffer.getvalue()


def xlsx_workbook(tables: dict[str, Table], title: str) -> bytes:
    """One sheet per question, HUD's labels and cells; counts, rates and money as numbers
    (so the workbook adds up), greyed-out cells shaded as on HUD's forms."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": title})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    grey = workbook.add_format({"bg_color": "#D9D9D9"})
    formats = {
        "rate": workbook.add_format({"num_format": "0.0000"}),
        "money": workbook.add_format({"num_format": "#,##0.00"}),
    }
    for name, table in tables.items():
        sheet = workbook.add_worksheet(name[:31])  # Excel's limit on sheet names
        offset = 1 if table.label_column else 0
        for c, label in enumerate(table.columns):
            sheet.write(0, c + offset, label, bold)
        for r, label in enumerate(table.rows):
            if table.label_column:
                sheet.write(r + 1, 0, label)
            for c in range(len(table.columns)):
                _write_cell(sheet, r + 1, c + offset, table, r, c, formats, grey)
        if table.label_column:
            sheet.set_column(0, 0, 48)
        sheet.set_column(offset, offset + max(len(table.columns) - 1, 0), 16)
        sheet.freeze_panes(1, offset)
    workbook.close()
    return buffer.getvalue()


def _write_cell(sheet, x: int, y: int, table: Table, r: int, c: int, formats, grey) -> None:
    value = table.values[r][c]
    if value is None:
        sheet.write_blank(x, y, None, grey)
        return
    text = table.formatted(r, c)
    kind = table.kind(r, c)
    if kind in ("count", "rate", "money", "average"):
        try:
            number = float(text)
        except ValueError:
            sheet.write_string(x, y, text)
            return
        if kind == "count":
            sheet.write_number(x, y, int(number))
        else:
            sheet.write_number(x, y, number, formats.get(kind))
        return
    sheet.write_string(x, y, text)

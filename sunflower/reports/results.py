"""A finished run's tables in the private ``reports`` storage, and the downloads built from them.

Layout under ``<run id>/`` in ``STORAGES["reports"]`` (a private folder under var/ by default,
or S3: ``REPORTS_STORAGE``, docs/configuration.md), written by the job and read by the pages,
which may run on other machines (models.py says why files):

- ``tables.json``: every table's ``Table.to_dict()`` (name, labels, values, cell kinds), in
  HUD's question order;
- ``tables/Qxx.csv``: ``Table.to_csv()``, the file Sage takes for the question;
- ``members/Qxx.parquet``: the table's members frame (row, col, PersonalID, EnrollmentID).
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import zipfile

import polars as pl
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from sunflower.reports.engine.table import MEMBER_SCHEMA, Table


def results_storage():
    return storages["reports"]


def stored_name(run_pk: int, *parts: str) -> str:
    return "/".join([str(int(run_pk)), *parts])


def _put(name: str, content: bytes) -> None:
    storage = results_storage()
    if storage.exists(name):  # a storage renames rather than overwrites
        storage.delete(name)
    storage.save(name, ContentFile(content))


def save_tables(run_pk: int, tables: dict[str, Table]) -> None:
    delete_results(run_pk)  # a retried run starts clean
    for table in tables.values():
        _put(stored_name(run_pk, "tables", f"{table.name}.csv"), table.to_csv().encode("utf-8"))
        buffer = io.BytesIO()
        table.collect_members().select(list(MEMBER_SCHEMA)).cast(MEMBER_SCHEMA).write_parquet(
            buffer
        )
        _put(stored_name(run_pk, "members", f"{table.name}.parquet"), buffer.getvalue())
    manifest = [table.to_dict() for table in tables.values()]
    # default=str: a value the JSON encoder does not know (a date, a Decimal) is kept as text.
    _put(stored_name(run_pk, "tables.json"), json.dumps(manifest, default=str).encode("utf-8"))


def load_tables(run_pk: int) -> dict[str, Table]:
    storage, name = results_storage(), stored_name(run_pk, "tables.json")
    if not storage.exists(name):
        return {}
    with storage.open(name, "rb") as handle:
        return {data["name"]: Table.from_dict(data) for data in json.load(handle)}


def delete_results(run_pk: int) -> None:
    storage = results_storage()
    _delete_tree(storage, str(int(run_pk)))
    # The filesystem keeps empty folders (object stores have no path and no folders).
    with contextlib.suppress(NotImplementedError):
        shutil.rmtree(storage.path(str(int(run_pk))), ignore_errors=True)


def _delete_tree(storage, folder: str) -> None:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{folder}/{name}")
    for sub in folders:
        _delete_tree(storage, f"{folder}/{sub}")


def cell_members(run_pk: int, question: str, row: int, col: int) -> pl.DataFrame:
    """The records behind one cell; empty for a question the run does not have."""
    storage, name = results_storage(), stored_name(run_pk, "members", f"{question}.parquet")
    if not storage.exists(name):
        return pl.DataFrame(schema=MEMBER_SCHEMA)
    with storage.open(name, "rb") as handle:
        members = pl.read_parquet(handle)
    return members.filter((pl.col("row") == row) & (pl.col("col") == col))


# --- downloads -----------------------------------------------------------------------------


def csv_zip(run_pk: int, tables: dict[str, Table]) -> bytes:
    """The zip Sage's CSV upload takes: one Qxx.csv per question, in HUD's layout."""
    storage = results_storage()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table in tables.items():
            stored = stored_name(run_pk, "tables", f"{name}.csv")
            if storage.exists(stored):
                with storage.open(stored, "rb") as handle:
                    text = handle.read().decode("utf-8")
            else:
                text = table.to_csv()
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
    if kind in ("count", "number", "rate", "money", "average"):
        try:
            number = float(text)
        except ValueError:
            sheet.write_string(x, y, text)
            return
        if kind in ("count", "number"):
            sheet.write_number(x, y, int(number))
        else:
            sheet.write_number(x, y, number, formats.get(kind))
        return
    sheet.write_string(x, y, text)

"""Import customers and monthly consumption from billing exports (CSV or XLSX).

Both importers work the same way (docs/import.md lists the columns):

- the file is read row by row (CSV in UTF-8 or GB18030, or the first sheet of an XLSX workbook);
- every row is validated with the model's own field validators (`full_clean`), the station by
  its code and the account manager by username, the line (线路) and transformer area (台区) by
  their codes within the row's station (an unknown code is a row error; an area given without
  its line sets the area's line; a line that is not the area's is a row error); a bad row is reported with its line number and
  the reason, and changes nothing;
- good rows are upserted in chunks: one query finds the existing rows of a chunk, then one
  `bulk_create` for the new and one `bulk_update` for the changed; a row equal to what is stored
  is counted as unchanged and not written, so re-running a file changes nothing.

Each chunk commits on its own, so a 200,000-row file neither holds one long transaction nor
loses the good rows of earlier chunks when a later row is bad.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicecenter.roles import ACCOUNT_MANAGER

from .choices import CustomerKind
from .models import ConsumptionRecord, Customer, Line, SupplyStation, TransformerArea

CHUNK_SIZE = 2000


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, unknown or missing columns)."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.errors)

    def summary(self) -> str:
        return _("%(created)d created / %(updated)d updated / %(unchanged)d unchanged / %(bad)d bad rows") % {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "bad": len(self.errors)}


# --- reading files ---------------------------------------------------------------------------

def _cell_text(value) -> str:
    """A cell as text: XLSX gives numbers for digit-only cells (account numbers, phones)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _open_csv_text(path: Path) -> io.TextIOBase:
    # Billing systems in China export UTF-8 (often with a BOM) or GBK; GB18030 is GBK's superset.
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    try:
        head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is not a wrong encoding
        encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "gb18030"
    return open(path, encoding=encoding, newline="")


def read_table(path: str | Path) -> tuple[list[str], Iterator[tuple[int, list[str]]], int | None]:
    """(header, rows as (line number, cells), approximate row count or None) of a CSV/XLSX file.

    Line numbers are those a person sees in a text editor or spreadsheet: the header is line 1.
    """
    path = Path(path)
    if not path.exists():
        raise ImportFileError(_("No such file: %(path)s") % {"path": path})
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header_row = next(it, None)
        if header_row is None:
            raise ImportFileError(_("The file is empty."))
        header = [_cell_text(v) for v in header_row]
        total = (ws.max_row - 1) if ws.max_row else None

        def xlsx_rows():
            try:
                for n, row in enumerate(it, start=2):
                    cells = [_cell_text(v) for v in row]
                    if any(cells):
                        yield n, cells
            finally:
                wb.close()

        return header, xlsx_rows(), total
    if suffix in (".csv", ".txt"):
        with open(path, "rb") as fh:
            total = max(sum(1 for _line in fh) - 1, 0)
        fh = _open_csv_text(path)
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            fh.close()
            raise ImportFileError(_("The file is empty."))
        except UnicodeDecodeError:
            fh.close()
            raise ImportFileError(_("The file is neither UTF-8 nor GB18030 text."))

        def csv_rows():
            with fh:
                line = reader.line_num
                try:
                    for row in reader:
                        start, line = line + 1, reader.line_num
                        cells = [c.strip() for c in row]
                        if any(cells):
                            yield start, cells
                except (csv.Error, UnicodeDecodeError) as exc:
                    raise ImportFileError(_("Line %(line)d cannot be read: %(error)s")
                                          % {"line": line + 1, "error": exc})

        return [h.strip() for h in header], csv_rows(), total
    raise ImportFileError(_("Unsupported file type %(suffix)s: use .csv or .xlsx") % {"suffix": suffix or "?"})


def _map_header(header: list[str], aliases: dict[str, str], required: Iterable[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    unknown = []
    for index, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        if not name:
            continue
        key = aliases.get(name) or aliases.get(name.lower()) or aliases.get(name.lower().replace(" ", "_"))
        if key is None:
            unknown.append(name)
        elif key in columns:
            raise ImportFileError(_("Column %(name)s appears twice.") % {"name": name})
        else:
            columns[key] = index
    if unknown:
        raise ImportFileError(_("Unknown columns: %(names)s (see docs/import.md)") % {"names": ", ".join(unknown)})
    missing = [c for c in required if c not in columns]
    if missing:
        raise ImportFileError(_("Missing required columns: %(names)s") % {"names": ", ".join(missing)})
    return columns


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(str(m) for m in msgs)}" for name, msgs in exc.message_dict.items())
    return " ".join(str(m) for m in exc.messages)


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _DryRunRollback(Exception):
    pass


def _run(rows, *, process_chunk, chunk_size, progress, report) -> ImportReport:
    bar = progress
    try:
        if report.dry_run:
            try:
                with transaction.atomic():
                    for chunk in _chunks(rows, chunk_size):
                        process_chunk(chunk, report)
                        if bar:
                            bar.update(len(chunk))
                    raise _DryRunRollback
            except _DryRunRollback:
                pass
        else:
            for chunk in _chunks(rows, chunk_size):
                with transaction.atomic():
                    process_chunk(chunk, report)
                if bar:
                    bar.update(len(chunk))
    finally:
        if bar:
            bar.close()
    report.errors.sort()
    return report


# --- customers ---------------------------------------------------------------------------------

CUSTOMER_COLUMNS = {
    "account_no": ["户号", "用户编号"],
    "name": ["户名", "客户名称", "用户名称"],
    "station": ["供电所", "供电所编码", "station_code"],
    "kind": ["用户类别", "客户类别"],
    "voltage_kv": ["电压等级", "电压等级(kv)", "电压等级（kv）", "voltage"],
    "address": ["地址", "用电地址"],
    "phone": ["电话", "联系电话"],
    "contact_name": ["联系人"],
    "dual_power_supply": ["双电源"],
    "dual_circuit": ["双回路"],
    "important_level": ["重要用户等级", "重要电力用户"],
    "has_pv": ["光伏"],
    "has_ev_charging": ["充电桩"],
    "account_manager": ["客户经理"],
    # grid location (SPEC §12): codes of the row's station's line and transformer area
    "line": ["线路", "线路编码", "所属线路", "line_code"],
    "area": ["台区", "台区编码", "所属台区", "area_code"],
}
CUSTOMER_REQUIRED = ["account_no", "name", "station"]
_BOOL_FIELDS = {"dual_power_supply", "dual_circuit", "has_pv", "has_ev_charging"}
_TRUE = {"true", "1", "yes", "y", "是", "有", "√"}
_FALSE = {"false", "0", "no", "n", "否", "无", ""}
_KIND_ALIASES = {"居民": "residential", "商业": "commercial", "工业": "industrial", "农业": "agricultural",
                 "公用": "public", "公共": "public"}
_LEVEL_ALIASES = {"": "none", "无": "none", "否": "none", "特级": "special", "一级": "first", "二级": "second",
                  "临时": "temporary", "临时性": "temporary"}


def _aliases(columns: dict[str, list[str]]) -> dict[str, str]:
    out = {}
    for key, names in columns.items():
        out[key] = key
        for name in names:
            out[name] = key
            out[name.lower()] = key
    return out


def _parse_customer_row(cells, columns, stations, managers) -> tuple[dict, dict]:
    """Raw cells -> (model field values, field errors) without touching the database."""
    values: dict = {}
    errors: dict[str, str] = {}
    for key, index in columns.items():
        raw = cells[index] if index < len(cells) else ""
        if key in _BOOL_FIELDS:
            low = raw.lower()
            if low in _TRUE:
                values[key] = True
            elif low in _FALSE:
                values[key] = False
            else:
                errors[key] = _("expected yes/no (是/否, true/false, 1/0), not %(value)r") % {"value": raw}
        elif key == "station":
            station_id = stations.get(raw)
            if station_id is None:
                errors[key] = _("no station with code %(code)r") % {"code": raw}
            values["station_id"] = station_id
        elif key == "account_manager":
            if raw == "":
                values["account_manager_id"] = None
            elif raw in managers:
                values["account_manager_id"] = managers[raw]
            else:
                errors[key] = _("no account manager with username %(username)r") % {"username": raw}
        elif key in ("line", "area"):
            values[f"{key}_code"] = raw
        elif key == "kind":
            values[key] = _KIND_ALIASES.get(raw, raw.lower()) or CustomerKind.RESIDENTIAL
        elif key == "important_level":
            values[key] = _LEVEL_ALIASES.get(raw, raw.lower())
        elif key == "voltage_kv":
            values[key] = raw.lower().removesuffix("kv").strip() or "0.4"
        else:
            values[key] = raw
    return values, errors


_CUSTOMER_FIELD_OF = {"station": "station_id", "account_manager": "account_manager_id", "line": "line_id",
                      "area": "area_id"}


def _resolve_grid(parsed, columns) -> None:
    """The line and area codes of a chunk's rows -> ids, within each row's station (two queries
    per chunk). An area decides the line: given alone it sets it, given with another line it is
    a row error."""
    if "line" not in columns and "area" not in columns:
        return
    line_codes = {v.get("line_code") for _l, v, _e in parsed} - {None, ""}
    area_codes = {v.get("area_code") for _l, v, _e in parsed} - {None, ""}
    lines = {(st, code): pk for st, code, pk in
             Line.objects.filter(code__in=line_codes).values_list("station_id", "code", "pk")} if line_codes else {}
    areas = {(st, code): (pk, line_id) for st, code, pk, line_id in
             TransformerArea.objects.filter(code__in=area_codes).values_list("station_id", "code", "pk", "line_id")
             } if area_codes else {}
    for _line, values, errors in parsed:
        station_id = values.get("station_id")
        line_code, area_code = values.pop("line_code", None), values.pop("area_code", None)
        line_id = area_id = None
        if line_code:
            line_id = lines.get((station_id, line_code))
            if line_id is None:
                errors["line"] = _("no line with code %(code)r at this station") % {"code": line_code}
        if area_code:
            found = areas.get((station_id, area_code))
            if found is None:
                errors["area"] = _("no transformer area with code %(code)r at this station") % {"code": area_code}
            else:
                area_id, area_line = found
                if line_id is not None and line_id != area_line:
                    errors["area"] = _("transformer area %(area)r is not on line %(line)r") % {
                        "area": area_code, "line": line_code}
                line_id = area_line
        if "line" in columns or "area" in columns:
            values["line_id"] = line_id
        if "area" in columns:
            values["area_id"] = area_id


def import_customers(path: str | Path, *, chunk_size: int = CHUNK_SIZE, progress: Callable | None = None,
                     dry_run: bool = False) -> ImportReport:
    """Upsert customers by account number. Columns present in the file are written; columns
    absent leave stored values alone. Grades are not imported: grading runs set them."""
    header, rows, total = read_table(path)
    columns = _map_header(header, _aliases(CUSTOMER_COLUMNS), CUSTOMER_REQUIRED)
    stations = dict(SupplyStation.objects.values_list("code", "id"))
    managers = dict(get_user_model().objects.filter(groups__name=ACCOUNT_MANAGER).values_list("username", "id"))
    update_fields = [_CUSTOMER_FIELD_OF.get(key, key) for key in columns if key != "account_no"]
    if "area" in columns and "line_id" not in update_fields:
        update_fields.append("line_id")  # the area decides the line
    # The model's own field validation (what full_clean runs per field: to_python, blank, choices,
    # validators), applied to the file's columns only. Station and account manager were resolved
    # above from one query each, not one per row.
    checked = [Customer._meta.get_field(key) for key in columns if key not in _CUSTOMER_FIELD_OF]
    seen: dict[str, int] = {}
    report = ImportReport(dry_run=dry_run)

    def process_chunk(chunk, report):
        parsed = []
        for line, cells in chunk:
            values, errors = _parse_customer_row(cells, columns, stations, managers)
            account_no = values.get("account_no", "")
            if account_no in seen:
                errors.setdefault("account_no", _("account number %(no)s already on line %(line)d")
                                  % {"no": account_no, "line": seen[account_no]})
            elif account_no:
                seen[account_no] = line
            parsed.append((line, values, errors))
        _resolve_grid(parsed, columns)
        existing = Customer.objects.in_bulk([v["account_no"] for _l, v, e in parsed if v.get("account_no")],
                                            field_name="account_no")
        to_create, to_update = [], []
        now = timezone.now()
        for line, values, errors in parsed:
            for f in checked:
                if f.name in errors:
                    continue
                try:
                    values[f.attname] = f.clean(values[f.attname], None)
                except ValidationError as exc:
                    errors[f.name] = " ".join(str(m) for m in exc.messages)
            if errors:
                report.errors.append((line, "; ".join(f"{k}: {v}" for k, v in errors.items())))
                continue
            old = existing.get(values["account_no"])
            if old is None:
                to_create.append(Customer(**values))
            elif any(getattr(old, f) != values[f] for f in update_fields):
                for f in update_fields:
                    setattr(old, f, values[f])
                old.updated_at = now
                to_update.append(old)
            else:
                report.unchanged += 1
        Customer.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Customer.objects.bulk_update(to_update, [*update_fields, "updated_at"], batch_size=500)
        report.created += len(to_create)
        report.updated += len(to_update)

    bar = progress(total=total, unit="rows") if progress else None
    return _run(rows, process_chunk=process_chunk, chunk_size=chunk_size, progress=bar, report=report)


# --- consumption --------------------------------------------------------------------------------

CONSUMPTION_COLUMNS = {
    "account_no": ["户号", "用户编号"],
    "period": ["年月", "账期", "电费年月"],
    "kwh": ["电量", "电量(kwh)", "电量（kwh）", "用电量"],
    "amount_yuan": ["电费", "电费(元)", "电费（元）", "amount"],
}


def parse_period(raw: str) -> date:
    """'2026-03', '2026/03', '202603' or '2026-03-01' -> date(2026, 3, 1)."""
    text = raw.strip().replace("/", "-").replace(".", "-")
    try:
        if len(text) == 6 and text.isdigit():
            return date(int(text[:4]), int(text[4:]), 1)
        parts = text.split("-")
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 3:
            day = date(int(parts[0]), int(parts[1]), int(parts[2][:2]))
            if day.day == 1:
                return day
    except ValueError:
        pass
    raise ValueError(_("period must be a month like 2026-03, not %(value)r") % {"value": raw})


def import_consumption(path: str | Path, *, chunk_size: int = CHUNK_SIZE, progress: Callable | None = None,
                       dry_run: bool = False) -> ImportReport:
    """Upsert monthly consumption by (account number, period)."""
    header, rows, total = read_table(path)
    columns = _map_header(header, _aliases(CONSUMPTION_COLUMNS), list(CONSUMPTION_COLUMNS))
    seen: dict[tuple[str, date], int] = {}
    amount_fields = [ConsumptionRecord._meta.get_field("kwh"), ConsumptionRecord._meta.get_field("amount_yuan")]
    report = ImportReport(dry_run=dry_run)

    def process_chunk(chunk, report):
        parsed = []
        for line, cells in chunk:
            raw = {key: (cells[i] if i < len(cells) else "") for key, i in columns.items()}
            errors: dict[str, str] = {}
            period = None
            try:
                period = parse_period(raw["period"])
            except ValueError as exc:
                errors["period"] = str(exc)
            for key in ("kwh", "amount_yuan"):
                try:
                    raw[key] = Decimal(raw[key].replace(",", ""))
                except InvalidOperation:
                    errors[key] = _("%(value)r is not a number") % {"value": raw[key]}
            key = (raw["account_no"], period)
            if period and key in seen:
                errors["period"] = _("%(no)s %(period)s already on line %(line)d") % {
                    "no": raw["account_no"], "period": f"{period:%Y-%m}", "line": seen[key]}
            elif period:
                seen[key] = line
            parsed.append((line, raw, period, errors))
        customers = dict(Customer.objects.filter(account_no__in={r["account_no"] for _l, r, _p, _e in parsed})
                         .values_list("account_no", "id"))
        existing = {(rec.customer_id, rec.period): rec for rec in ConsumptionRecord.objects.filter(
            customer_id__in=customers.values(), period__in={p for _l, _r, p, _e in parsed if p})}
        to_create, to_update = [], []
        now = timezone.now()
        for line, raw, period, errors in parsed:
            customer_id = customers.get(raw["account_no"])
            if customer_id is None and "account_no" not in errors:
                errors["account_no"] = _("no customer with account number %(no)r") % {"no": raw["account_no"]}
            for f in amount_fields:
                if f.name not in errors:
                    try:  # the model field's own checks: finite, max digits, decimal places, >= 0
                        raw[f.name] = f.clean(raw[f.name], None)
                    except ValidationError as exc:
                        errors[f.name] = " ".join(str(m) for m in exc.messages)
            if errors:
                report.errors.append((line, "; ".join(f"{k}: {v}" for k, v in errors.items())))
                continue
            old = existing.get((customer_id, period))
            if old is None:
                to_create.append(ConsumptionRecord(customer_id=customer_id, period=period, kwh=raw["kwh"],
                                                   amount_yuan=raw["amount_yuan"]))
            elif old.kwh != raw["kwh"] or old.amount_yuan != raw["amount_yuan"]:
                old.kwh, old.amount_yuan, old.updated_at = raw["kwh"], raw["amount_yuan"], now
                to_update.append(old)
            else:
                report.unchanged += 1
        ConsumptionRecord.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            ConsumptionRecord.objects.bulk_update(to_update, ["kwh", "amount_yuan", "updated_at"], batch_size=500)
        report.created += len(to_create)
        report.updated += len(to_update)

    bar = progress(total=total, unit="rows") if progress else None
    return _run(rows, process_chunk=process_chunk, chunk_size=chunk_size, progress=bar, report=report)


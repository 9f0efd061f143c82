"""A report snapshot as tables: one sheet per section in XLSX, sections one after another in CSV."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from customers.privacy import mask_phone

from .models import ReportSnapshot

# section key -> (title, [(field, column title)]); the summary is a two-column table. Snapshots
# store stable codes (station, category, deadline kind, channel, username); the tables show the
# names and labels of the language the download is made in (see _Labels), never a code.
SECTIONS = [
    ("intake_by_channel", pgettext_lazy("report", "Intake by channel"),
     [("channel", pgettext_lazy("report", "Channel")), ("complaints", pgettext_lazy("report", "Complaints"))]),
    ("intake_by_category", pgettext_lazy("report", "Intake by category"),
     [("class_code", pgettext_lazy("report", "Class")), ("code", pgettext_lazy("report", "Category")),
      ("complaints", pgettext_lazy("report", "Complaints")),
      ("effective", pgettext_lazy("report", "Effective complaints"))]),
    ("stations", pgettext_lazy("report", "Stations"),
     [("station", pgettext_lazy("report", "Station")),
      ("complaints", pgettext_lazy("report", "Complaints")),
      ("effective", pgettext_lazy("report", "Effective complaints")),
      ("breached", pgettext_lazy("report", "Complaints with a missed deadline")),
      ("ack_rate", pgettext_lazy("report", "Acknowledged on time %")),
      ("resolve_rate", pgettext_lazy("report", "Resolved on time %")),
      ("callback_rate", pgettext_lazy("report", "Called back on time %"))]),
    ("breaches", pgettext_lazy("report", "Breaches"),
     [("number", pgettext_lazy("report", "Number")), ("station", pgettext_lazy("report", "Station")),
      ("handler", pgettext_lazy("report", "Handler")), ("kind", pgettext_lazy("report", "Deadline")),
      ("due_at", pgettext_lazy("report", "Due")), ("done_at", pgettext_lazy("report", "Done")),
      ("category", pgettext_lazy("report", "Category"))]),
    ("repeat_complainants", pgettext_lazy("report", "Repeat complainants"),
     [("who", pgettext_lazy("report", "Complainant")), ("account_no", pgettext_lazy("report", "Account number")),
      ("phone", pgettext_lazy("report", "Phone")), ("complaints", pgettext_lazy("report", "Complaints"))]),
    ("staff", pgettext_lazy("report", "Staff assessment"),
     [("handler", pgettext_lazy("report", "Handler")), ("station", pgettext_lazy("report", "Station")),
      ("effective", pgettext_lazy("report", "Effective complaints")),
      ("amount_yuan", pgettext_lazy("report", "Assessment (yuan)")),
      ("public_notice", pgettext_lazy("report", "Public notice"))]),
    # every kind of order (SPEC §11): complaints first and apart, terminated orders counted apart
    ("kinds", pgettext_lazy("report", "Orders by kind"),
     [("order_kind", pgettext_lazy("report", "Kind of order")), ("received", pgettext_lazy("report", "Orders received")),
      ("open", pgettext_lazy("report", "Open at the end of the period")),
      ("breached", pgettext_lazy("report", "Orders with a missed deadline")),
      ("terminated", pgettext_lazy("report", "Terminated (counted apart)")),
      ("ack_rate", pgettext_lazy("report", "First contact on time %")),
      ("resolve_rate", pgettext_lazy("report", "Replied on time %")),
      ("callback_rate", pgettext_lazy("report", "Called back on time %")),
      ("assign_rate", pgettext_lazy("report", "Dispatched on time %"))]),
    ("typical_cases", pgettext_lazy("report", "Typical cases"),
     [("number", pgettext_lazy("report", "Number")), ("station", pgettext_lazy("report", "Station")),
      ("category", pgettext_lazy("report", "Category")), ("received_at", pgettext_lazy("report", "Received")),
      ("description", pgettext_lazy("report", "Description")), ("resolution", pgettext_lazy("report", "Resolution"))]),
]


class _Labels:
    """Names and labels for the codes a snapshot stores, in the active language: one query each
    for stations, categories and the users named (whatever the number of rows)."""

    def __init__(self, data: dict):
        from django.contrib.auth import get_user_model

        from complaints.choices import ComplaintChannel, DeadlineKind, OrderKind
        from complaints.models import ComplaintCategory
        from customers.models import SupplyStation

        self.stations = dict(SupplyStation.objects.values_list("code", "name"))
        self.categories = {c.code: c.label for c in ComplaintCategory.objects.only("code", "name", "name_en")}
        usernames = {row.get("handler") for key in ("breaches", "staff") for row in data.get(key, [])} - {"", None}
        self.people = {u.get_username(): (u.get_full_name() or u.get_username())
                       for u in get_user_model().objects.filter(username__in=usernames)}
        self.kinds = {k: str(v) for k, v in DeadlineKind.choices}
        self.channels = {k: str(v) for k, v in ComplaintChannel.choices}
        self.order_kinds = {k: str(v) for k, v in OrderKind.choices}
        self.order_kinds["others"] = str(pgettext_lazy("report", "Other kinds together"))

    def cell(self, section: str, field: str, row: dict):
        value = row.get(field)
        if section == "kinds":
            if field == "order_kind":
                return self.order_kinds.get(value, value)
            if field.endswith("_rate") and field.removesuffix("_rate") not in row.get("deadlines", []):
                return "—"  # the kind has no such deadline
            return value
        if field == "station" and value:
            # a station code, or several joined ("S01, S02") for a handler who moved
            return "、".join(self.stations.get(code.strip(), code.strip()) for code in str(value).split(","))
        if field == "handler" and value is not None:
            return self.people.get(value) or row.get("handler_name") or row.get("name") or value
        if field == "kind":
            return self.kinds.get(value, value)
        if field == "channel":
            return self.channels.get(value, row.get("label", value))
        if field in ("code", "class_code", "category") and section != "typical_cases":
            fallback = row.get({"code": "name", "class_code": "class_name"}.get(field, ""), value)
            return self.categories.get(value, fallback)
        if section == "typical_cases" and field == "category":
            return self.categories.get(row.get("category_code", ""), value)
        return value


SUMMARY_LABELS = [
    ("complaints", pgettext_lazy("report", "Complaints")),
    ("effective", pgettext_lazy("report", "Effective complaints")),
    ("effective_rate", pgettext_lazy("report", "Effective complaints %")),
    ("repeat", pgettext_lazy("report", "Repeat complaints")),
    ("breached", pgettext_lazy("report", "Complaints with a missed deadline")),
    ("ack_on_time", pgettext_lazy("report", "Acknowledged on time")),
    ("ack_late", pgettext_lazy("report", "Acknowledged late")),
    ("ack_open", pgettext_lazy("report", "Not acknowledged yet")),
    ("ack_rate", pgettext_lazy("report", "Acknowledged on time %")),
    ("resolve_on_time", pgettext_lazy("report", "Resolved on time")),
    ("resolve_late", pgettext_lazy("report", "Resolved late")),
    ("resolve_open", pgettext_lazy("report", "Not resolved yet")),
    ("resolve_rate", pgettext_lazy("report", "Resolved on time %")),
    ("callback_on_time", pgettext_lazy("report", "Called back on time")),
    ("callback_late", pgettext_lazy("report", "Called back late")),
    ("callback_open", pgettext_lazy("report", "Not called back yet")),
    ("callback_rate", pgettext_lazy("report", "Called back on time %")),
    ("satisfaction_rate", pgettext_lazy("report", "Satisfied at callback %")),
    ("typical", pgettext_lazy("report", "Typical cases")),
]


# A text cell starting with one of these would run as a formula in a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Columns whose values are phone numbers: masked in every export (SPEC §13).
PHONE_COLUMNS = frozenset({"phone"})


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    return value


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value):
    """A CSV cell that a spreadsheet shows as the text it is: a leading ' before =, +, -, @, tab or CR."""
    return "'" + value if is_formula_like(value) else value


def tables(snapshot: ReportSnapshot) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for every section, the summary first."""
    data = snapshot.data
    summary = data.get("summary", {})
    out = [(str(pgettext_lazy("report sheet", "Summary")), [str(_("Figure")), str(_("Value"))],
            [[str(label), _cell(summary.get(key))] for key, label in SUMMARY_LABELS])]
    labels = _Labels(data)
    for key, title, columns in SECTIONS:
        out.append((str(title), [str(c) for _f, c in columns],
                    [[_cell(mask_phone(row.get(f)) if f in PHONE_COLUMNS else labels.cell(key, f, row))
                      for f, _c in columns] for row in data.get(key, [])]))
    return out


def filename(snapshot: ReportSnapshot, ext: str) -> str:
    return f"report-{snapshot.kind}-{snapshot.period_start:%Y%m%d}-{snapshot.period_end:%Y%m%d}.{ext}"


def to_csv(snapshot: ReportSnapshot) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads Chinese correctly); sections separated by a
    blank line, each headed by its title."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([title_line(snapshot)])
    for title, header, rows in tables(snapshot):
        writer.writerow([])
        writer.writerow([csv_safe(title)])
        writer.writerow([csv_safe(c) for c in header])
        writer.writerows([[csv_safe(v) for v in row] for row in rows])
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def title_line(snapshot: ReportSnapshot) -> str:
    return f"{snapshot.get_kind_display()} {snapshot.period_start:%Y-%m-%d} – {snapshot.period_end:%Y-%m-%d}"


def to_xlsx(snapshot: ReportSnapshot) -> bytes:
    """One sheet per section: bold filled header row, frozen, columns sized to their content."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="0B4F9C")
    for title, header, rows in tables(snapshot):
        ws = wb.create_sheet(title=title[:31])
        ws.append(header)
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in rows:
            ws.append(row)
            for cell, value in zip(ws[ws.max_row], row, strict=False):
                if is_formula_like(value):
                    cell.data_type = "s"  # text, never a formula
        ws.freeze_panes = "A2"
        for idx, col in enumerate(header, start=1):
            values = [col] + [r[idx - 1] for r in rows]
            # CJK characters are about twice as wide as Latin ones
            width = max(_display_width(str(v)) for v in values)
            ws.column_dimensions[get_column_letter(idx)].width = min(max(width + 2, 8), 60)
    wb.properties.title = title_line(snapshot)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

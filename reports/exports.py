"""A report snapshot as tables: one sheet per section in XLSX, sections one after another in CSV."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ReportSnapshot

# section key -> (title, [(field, column title)]); the summary is a two-column table.
SECTIONS = [
    ("intake_by_channel", gettext_lazy("Intake by channel"),
     [("label", gettext_lazy("Channel")), ("complaints", gettext_lazy("Complaints"))]),
    ("intake_by_category", gettext_lazy("Intake by category"),
     [("class_name", gettext_lazy("Class")), ("code", gettext_lazy("Code")), ("name", gettext_lazy("Category")),
      ("complaints", gettext_lazy("Complaints")), ("effective", gettext_lazy("Effective complaints"))]),
    ("stations", gettext_lazy("Stations"),
     [("station", gettext_lazy("Station code")), ("name", gettext_lazy("Station")),
      ("complaints", gettext_lazy("Complaints")), ("effective", gettext_lazy("Effective complaints")),
      ("breached", gettext_lazy("Breached")), ("ack_rate", gettext_lazy("Acknowledged on time %")),
      ("resolve_rate", gettext_lazy("Resolved on time %")), ("callback_rate", gettext_lazy("Called back on time %"))]),
    ("breaches", gettext_lazy("Breaches"),
     [("number", gettext_lazy("Number")), ("station", gettext_lazy("Station code")),
      ("handler", gettext_lazy("Handler")), ("handler_name", gettext_lazy("Name")),
      ("kind", gettext_lazy("Deadline")), ("due_at", gettext_lazy("Due")), ("done_at", gettext_lazy("Done")),
      ("category", gettext_lazy("Category"))]),
    ("repeat_complainants", gettext_lazy("Repeat complainants"),
     [("who", gettext_lazy("Complainant")), ("account_no", gettext_lazy("Account number")),
      ("phone", gettext_lazy("Phone")), ("complaints", gettext_lazy("Complaints"))]),
    ("staff", gettext_lazy("Staff assessment"),
     [("handler", gettext_lazy("Handler")), ("name", gettext_lazy("Name")), ("station", gettext_lazy("Station code")),
      ("effective", gettext_lazy("Effective complaints")), ("amount_yuan", gettext_lazy("Assessment (yuan)")),
      ("public_notice", gettext_lazy("Public notice"))]),
    ("typical_cases", gettext_lazy("Typical cases"),
     [("number", gettext_lazy("Number")), ("station", gettext_lazy("Station code")),
      ("category", gettext_lazy("Category")), ("received_at", gettext_lazy("Received")),
      ("description", gettext_lazy("Description")), ("resolution", gettext_lazy("Resolution"))]),
]

SUMMARY_LABELS = [
    ("complaints", gettext_lazy("Complaints")),
    ("effective", gettext_lazy("Effective complaints")),
    ("effective_rate", gettext_lazy("Effective complaints %")),
    ("repeat", gettext_lazy("Repeat complaints")),
    ("breached", gettext_lazy("Complaints with a missed deadline")),
    ("ack_on_time", gettext_lazy("Acknowledged on time")),
    ("ack_late", gettext_lazy("Acknowledged late")),
    ("ack_open", gettext_lazy("Not acknowledged yet")),
    ("ack_rate", gettext_lazy("Acknowledged on time %")),
    ("resolve_on_time", gettext_lazy("Resolved on time")),
    ("resolve_late", gettext_lazy("Resolved late")),
    ("resolve_open", gettext_lazy("Not resolved yet")),
    ("resolve_rate", gettext_lazy("Resolved on time %")),
    ("callback_on_time", gettext_lazy("Called back on time")),
    ("callback_late", gettext_lazy("Called back late")),
    ("callback_open", gettext_lazy("Not called back yet")),
    ("callback_rate", gettext_lazy("Called back on time %")),
    ("satisfaction_rate", gettext_lazy("Satisfied at callback %")),
    ("typical", gettext_lazy("Typical cases")),
]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    return value


def tables(snapshot: ReportSnapshot) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for every section, the summary first."""
    data = snapshot.data
    summary = data.get("summary", {})
    out = [(str(_("Summary")), [str(_("Figure")), str(_("Value"))],
            [[str(label), _cell(summary.get(key))] for key, label in SUMMARY_LABELS])]
    for key, title, columns in SECTIONS:
        out.append((str(title), [str(c) for _f, c in columns],
                    [[_cell(row.get(f)) for f, _c in columns] for row in data.get(key, [])]))
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
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
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

"""What a history record changed, field by field (for admin lists and tests)."""

from __future__ import annotations


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def describe(record) -> list[tuple[str, str, str]]:
    """[(field, old, new), …] of a history record against the record before it; a creation
    lists its values as new, a deletion as old."""
    fields = [f for f in record.instance_type._meta.concrete_fields if hasattr(record, f.attname)]
    if record.history_type == "+":
        return [(f.verbose_name, "—", _show(getattr(record, f.attname))) for f in fields
                if getattr(record, f.attname) not in (None, "")]
    if record.history_type == "-":
        return [(f.verbose_name, _show(getattr(record, f.attname)), "—") for f in fields]
    before = record.prev_record
    if before is None:
        return []
    delta = record.diff_against(before, foreign_keys_are_objs=False)
    names = {f.name: f.verbose_name for f in record.instance_type._meta.get_fields() if hasattr(f, "verbose_name")}
    out = []
    for change in delta.changes:
        old, new = change.old, change.new
        if isinstance(old, list) or isinstance(new, list):  # m2m: the through rows
            old = sorted(str(next(iter(v for k, v in row.items() if k != change.field), row)) for row in old or [])
            new = sorted(str(next(iter(v for k, v in row.items() if k != change.field), row)) for row in new or [])
        out.append((str(names.get(change.field, change.field)), _show(old), _show(new)))
    return out

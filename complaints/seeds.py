"""Default data seeded by migrations: complaint categories and SLA policies (the work calendar's
seed is core.seeds)."""

from __future__ import annotations

# 4 classes / 17 items of the seed's assessment rules (DOMAIN.md): (code, 中文, English, items)
CATEGORIES = [
    ("service", "服务规范类", "Service conduct", [
        ("service.attitude", "服务态度", "Attitude"),
        ("service.conduct", "服务规范", "Conduct rules"),
    ]),
    ("billing", "营销管理类", "Sales & billing", [
        ("billing.meter_reading", "抄表质量", "Meter reading"),
        ("billing.fees", "营业收费", "Business charges"),
        ("billing.tariff", "电费电价", "Bills and tariffs"),
        ("billing.collection", "催收电费", "Bill collection"),
        ("billing.metering", "电能计量", "Metering"),
        ("billing.connection", "报装接电", "New connections"),
    ]),
    ("operation", "运行维护类", "Operation & maintenance", [
        ("operation.fault", "故障处理", "Fault handling"),
        ("operation.quality", "供电质量", "Supply quality"),
        ("operation.outage_notice", "停电公告", "Outage notices"),
        ("operation.appliance_damage", "电器损坏", "Damaged appliances"),
        ("operation.hazard", "安全隐患", "Safety hazards"),
        ("operation.construction", "施工质量", "Construction quality"),
        ("operation.environment", "环保", "Environment"),
        ("operation.grid_upgrade", "电网改造", "Grid upgrades"),
    ]),
    ("publicity", "供电方宣传责任类", "Publicity", [
        ("publicity.insufficient", "宣传不到位", "Insufficient publicity"),
    ]),
]

# SPEC §4 defaults: name, severity, grade, channel, priority, ack, resolve, callback
SLA_POLICIES = [
    ("默认（普通客户）", "", "", "", 0, (24, "hours"), (5, "workdays"), (1, "workdays")),
    ("一般投诉·普通客户(C)", "normal", "C", "", 0, (24, "hours"), (5, "workdays"), (1, "workdays")),
    ("一般投诉·金牌客户(B)", "normal", "B", "", 0, (4, "hours"), (4, "workdays"), (1, "workdays")),
    ("一般投诉·钻石客户(A)", "normal", "A", "", 0, (2, "hours"), (3, "workdays"), (1, "workdays")),
    ("重大投诉", "major", "", "", 0, (2, "hours"), (10, "workdays"), (1, "workdays")),
    ("越级投诉（上级转办）", "", "", "forwarded", 0, (2, "hours"), (168, "hours"), (1, "workdays")),
]

H, WD = "hours", "workdays"

# SPEC §4 (the severities and higher-authority channels added with the kinds of order) and §11
# (the kinds): one row per default policy, editable in admin. `ack`/`resolve`/`callback`: (amount,
# unit) or None (the kind has no such deadline). `source`: "rule" = a published rule (DOMAIN.md,
# "Time limits" and "Beyond complaints"), "ours" = no published limit was found (docs/tickets.md).
KIND_POLICIES = [
    {"name": "较大投诉", "severity": "significant", "ack": (2, H), "resolve": (5, WD), "callback": (1, WD),
     "source": "rule"},
    {"name": "特殊投诉", "severity": "special", "ack": (2, H), "resolve": (10, WD), "callback": (1, WD),
     "source": "rule"},
    {"name": "12398能源监管热线", "channel": "hotline_12398", "ack": (2, H), "resolve": (10, WD),
     "callback": (1, WD), "source": "rule"},
    {"name": "12345政务服务热线", "channel": "hotline_12345", "ack": (2, H), "resolve": (168, H),
     "callback": (1, WD), "source": "rule"},
    {"name": "举报", "kind": "report", "ack": (24, H), "resolve": (9, WD), "callback": (1, WD), "source": "rule"},
    {"name": "意见", "kind": "opinion", "ack": (24, H), "resolve": (5, WD), "callback": (1, WD), "source": "ours"},
    {"name": "建议", "kind": "suggestion", "resolve": (10, WD), "source": "ours"},
    {"name": "咨询", "kind": "enquiry", "resolve": (1, WD), "source": "ours"},
    {"name": "表扬", "kind": "praise", "resolve": (1, WD), "source": "ours"},
    {"name": "服务申请（其他）", "kind": "service", "resolve": (5, WD), "callback": (1, WD), "source": "rule"},
    {"name": "服务申请·欠费复电", "kind": "service", "service_type": "reconnection", "resolve": (24, H),
     "callback": (1, WD), "source": "rule"},
    {"name": "服务申请·家电损坏", "kind": "service", "service_type": "appliance_damage", "resolve": (24, H),
     "callback": (1, WD), "source": "rule"},
    {"name": "服务申请·计量故障", "kind": "service", "service_type": "meter_fault", "resolve": (4, WD),
     "callback": (1, WD), "source": "rule"},
    {"name": "服务申请·抄表异常", "kind": "service", "service_type": "reading_anomaly", "resolve": (6, WD),
     "callback": (1, WD), "source": "rule"},
    {"name": "故障报修", "kind": "repair", "callback": (1, WD), "source": "rule"},
]


def kind_policy_fields(row: dict) -> dict:
    """A KIND_POLICIES row as SlaPolicy field values (its name apart)."""
    out = {"kind": row.get("kind", ""), "service_type": row.get("service_type", ""),
           "severity": row.get("severity", ""), "grade": "", "channel": row.get("channel", ""), "priority": 0}
    for target in ("ack", "resolve", "callback"):
        amount, unit = row.get(target) or (None, "hours" if target == "ack" else "workdays")
        out[f"{target}_amount"], out[f"{target}_unit"] = amount, unit
    return out

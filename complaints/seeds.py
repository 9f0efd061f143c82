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

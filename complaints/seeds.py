"""Default data seeded by migrations (and reused by commands): categories, SLA policies, calendar."""

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

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def calendar_rows(year: int) -> list[tuple]:
    """(date, is_workday, name) for a year known to `chinesecalendar`, names in Chinese."""
    import chinese_calendar

    rows = []
    for table, is_workday in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, name in table.items():
            if day.year == year:
                name = str(name)
                zh = HOLIDAY_NAMES_ZH.get(name, name)
                rows.append((day, is_workday, f"{zh}调休上班" if is_workday else zh))
    return sorted(rows)


def package_years() -> set[int]:
    import chinese_calendar

    return {d.year for d in chinese_calendar.holidays}


def seed_years(today_year: int) -> list[int]:
    """The years a fresh install seeds: 2025 through next year, those the package knows."""
    return sorted(y for y in package_years() if min(2025, today_year) <= y <= today_year + 1)

"""The work calendar's seed: holidays and 调休 make-up days from the `chinesecalendar` package
(used by complaints' seed migration and by `manage.py seed_calendar`)."""

from __future__ import annotations

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

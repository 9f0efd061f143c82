"""import_customers / import_consumption: good rows in, bad rows reported and ignored, re-runs idempotent."""

import csv
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from customers.importers import ImportFileError, import_consumption, import_customers, parse_period
from customers.models import ConsumptionRecord, Customer
from tests.customers.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

CUSTOMER_HEADER = ["account_no", "name", "station", "kind", "voltage_kv", "address", "phone", "contact_name",
                   "dual_power_supply", "important_level", "has_pv", "account_manager"]
GOOD = [
    ["3300000001", "张三", "S01", "residential", "0.4", "城东路1号", "13800000001", "", "no", "none", "no", ""],
    ["3300000002", "城东机械厂", "S01", "industrial", "10", "工业园3号", "0571-88776655", "李厂长", "是", "一级",
     "否", "am1"],
]
BAD = [
    ["12345", "短户号", "S01", "residential", "0.4", "", "13800000003", "", "no", "none", "no", ""],
    ["3300000004", "未知供电所", "S99", "residential", "0.4", "", "13800000004", "", "no", "none", "no", ""],
    ["3300000005", "坏电话", "S01", "residential", "0.4", "", "12345", "", "no", "none", "no", ""],
    ["3300000006", "负电压", "S01", "residential", "-1", "", "13800000006", "", "no", "none", "no", ""],
    ["3300000007", "坏经理", "S01", "residential", "0.4", "", "13800000007", "", "no", "none", "no", "nobody"],
    ["3300000008", "坏标志", "S01", "spaceship", "0.4", "", "13800000008", "", "maybe", "none", "no", ""],
    ["3300000001", "重复", "S01", "residential", "0.4", "", "13800000001", "", "no", "none", "no", ""],
]


@pytest.fixture(autouse=True)
def english():
    # reasons are translated (Chinese by default); these tests read the English ones
    with translation.override("en"):
        yield


@pytest.fixture
def setup(station, other_station):
    return StaffFactory(username="am1", role="account_manager", station=station, tier="chief")


def write_csv(path, header, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        # spreadsheets hold digit-only cells as numbers
        ws.append([int(c) if c.isdigit() and len(c) > 6 else c for c in row])
    wb.save(path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_rows_are_imported_and_bad_rows_reported_with_line_and_reason(tmp_path, setup, fmt):
    writer = write_csv if fmt == "csv" else write_xlsx
    path = writer(tmp_path / f"customers.{fmt}", CUSTOMER_HEADER, GOOD + BAD)
    report = import_customers(path)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    lines = dict(report.errors)
    assert sorted(lines) == [4, 5, 6, 7, 8, 9, 10]
    assert "account_no" in lines[4]
    assert "S99" in lines[5]
    assert "phone" in lines[6]
    assert "voltage_kv" in lines[7]
    assert "nobody" in lines[8]
    assert "kind" in lines[9] and "dual_power_supply" in lines[9]
    assert "line 2" in lines[10]
    assert set(Customer.objects.values_list("account_no", flat=True)) == {"3300000001", "3300000002"}
    factory = Customer.objects.get(account_no="3300000002")
    assert factory.kind == "industrial" and factory.voltage_kv == Decimal("10")
    assert factory.dual_power_supply and factory.important_level == "first"
    assert factory.account_manager.username == "am1" and factory.phone == "0571-88776655"
    assert Customer.objects.get(account_no="3300000001").name == "张三"  # not the duplicate's name


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_second_run_of_the_same_file_changes_nothing(tmp_path, setup, fmt):
    writer = write_csv if fmt == "csv" else write_xlsx
    path = writer(tmp_path / f"customers.{fmt}", CUSTOMER_HEADER, GOOD)
    import_customers(path)
    stamps = dict(Customer.objects.values_list("account_no", "updated_at"))
    report = import_customers(path)
    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, 2, [])
    assert dict(Customer.objects.values_list("account_no", "updated_at")) == stamps


def test_changed_rows_are_updated_and_absent_columns_left_alone(tmp_path, setup, station):
    existing = CustomerFactory(account_no="3300000001", station=station, name="旧名", phone="13900000000",
                               has_ev_charging=True, grade="A")
    path = write_csv(tmp_path / "c.csv", ["户号", "户名", "供电所"], [["3300000001", "新名", "S02"]])
    report = import_customers(path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    existing.refresh_from_db()
    assert existing.name == "新名" and existing.station.code == "S02"
    assert existing.phone == "13900000000" and existing.has_ev_charging and existing.grade == "A"


def test_a_bad_row_for_an_existing_customer_changes_nothing(tmp_path, setup, station):
    existing = CustomerFactory(account_no="3300000001", station=station, name="旧名", phone="13900000000")
    path = write_csv(tmp_path / "c.csv", ["account_no", "name", "station", "phone"],
                     [["3300000001", "新名", "S01", "bad-phone"]])
    report = import_customers(path)
    assert report.updated == 0 and [line for line, _ in report.errors] == [2]
    existing.refresh_from_db()
    assert (existing.name, existing.phone) == ("旧名", "13900000000")


def test_gbk_csv_is_read(tmp_path, setup):
    path = write_csv(tmp_path / "gbk.csv", ["户号", "户名", "供电所"], [["3300000009", "王五", "S01"]],
                     encoding="gbk")
    assert import_customers(path).created == 1
    assert Customer.objects.get(account_no="3300000009").name == "王五"


def test_unknown_or_missing_columns_refuse_the_file(tmp_path, setup):
    with pytest.raises(ImportFileError, match="phon"):
        import_customers(write_csv(tmp_path / "a.csv", ["account_no", "name", "station", "phon"], []))
    with pytest.raises(ImportFileError, match="station"):
        import_customers(write_csv(tmp_path / "b.csv", ["account_no", "name"], []))


def test_small_chunks_give_the_same_result(tmp_path, setup):
    rows = [[f"33000{n:05d}", f"客户{n}", "S01", "", "", "", "", "", "", "", "", ""] for n in range(25)]
    path = write_csv(tmp_path / "many.csv", CUSTOMER_HEADER, rows)
    assert import_customers(path, chunk_size=7).created == 25
    assert import_customers(path, chunk_size=7).unchanged == 25


def test_dry_run_saves_nothing(tmp_path, setup):
    report = import_customers(write_csv(tmp_path / "c.csv", CUSTOMER_HEADER, GOOD), dry_run=True)
    assert report.created == 2 and not Customer.objects.exists()


# --- consumption ----------------------------------------------------------------------------------

CONSUMPTION_HEADER = ["account_no", "period", "kwh", "amount_yuan"]


@pytest.fixture
def two_customers(station):
    return [CustomerFactory(account_no="3300000001", station=station),
            CustomerFactory(account_no="3300000002", station=station)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_consumption_good_bad_and_repeated_rows(tmp_path, two_customers, fmt):
    writer = write_csv if fmt == "csv" else write_xlsx
    rows = [
        ["3300000001", "2026-01", "1200.5", "720.30"],
        ["3300000001", "2026-02", "1,100", "660"],
        ["3300000002", "202601", "80", "48"],
        ["9999999999", "2026-01", "1", "1"],       # line 5: unknown customer
        ["3300000002", "2026-13", "1", "1"],       # line 6: bad month
        ["3300000002", "2026-02", "-5", "1"],      # line 7: negative kWh
        ["3300000002", "2026-03", "abc", "1"],     # line 8: not a number
        ["3300000001", "2026-01", "1", "1"],       # line 9: repeated key
        ["3300000002", "2026-04", "1.234", "NaN"],  # line 10: 3 decimals, not a number
    ]
    path = writer(tmp_path / f"consumption.{fmt}", CONSUMPTION_HEADER, rows)
    report = import_consumption(path)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    errors = dict(report.errors)
    assert sorted(errors) == [5, 6, 7, 8, 9, 10]
    assert "kwh" in errors[10] and "amount_yuan" in errors[10]
    assert "9999999999" in errors[5] and "period" in errors[6] and "kwh" in errors[7]
    assert "kwh" in errors[8] and "line 2" in errors[9]
    jan = ConsumptionRecord.objects.get(customer=two_customers[0], period="2026-01-01")
    assert (jan.kwh, jan.amount_yuan) == (Decimal("1200.50"), Decimal("720.30"))
    assert ConsumptionRecord.objects.get(customer=two_customers[0], period="2026-02-01").kwh == Decimal("1100")

    again = import_consumption(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert ConsumptionRecord.objects.count() == 3


def test_consumption_changed_amount_is_updated(tmp_path, two_customers):
    import_consumption(write_csv(tmp_path / "a.csv", CONSUMPTION_HEADER, [["3300000001", "2026-01", "10", "6"]]))
    report = import_consumption(write_csv(tmp_path / "b.csv", ["户号", "年月", "电量", "电费"],
                                          [["3300000001", "2026/01", "10", "7"]]))
    assert (report.created, report.updated) == (0, 1)
    assert ConsumptionRecord.objects.get().amount_yuan == Decimal("7")


@pytest.mark.parametrize("raw,expected", [("2026-03", "2026-03-01"), ("2026/3", "2026-03-01"),
                                          ("202603", "2026-03-01"), ("2026-03-01", "2026-03-01")])
def test_period_formats(raw, expected):
    assert parse_period(raw).isoformat() == expected


@pytest.mark.parametrize("raw", ["2026-03-15", "March", "2026-00", ""])
def test_bad_periods_are_refused(raw):
    with pytest.raises(ValueError):
        parse_period(raw)


def test_commands_print_the_report_and_fail_on_bad_rows(tmp_path, setup, capsys):
    good = write_csv(tmp_path / "good.csv", CUSTOMER_HEADER, GOOD)
    call_command("import_customers", str(good), "--no-progress")
    assert "2 created / 0 updated / 0 unchanged / 0 bad rows" in capsys.readouterr().out
    call_command("import_customers", str(good), "--no-progress")
    assert "0 created / 0 updated / 2 unchanged" in capsys.readouterr().out

    bad = write_csv(tmp_path / "bad.csv", CUSTOMER_HEADER, GOOD + BAD[:1])
    with pytest.raises(CommandError, match="1 bad rows"):
        call_command("import_customers", str(bad), "--no-progress")
    assert "line 4: account_no" in capsys.readouterr().out

    cons = write_csv(tmp_path / "cons.csv", CONSUMPTION_HEADER, [["3300000001", "2026-01", "10", "6"]])
    call_command("import_consumption", str(cons))
    assert "1 created" in capsys.readouterr().out


def test_reasons_are_reported_in_chinese_by_default(tmp_path, setup):
    with translation.override("zh-hans"):
        report = import_customers(write_csv(tmp_path / "c.csv", CUSTOMER_HEADER, BAD[1:2]))
    assert "没有编码为 'S99' 的供电所" in report.errors[0][1]


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_customers", str(tmp_path / "nope.csv"))

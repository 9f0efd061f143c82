"""Grid location (SPEC §12): lines (线路) and transformer areas (台区) per station, customers on both,
imported by code within the row's station; the demo's topology."""

import csv

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import translation

from customers.demo import load_grid
from customers.importers import import_customers
from customers.models import Customer, Line, TransformerArea
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = ["account_no", "name", "station", "line", "area"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def grid(station, other_station):
    l1 = Line.objects.create(station=station, code="L01", name="10kV城东一线")
    l2 = Line.objects.create(station=station, code="L02", name="10kV城东二线")
    west = Line.objects.create(station=other_station, code="L01", name="10kV城西一线")
    return {
        "l1": l1, "l2": l2, "west": west,
        "a1": TransformerArea.objects.create(station=station, line=l1, code="T01", name="一线1号台区"),
        "a2": TransformerArea.objects.create(station=station, line=l2, code="T02", name="二线2号台区"),
    }


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def test_line_and_area_codes_are_read_within_the_rows_station(tmp_path, grid):
    path = write(tmp_path / "c.csv", [
        ["3300000101", "张三", "S01", "L01", "T01"],
        ["3300000102", "李四", "S01", "", "T02"],   # the area alone sets its line
        ["3300000103", "王五", "S02", "L01", ""],   # the same code at another station is that station's line
        ["3300000104", "赵六", "S01", "", ""],
    ])
    report = import_customers(path)
    assert report.errors == [] and report.created == 4
    got = {c.account_no: (c.line_id, c.area_id) for c in Customer.objects.all()}
    assert got == {"3300000101": (grid["l1"].pk, grid["a1"].pk), "3300000102": (grid["l2"].pk, grid["a2"].pk),
                   "3300000103": (grid["west"].pk, None), "3300000104": (None, None)}


def test_unknown_codes_and_an_area_on_another_line_are_row_errors(tmp_path, grid):
    path = write(tmp_path / "c.csv", [
        ["3300000201", "未知线路", "S01", "L99", ""],
        ["3300000202", "未知台区", "S01", "", "T99"],
        ["3300000203", "线路不符", "S01", "L01", "T02"],
        ["3300000204", "他所台区", "S02", "", "T01"],  # T01 is S01's
        ["3300000205", "正常", "S01", "L02", "T02"],
    ])
    report = import_customers(path)
    errors = dict(report.errors)
    assert sorted(errors) == [2, 3, 4, 5]
    assert "line" in errors[2] and "L99" in errors[2]
    assert "area" in errors[3] and "T99" in errors[3]
    assert "T02" in errors[4] and "L01" in errors[4]
    assert "T01" in errors[5]
    assert list(Customer.objects.values_list("account_no", flat=True)) == ["3300000205"]


def test_an_area_imported_alone_moves_an_existing_customer_to_its_line(tmp_path, grid, station):
    c = CustomerFactory(account_no="3300000301", station=station, line=grid["l1"], area=grid["a1"])
    with open(tmp_path / "c.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["户号", "户名", "供电所", "台区"], ["3300000301", c.name, "S01", "T02"]])
    report = import_customers(tmp_path / "c.csv")
    assert (report.updated, report.errors) == (1, [])
    c.refresh_from_db()
    assert (c.line_id, c.area_id) == (grid["l2"].pk, grid["a2"].pk)


def test_a_customer_cannot_sit_on_a_line_or_area_that_disagree(grid, station):
    c = CustomerFactory.build(station=station, line=grid["l1"], area=grid["a2"])
    with pytest.raises(ValidationError) as exc:
        c.clean()
    assert "area" in exc.value.message_dict
    c = CustomerFactory.build(station=station, line=grid["west"])
    with pytest.raises(ValidationError) as exc:
        c.clean()
    assert "line" in exc.value.message_dict


def test_the_demo_grid_has_a_real_topology_and_loads_once(station, other_station):
    for n in range(30):
        CustomerFactory(account_no=f"33{n:08d}", station=station if n % 2 else other_station)
    created = load_grid({"S01": station, "S02": other_station})
    for s in (station, other_station):
        lines = Line.objects.filter(station=s).count()
        assert 20 <= lines <= 60
        per_line = [ln.areas.count() for ln in Line.objects.filter(station=s)]
        assert min(per_line) >= 20 and max(per_line) <= 80
    assert not Customer.objects.filter(account_no__startswith="33", area__isnull=True).exists()
    assert not Customer.objects.filter(area__isnull=False).exclude(area__line_id=F("line_id")).exists()
    assert created["lines"] == Line.objects.count() and created["areas"] == TransformerArea.objects.count()
    again = load_grid({"S01": station, "S02": other_station})
    assert again == {"lines": 0, "areas": 0}

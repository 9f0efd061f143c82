"""Data-set sizes and run lengths for `--scale tiny|small|full`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    orders: int  # 95598 orders of every kind (bench/datagen.py ORDER_MIX: ~8 % complaints)
    work_orders: int  # typed in by dispatchers, besides one per repair call
    stations: int = 3
    months: int = 12
    handlers_per_station: int = 15
    crews_per_station: int = 20
    crew_size: int = 3
    account_managers_per_station: int = 10
    runs: int = 5  # repetitions of each timed scenario
    # intake load: concurrent clients and seconds
    intake_clients: int = 20
    intake_seconds: float = 30.0
    # crew load: concurrent tablets and orders each walks through
    tablets: int = 50
    orders_per_tablet: int = 6
    # seconds a crew member takes between two taps (uniform in this range): tablets in vans do
    # not fire back to back; the races on the shared orders still happen
    crew_think: tuple[float, float] = (0.5, 1.5)
    # list requests measured (for the p95)
    list_requests: int = 60
    # SLA sweep: crossings per timed sweep, and the open counts of the growth series
    sweep_crossings: int = 1000
    sweep_growth: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    grade_runs: int = 2
    # the end-of-working-day instant: deadlines made to fall due at one instant (issue 12)
    eod_crossings: int = 20_000
    # ... among at least this many open orders (the data set's own open share is ~3 %: the scenario
    # reopens closed orders up to it, as the growth series does)
    eod_open: int = 100_000
    # catch-up after downtime: complaints received weeks ago with every deadline overdue, and fresh ones
    catchup_old: int = 9_000
    catchup_fresh: int = 1_000
    # customers on each station's big line (L001: 80 transformer areas of ~250 customers, the top
    # of the grid's ranges), the outage bench's 20,000-customer line at full scale; 0: none
    big_line: int = 20_000


SCALES = {
    "tiny": Scale(
        name="tiny", customers=1_500, orders=6_000, work_orders=600,
        handlers_per_station=3, crews_per_station=4, account_managers_per_station=2, runs=2,
        intake_clients=4, intake_seconds=3, tablets=6, orders_per_tablet=2, crew_think=(0.05, 0.2), list_requests=12,
        sweep_crossings=50, sweep_growth=(300, 600, 3_000), grade_runs=1, eod_crossings=200, eod_open=600,
        catchup_old=90, catchup_fresh=10, big_line=0,
    ),
    "small": Scale(
        name="small", customers=10_000, orders=50_000, work_orders=5_000,
        handlers_per_station=6, crews_per_station=10, account_managers_per_station=4, runs=5,
        intake_clients=20, intake_seconds=8, tablets=50, orders_per_tablet=2, list_requests=40,
        sweep_crossings=1000, sweep_growth=(1_000, 5_000, 50_000), grade_runs=2, eod_crossings=2_000, eod_open=5_000,
        catchup_old=900, catchup_fresh=100, big_line=1_500,
    ),
    "full": Scale(
        name="full", customers=200_000, orders=1_000_000, work_orders=100_000,
    ),
}

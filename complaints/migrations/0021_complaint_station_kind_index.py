"""An index for the list of orders of every kind by station and kind (issue 13).

/api/v1/tickets/?kind=…&station=… (and a handler's every list, which is by their station) paid a
parallel sequential scan of the whole table for the pagination's COUNT(*): no index led with both
station and kind (complaints_c_kind is (kind, -received_at, -id), complaints_c_station_status
(station, status, -received_at)). Measured on the full bench data set (1,000,000 orders of every
kind, BENCHMARKS.md "Every kind of order", session 8): `count(*) WHERE station_id = 1 AND kind =
'repair'` 300-500 ms (seq scan, 96k buffers) -> 14-17 ms (index-only scan of this index); the
station-only count (333k orders) 55-77 ms -> 27-45 ms.

(station, kind, status, service_type) has few distinct keys (3 stations x 8 kinds x 5 statuses x 6
service types at most), so B-tree deduplication keeps it small (~7 MB for 1,000,000 rows, against
39-57 MB for an index that also carries received_at), and every count of station [+ kind] [+
status] [+ subtype] is an index-only scan. Write cost: one more index entry per INSERT and per
non-HOT UPDATE; its columns are already indexed elsewhere, or set at intake only (service_type),
so no update that was HOT (the sweep's breach flags) stops being HOT. Built in ~2 s on 1,000,000
rows.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0020_sweep_without_fk_checks"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["station", "kind", "status", "service_type"],
                               name="complaints_c_station_kind"),
        ),
    ]

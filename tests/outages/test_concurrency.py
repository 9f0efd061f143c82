"""Two dispatchers at once (PostgreSQL row locks): one SMS per customer and message, one
restore, and the second dispatcher hears 409."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from outages import services
from outages.models import CustomerSms, Outage, OutageEvent
from servicecenter.exceptions import InvalidTransition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(n, work):
    barrier = threading.Barrier(n)
    outcomes, errors = [], []

    def run(i):
        try:
            barrier.wait()
            outcomes.append(work(i))
        except InvalidTransition as exc:
            outcomes.append(exc.status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return outcomes


def test_two_dispatchers_restoring_at_once_send_one_sms_per_customer(grid, users):
    from tests.customers.factories import StaffFactory

    second = StaffFactory(username="handler1b", role="handler", station=grid.station)
    outage = services.outage_create(by=users["handler"], kind="fault", cause="线路故障跳闸", lines=["L01"])
    dispatchers = [users["handler"], second]
    outcomes = at_once(2, lambda i: services.outage_restore(outage=Outage.objects.get(pk=outage.pk),
                                                            by=dispatchers[i]).status)
    assert sorted(map(str, outcomes)) == ["409", "restored"]
    assert CustomerSms.objects.filter(outage=outage, message_key="restore").count() == 3
    assert OutageEvent.objects.filter(outage=outage, kind="restored").count() == 1


def test_the_same_message_written_by_two_transactions_at_once_is_one_row_per_customer(grid, users):
    outage = services.outage_create(by=users["handler"], kind="planned", cause="线路检修", lines=["L01"],
                                    planned_start=timezone.now() + timedelta(days=9))
    CustomerSms.objects.filter(outage=outage).delete()

    def announce(_i):
        from django.db import transaction

        with transaction.atomic():
            return services._announce(Outage.objects.get(pk=outage.pk), now=timezone.now())

    outcomes = at_once(4, announce)
    assert sum(outcomes) == 3  # the rows each writer wrote add up to one per customer
    assert CustomerSms.objects.filter(outage=outage, message_key="announce").count() == 3


def test_two_estimate_changes_at_once_are_two_messages_each_sent_once(grid, users):
    outage = services.outage_create(by=users["handler"], kind="fault", cause="线路故障跳闸", lines=["L01"])
    later = [timezone.now() + timedelta(hours=h) for h in (4, 5)]
    at_once(2, lambda i: services.outage_update_estimate(outage=outage, by=users["handler"],
                                                         estimated_restore_at=later[i], reason=f"原因{i}").pk)
    keys = sorted(CustomerSms.objects.filter(outage=outage, kind="estimate").values_list("message_key", flat=True))
    assert keys == ["estimate:1"] * 3 + ["estimate:2"] * 3

"""`outages_order_taken(...)`: intake's outage hook as ONE PostgreSQL function call
(outages.services.link_taken_order, called for every order taken for a customer).

It finds the active outage covering the customer (the query of selectors.active_outage_for: the
resolved scope's index outages_oc_customer, the latest outage when several overlap) and, when
there is one, links the order to it and puts the link on the outage's timeline; it returns the
outage's id, number and kind (no row: the customer is in no active outage, nothing written).

Why a function: PL/pgSQL keeps the plans of its statements for the session, so an intake pays
neither the parse and plan of the lookup nor those of the two inserts (measured on the full bench
data set, CPU per call, Python + PostgreSQL backend: the lookup as a plain statement then the link
as a second one 0.26 ms outside an outage and 0.68 ms inside; one data-modifying WITH 0.47 / 0.59
ms; this function 0.14 / 0.23 ms; BENCHMARKS.md, session 8). It works behind PgBouncer in
transaction mode (no session state of ours: the plan cache is the backend's own).

The statuses are parameters (outages.choices stays their one source); a change of the tables it
writes (outages_outagelink, outages_outageevent) needs a new version of this function.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION outages_order_taken(
    p_customer bigint, p_now timestamptz, p_in_progress varchar, p_announced varchar,
    p_subject_type varchar, p_subject_id bigint, p_by integer, p_different_fault boolean, p_data jsonb)
RETURNS TABLE (outage_id bigint, outage_number varchar, outage_kind varchar)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT o.id, o.number, o.kind INTO outage_id, outage_number, outage_kind
      FROM outages_outage o JOIN outages_outagecustomer oc ON oc.outage_id = o.id
     WHERE oc.customer_id = p_customer
       AND (o.status = p_in_progress OR (o.status = p_announced AND o.planned_start <= p_now))
     ORDER BY o.started_at DESC, o.id DESC
     LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO outages_outagelink (outage_id, subject_type, subject_id, linked_at, linked_by_id, different_fault,
                                    proposed_reply, closed_at, created_at, updated_at)
    VALUES (outage_id, p_subject_type, p_subject_id, p_now, p_by, p_different_fault, '', NULL, p_now, p_now);
    INSERT INTO outages_outageevent (outage_id, at, actor_id, kind, note, data, created_at, updated_at)
    VALUES (outage_id, p_now, p_by, 'order_linked', '', p_data, p_now, p_now);
    RETURN NEXT;
END
$$
"""

DROP = ("DROP FUNCTION IF EXISTS outages_order_taken(bigint, timestamptz, varchar, varchar, varchar, bigint, integer, "
        "boolean, jsonb)")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("outages", "0001_outages"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]

"""Consistency checks of a generated database, in SQL: each returns the number of rows
that break a rule (0 is good)."""

from __future__ import annotations

import re

CHECKS = [
    ("repair order estimate = sum of its lines (SV-15)", """
        SELECT count(*) FROM service_repairorder r
        LEFT JOIN (SELECT repair_order_id, sum(amount) a FROM service_job
                   WHERE NOT declined GROUP BY 1) j ON j.repair_order_id = r.id
        LEFT JOIN (SELECT repair_order_id, sum(amount) a FROM service_partline
                   WHERE NOT declined GROUP BY 1) p ON p.repair_order_id = r.id
        WHERE r.estimate_total <> coalesce(j.a, 0) + coalesce(p.a, 0)"""),
    ("customer total = customer's lines less the discount", """
        SELECT count(*) FROM service_repairorder r
        LEFT JOIN (SELECT repair_order_id, sum(amount) a FROM service_job
                   WHERE payer = 'customer' AND NOT declined GROUP BY 1) j
               ON j.repair_order_id = r.id
        LEFT JOIN (SELECT repair_order_id, sum(amount) a FROM service_partline
                   WHERE payer = 'customer' AND NOT declined GROUP BY 1) p
               ON p.repair_order_id = r.id
        WHERE r.customer_total <> (coalesce(j.a, 0) + coalesce(p.a, 0))
              - round((coalesce(j.a, 0) + coalesce(p.a, 0)) * r.discount_percent / 100, 2)"""),
    ("job amount = hours × rate", """
        SELECT count(*) FROM service_job WHERE amount <> round(hours * rate, 2)"""),
    ("part line amount = quantity × unit price", """
        SELECT count(*) FROM service_partline WHERE amount <> round(quantity * unit_price, 2)"""),
    ("ledger: moves of a part, location and lot = its balance (PT-4)", """
        SELECT count(*) FROM parts_stockbalance b
        FULL JOIN (SELECT store_id, part_id, location_id, lot_id, sum(quantity) q
                   FROM parts_stockmove GROUP BY 1, 2, 3, 4) m
          USING (store_id, part_id, location_id, lot_id)
        WHERE coalesce(b.quantity, 0) <> coalesce(m.q, 0)"""),
    ("no negative balance", "SELECT count(*) FROM parts_stockbalance WHERE quantity < 0"),
    ("part in store on hand = its balances on issuable locations", """
        SELECT count(*) FROM parts_partstore ps
        LEFT JOIN (SELECT b.store_id, b.part_id, sum(b.quantity) q FROM parts_stockbalance b
                   JOIN parts_location l ON l.id = b.location_id
                   WHERE l.kind IN ('normal', 'reserve') GROUP BY 1, 2) s
          ON s.store_id = ps.store_id AND s.part_id = ps.part_id
        WHERE ps.on_hand <> coalesce(s.q, 0)"""),
    ("part line issued = its issue moves", """
        SELECT count(*) FROM service_partline pl
        LEFT JOIN (SELECT document_line_id, -sum(quantity) q FROM parts_stockmove
                   WHERE document_type = 'service.repairorder' GROUP BY 1) m
          ON m.document_line_id = pl.id::text
        WHERE pl.issued <> coalesce(m.q, 0)"""),
    ("document counters = numbers handed out (RO, QC, GP, FB)", """
        SELECT count(*) FROM core_documentcounter c FULL JOIN (
            SELECT store_id, split_part(number, '-', 1) t,
                   to_date(split_part(number, '-', 3), 'YYYYMMDD') d, count(*) n,
                   max(split_part(number, '-', 4)::int) top
            FROM (SELECT store_id, number FROM service_repairorder
                  UNION ALL SELECT store_id, certificate_number FROM service_repairorder
                            WHERE certificate_number <> ''
                  UNION ALL SELECT store_id, gate_pass_number FROM service_repairorder
                            WHERE gate_pass_number <> ''
                  UNION ALL SELECT store_id, number FROM care_feedback) x GROUP BY 1, 2, 3) u
          ON u.store_id = c.store_id AND u.t = c.doc_type AND u.d = c.day
        WHERE coalesce(c.doc_type, u.t) IN ('RO', 'QC', 'GP', 'FB')
          AND (c.last_value IS DISTINCT FROM u.n OR u.n IS DISTINCT FROM u.top)"""),
    ("mobiles are valid mainland numbers (CS-2)", r"""
        SELECT count(*) FROM crm_customer WHERE mobile !~ '^1[3-9][0-9]{9}$'
              OR mobile_last4 <> right(mobile, 4)"""),
    ("vehicles: VIN last 6 and plate filled", """
        SELECT count(*) FROM crm_vehicle WHERE vin_last6 <> right(vin, 6) OR plate = ''"""),
    ("vehicle last km = its latest odometer reading", """
        SELECT count(*) FROM crm_vehicle v LEFT JOIN (
            SELECT DISTINCT ON (vehicle_id) vehicle_id, km FROM crm_odometerreading
            ORDER BY vehicle_id, at DESC, id DESC) o ON o.vehicle_id = v.id
        WHERE v.last_km IS DISTINCT FROM o.km"""),
    ("repair order's store = its vehicle's and customer's", """
        SELECT count(*) FROM service_repairorder r JOIN crm_vehicle v ON v.id = r.vehicle_id
        JOIN crm_customer c ON c.id = r.customer_id
        WHERE v.store_id <> r.store_id OR c.store_id <> r.store_id"""),
    ("a technician has at most one job in progress, and it is clocked (SV-10)", """
        SELECT count(*) FROM (
            SELECT j.technician_id FROM service_job j WHERE j.status = 'in_progress'
            GROUP BY j.technician_id HAVING count(*) > 1
            UNION ALL
            SELECT j.id FROM service_job j WHERE j.status = 'in_progress' AND NOT EXISTS (
                SELECT 1 FROM service_jobclock c WHERE c.job_id = j.id AND c."end" IS NULL)
        ) bad"""),
    ("orphans: lines without order, moves without lot, vehicles without owner", """
        SELECT (SELECT count(*) FROM service_job j LEFT JOIN service_repairorder r
                  ON r.id = j.repair_order_id WHERE r.id IS NULL)
             + (SELECT count(*) FROM service_partline j LEFT JOIN service_repairorder r
                  ON r.id = j.repair_order_id WHERE r.id IS NULL)
             + (SELECT count(*) FROM parts_stockmove m LEFT JOIN parts_lot l
                  ON l.id = m.lot_id WHERE l.id IS NULL)
             + (SELECT count(*) FROM crm_vehicle v LEFT JOIN crm_customer c
                  ON c.id = v.owner_id WHERE c.id IS NULL)"""),
]

COUNTED = ["core_store", "auth_user", "crm_customer", "crm_vehicle", "service_repairorder",
           "service_job", "service_partline", "parts_part", "parts_partstore", "parts_lot",
           "parts_stockmove", "parts_stockbalance", "crm_lead", "care_feedback",
           "service_inspection", "crm_odometerreading", "service_technicianshift"]


def run_checks(cursor) -> list[tuple[str, int]]:
    results = []
    for name, sql in CHECKS:
        cursor.execute(sql)
        results.append((name, cursor.fetchone()[0]))
    return results


def check_vins(cursor, sample: int = 2000) -> int:
    """VINs with a wrong check digit in a sample, checked with the project's validator."""
    from siwei.core.validators import vin_check_digit

    cursor.execute("SELECT vin FROM crm_vehicle ORDER BY id LIMIT %s", [sample])
    return sum(1 for (vin,) in cursor.fetchall()
               if not re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vin) or vin_check_digit(vin) != vin[8])


def row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in COUNTED:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        counts[table] = cursor.fetchone()[0]
    return counts

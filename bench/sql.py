"""Hand-written SQL computing what a scenario's page computes: the physical limit of the
database work, timed in the same run for the ratio app / SQL (quality.md "Speed")."""

SQL_TWINS = {
    # CS-5 customer search, every branch on an index that starts with the store.
    "search": """
        SELECT c.id, c.name, c.mobile, v.plate, v.vin FROM crm_customer c
        LEFT JOIN crm_vehicle v ON v.owner_id = c.id
        WHERE c.store_id = %(store)s AND c.merged_into_id IS NULL AND c.id IN (
            SELECT id FROM crm_customer WHERE store_id = %(store)s
                   AND %(kind)s = 'mobile' AND mobile = %(q)s
            UNION ALL SELECT id FROM crm_customer WHERE store_id = %(store)s
                   AND %(kind)s = 'last 4' AND mobile_last4 = %(q)s
            UNION ALL SELECT owner_id FROM crm_vehicle WHERE store_id = %(store)s
                   AND %(kind)s = 'plate' AND plate LIKE %(q)s || '%%'
            UNION ALL SELECT owner_id FROM crm_vehicle WHERE store_id = %(store)s
                   AND %(kind)s = 'VIN' AND vin = %(q)s
            UNION ALL SELECT owner_id FROM crm_vehicle WHERE store_id = %(store)s
                   AND %(kind)s = 'VIN last 6' AND vin_last6 = %(q)s
            UNION ALL SELECT id FROM crm_customer WHERE store_id = %(store)s
                   AND %(kind)s = 'pinyin'
                   AND (name_pinyin LIKE %(q)s || '%%' OR name_initials LIKE %(q)s || '%%'))
        ORDER BY c.name, c.id LIMIT 50""",
    # The workshop board: today's and unfinished orders with their jobs, technicians' load.
    "board": """
        WITH today AS (SELECT (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai')
                               AT TIME ZONE 'Asia/Shanghai') AS start),
        ros AS (SELECT r.id, r.number, r.status, r.promised_at, r.received_at,
                       count(j.id) AS jobs, sum(j.hours) AS hours,
                       count(j.id) FILTER (WHERE j.status = 'pending') AS unassigned
                FROM service_repairorder r LEFT JOIN service_job j ON j.repair_order_id = r.id
                WHERE r.store_id = %(store)s
                  AND (r.received_at >= (SELECT start FROM today)
                       OR r.status IN ('open', 'in_progress', 'completed'))
                GROUP BY r.id),
        load AS (SELECT s.technician_id, sum(j.hours) AS hours, count(j.id) AS jobs
                 FROM service_technicianshift s
                 LEFT JOIN service_job j ON j.technician_id = s.technician_id
                      AND j.status IN ('assigned', 'in_progress', 'paused')
                 WHERE s.store_id = %(store)s
                   AND s.day = (now() AT TIME ZONE 'Asia/Shanghai')::date
                 GROUP BY s.technician_id)
        SELECT (SELECT json_agg(ros) FROM ros), (SELECT json_agg(load) FROM load)""",
    # Service KPIs of a period per store: orders, comebacks, deliveries, labour, inspections.
    "kpis": """
        WITH received AS (
            SELECT store_id, count(*) ros,
                   count(*) FILTER (WHERE comeback_of_id IS NOT NULL
                                    OR category = 'comeback') comebacks,
                   count(*) FILTER (WHERE appointment_id IS NOT NULL) from_appointment
            FROM service_repairorder WHERE store_id = ANY(%(stores)s)
              AND received_at >= %(start)s AND received_at < %(end)s AND status <> 'cancelled'
            GROUP BY 1),
        released AS (
            SELECT store_id, count(*) delivered,
                   count(*) FILTER (WHERE released_at <= promised_at) on_time,
                   count(*) FILTER (WHERE (released_at AT TIME ZONE 'Asia/Shanghai')::date
                                    = (received_at AT TIME ZONE 'Asia/Shanghai')::date) same_day,
                   sum(released_at - received_at) dwell
            FROM service_repairorder WHERE store_id = ANY(%(stores)s)
              AND released_at >= %(start)s AND released_at < %(end)s GROUP BY 1),
        labour AS (
            SELECT r.store_id, sum(j.hours) hours, sum(j.amount) gross,
                   sum(CASE WHEN j.payer = 'customer'
                            THEN j.amount * r.discount_percent ELSE 0 END) / 100 discount
            FROM service_job j JOIN service_repairorder r ON r.id = j.repair_order_id
            WHERE r.store_id = ANY(%(stores)s)
              AND r.status IN ('settled', 'paid', 'released', 'closed')
              AND r.settled_at >= %(start)s AND r.settled_at < %(end)s
              AND j.status <> 'declined' AND NOT j.declined GROUP BY 1),
        finals AS (
            SELECT r.store_id, count(DISTINCT i.repair_order_id) inspected,
                   count(DISTINCT i.repair_order_id) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM service_inspection e WHERE e.repair_order_id =
                       i.repair_order_id AND NOT e.passed AND e.id < i.id)) first_pass
            FROM service_inspection i JOIN service_repairorder r ON r.id = i.repair_order_id
            WHERE r.store_id = ANY(%(stores)s) AND i.level = 3 AND i.passed
              AND i.at >= %(start)s AND i.at < %(end)s GROUP BY 1)
        SELECT * FROM received FULL JOIN released USING (store_id)
        FULL JOIN labour USING (store_id) FULL JOIN finals USING (store_id)""",
    # PT-13 ABC over the issues of the last 12 months, with on hand.
    "abc": """
        WITH value AS (
            SELECT m.part_id, -sum(m.quantity * m.unit_cost) v, -sum(m.quantity) q
            FROM parts_stockmove m WHERE m.store_id = %(store)s AND m.kind = 'issue'
              AND m.created_at >= now() - interval '12 months' GROUP BY 1),
        ranked AS (
            SELECT part_id, v, q, sum(v) OVER (ORDER BY v DESC, part_id) / sum(v) OVER () c
            FROM value)
        SELECT ps.part_id, coalesce(r.v, 0), ps.on_hand,
               CASE WHEN r.c <= 0.7 THEN 'A' WHEN r.c <= 0.9 THEN 'B' ELSE 'C' END
        FROM parts_partstore ps LEFT JOIN ranked r ON r.part_id = ps.part_id
        WHERE ps.store_id = %(store)s ORDER BY coalesce(r.v, 0) DESC""",
    "ledger_of_part": """
        SELECT (SELECT count(*) FROM parts_stockbalance WHERE store_id = %(store)s
                  AND part_id = %(part)s AND quantity < 0),
               (SELECT count(*) FROM parts_stockbalance b FULL JOIN (
                    SELECT store_id, part_id, location_id, lot_id, sum(quantity) q
                    FROM parts_stockmove WHERE store_id = %(store)s AND part_id = %(part)s
                    GROUP BY 1, 2, 3, 4) m USING (store_id, part_id, location_id, lot_id)
                 WHERE (b.store_id = %(store)s AND b.part_id = %(part)s OR b.id IS NULL)
                   AND coalesce(b.quantity, 0) <> coalesce(m.q, 0)),
               (SELECT on_hand FROM parts_partstore WHERE store_id = %(store)s
                  AND part_id = %(part)s)""",
}

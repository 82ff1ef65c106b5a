"""Two years of one store's history as COPY batches: customers, vehicles, repair orders
with their jobs, part lines (issued through the stock ledger), inspections and odometer
readings, leads, feedback, technicians' shifts and the document counters."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from . import master
from .catalog import StoreStock
from .copyio import Batch

MOBILE_PREFIXES = ["138", "139", "135", "136", "137", "150", "151", "152", "158", "159",
                   "186", "187", "188", "189", "133", "153", "180", "181", "177", "199"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXY"
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
YEAR_CODES = {2018: "J", 2019: "K", 2020: "L", 2021: "M", 2022: "N", 2023: "P", 2024: "R",
              2025: "S", 2026: "T", 2027: "V"}
CATEGORY_WEIGHTS = [("maintenance", 40), ("first_maintenance", 5), ("level2_maintenance", 10),
                    ("minor_repair", 20), ("overhaul", 2), ("accident", 8), ("warranty", 6),
                    ("comeback", 2), ("internal", 2), ("accessory", 5)]
COLOURS = ["白色", "黑色", "银色", "灰色", "蓝色", "红色"]
COMPLAINTS = ["保养", "刹车异响", "空调不凉", "发动机故障灯亮", "方向盘抖动", "更换轮胎",
              "钣金喷漆", "加装精品"]


def add_years(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


class Ids:
    """Primary keys handed out in the generator; sequences are set to them at the end."""

    def __init__(self):
        self.last: dict[str, int] = defaultdict(int)

    def next(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


def vin(serial: int, year: int, rng: random.Random) -> str:
    """A VIN of FAW-Volkswagen (``LFV``) with a valid check digit (ISO 3779)."""
    from siwei.core.validators import vin_check_digit

    body = "LFV" + "".join(rng.choice(VIN_CHARS[:23]) for _ in range(5)) + "0" + \
        YEAR_CODES.get(year, "S") + "ABCDEFGH"[serial // 1000000 % 8] + f"{serial % 1000000:06d}"
    return body[:8] + vin_check_digit(body) + body[9:]


class Clock:
    """Local times as COPY text; ``day`` counts from the first day of the history."""

    def __init__(self, start: dt.date, days: int):
        self.start = start
        self.dates = {d: (start + dt.timedelta(days=d)).isoformat()
                      for d in range(-1500, days + 30)}

    def at(self, day: int, minute: int) -> str:
        day, minute = day + minute // 1440, minute % 1440
        return f"{self.dates[day]} {minute // 60:02d}:{minute % 60:02d}:00+08"

    def date(self, day: int) -> str:
        return self.dates[day]


class StoreHistory:
    def __init__(self, *, store: master.StoreInfo, m: master.Master, scale, parts, ids: Ids,
                 rng: random.Random, clock: Clock, last_day: int, now_minute: int,
                 vehicle_serial: int, mobile_serial: int):
        self.store, self.m, self.scale, self.ids, self.rng = store, m, scale, ids, rng
        self.clock, self.last_day, self.now_minute = clock, last_day, now_minute
        self.vehicle_serial, self.mobile_serial = vehicle_serial, mobile_serial
        self.counters: dict[tuple[str, str], int] = defaultdict(int)
        staff = store.staff
        self.advisors, self.techs = staff["service_advisor"], staff["technician"]
        self.qc, self.manager = staff["qc_inspector"][0], staff["service_manager"][0]
        self.consultants, self.care = staff["sales_consultant"], staff["customer_service"][0]
        self.stock = StoreStock(store_id=store.pk, parts=parts, stocked=scale.stocked_parts,
                                locations=store.locations, ids=ids, rng=rng,
                                clerk=staff["parts_clerk"][0])
        self.pinyin: dict[str, tuple[str, str]] = {}

    def number(self, doc: str, day: int) -> str:
        key = (doc, self.clock.date(day))
        self.counters[key] += 1
        return f"{doc}-{self.store.code}-{key[1].replace('-', '')}-{self.counters[key]:04d}"

    # --- customers and vehicles --------------------------------------------------------

    def customers(self) -> Batch:
        from siwei.core.pinyin import full_pinyin, initials

        rng, c = self.rng, self.clock
        batch = Batch("crm_customer", (
            "id", "kind", "name", "name_pinyin", "name_initials", "mobile", "mobile_last4",
            "gender", "birthday", "id_number", "credit_code", "address", "district",
            "occupation", "family_notes", "source", "tags", "consent_sms", "consent_sms_at",
            "consent_phone", "consent_phone_at", "consent_wechat", "consent_wechat_at",
            "category", "vip_by_manager", "vip_reason", "created_at", "group_id",
            "merged_into_id", "referred_by_id", "responsible_id", "store_id"))
        self.customer_rows = []
        count = self.scale.customers
        for i in range(count):
            name = master._person(rng)
            if name not in self.pinyin:
                self.pinyin[name] = (full_pinyin(name), initials(name))
            pinyin, short = self.pinyin[name]
            serial = self.mobile_serial + i
            mobile = MOBILE_PREFIXES[serial % 20] + f"{(serial * 7919 + 4242) % 10**8:08d}"
            created = rng.randint(-700, self.last_day - 30) if i % 5 else rng.randint(-700, -1)
            owner = i < count * 85 // 100
            pk = self.ids.next("crm_customer")
            created_at = c.at(created, rng.randint(540, 1080))
            consent = rng.random() < 0.6
            batch.add(pk, "person", name, pinyin, short, mobile, mobile[-4:],
                      rng.choice(("male", "female")), None, "", "", "", "", "", "",
                      "service" if owner else "walk_in", "", consent,
                      created_at if consent else None, consent, created_at if consent else None,
                      False, None, "owner_old" if owner else "prospect", False, "", created_at,
                      self.m.group_id, None, None, None, self.store.pk)
            self.customer_rows.append((pk, name, created, owner))
        return batch

    def vehicles(self) -> None:
        rng = self.rng
        owners = [row for row in self.customer_rows if row[3]]
        self.vehicle_rows = []
        for i in range(self.scale.vehicles):
            owner = owners[i] if i < len(owners) else rng.choice(owners)
            created = max(owner[2], rng.randint(owner[2], self.last_day - 20))
            model = self.m.models[rng.randrange(len(self.m.models))]
            self.vehicle_rows.append({
                "pk": self.ids.next("crm_vehicle"), "owner": owner, "created": created,
                "model": model, "base_km": rng.randint(10, 3000),
                "km_per_day": rng.randint(20, 80), "last_km": None, "last_day": None,
                "last_ro": None, "serial": self.vehicle_serial + i})

    def vehicle_batch(self) -> Batch:
        rng, c = self.rng, self.clock
        batch = Batch("crm_vehicle", (
            "id", "vin", "vin_last6", "plate", "brand", "trim", "colour", "engine_number",
            "model_year", "production_date", "registration_date", "sale_date",
            "warranty_start", "warranty_end", "warranty_km", "insurance_company",
            "insurance_expiry", "last_km", "next_maintenance_date", "created_at", "owner_id",
            "selling_store_id", "store_id", "model_id"))
        today = c.start + dt.timedelta(days=self.last_day)
        for v in self.vehicle_rows:
            sale = c.start + dt.timedelta(days=v["created"])
            model_pk, brand, _name, years, km = v["model"]
            code = vin(v["serial"], sale.year, rng)
            serial = v["serial"]
            plate = (self.store.province + PLATE_LETTERS[serial // 100000 % 23] +
                     f"{serial % 100000:05d}")
            expiry = sale.replace(year=today.year, day=min(sale.day, 28))
            if expiry < today:
                expiry = expiry.replace(year=today.year + 1)
            last = v["last_day"] if v["last_day"] is not None else v["created"]
            own = rng.random() < 0.7
            batch.add(v["pk"], code, code[-6:], plate, brand, "", rng.choice(COLOURS), "",
                      sale.year, (sale - dt.timedelta(days=60)).isoformat(),
                      (sale + dt.timedelta(days=3)).isoformat(), sale.isoformat(),
                      sale.isoformat(), add_years(sale, years).isoformat(), km,
                      "", expiry.isoformat(), v["last_km"],
                      c.date(min(last + 182, self.last_day + 29)),
                      c.at(v["created"], 600), v["owner"][0],
                      self.store.pk if own else None, self.store.pk, model_pk)
        return batch

    # --- leads, feedback, shifts, counters -----------------------------------------------

    def leads(self) -> Batch:
        rng, c = self.rng, self.clock
        batch = Batch("crm_lead", (
            "id", "source", "grade", "status", "created_at", "last_contact_at",
            "next_follow_up_at", "contact_count", "loss_reason", "loss_detail",
            "loss_requested_at", "closed_at", "consultant_id", "customer_id",
            "loss_decided_by_id", "referrer_id", "store_id"))
        manager = self.store.staff["sales_manager"][0]
        for _ in range(self.scale.leads_per_store):
            customer = self.customer_rows[rng.randrange(len(self.customer_rows))]
            day = rng.randint(max(0, customer[2]), self.last_day)
            age = self.last_day - day
            status = "open" if age < 60 else rng.choice(("won", "lost", "lost", "dormant"))
            created = c.at(day, rng.randint(540, 1080))
            last = c.at(min(day + 3, self.last_day), 600)
            lost = status == "lost"
            batch.add(self.ids.next("crm_lead"), rng.choice(("walk_in", "phone", "online",
                                                              "referral", "event")),
                      rng.choice("HABC") if status == "open" else "C", status, created, last,
                      c.at(min(day + 7, self.last_day + 7), 600) if status == "open" else None,
                      rng.randint(1, 6), "price" if lost else "", "",
                      c.at(day + 20, 600) if lost else None,
                      c.at(day + 21, 600) if status in ("won", "lost") else None,
                      self.consultants[rng.randrange(len(self.consultants))], customer[0],
                      manager if lost else None, None, self.store.pk)
        return batch

    def feedback(self) -> Batch:
        rng, c = self.rng, self.clock
        batch = Batch("care_feedback", (
            "id", "number", "channel", "contact_name", "contact_phone", "subject", "content",
            "received_at", "kind", "category", "severity", "suggested_kind",
            "suggested_category", "department", "status", "acknowledge_due_at",
            "resolve_due_at", "acknowledged_at", "resolved_at", "closed_at", "solution",
            "compensation", "root_cause", "escalation_level", "escalated_at",
            "close_attempts", "reopen_count", "created_by_id", "customer_id", "follow_up_id",
            "owner_id", "repair_order_id", "sales_order_id", "staff_id", "store_id",
            "vehicle_id"))
        days = sorted(rng.randint(0, self.last_day) for _ in range(self.scale.feedback_per_store))
        for day in days:
            customer = self.customer_rows[rng.randrange(len(self.customer_rows))]
            minute = rng.randint(540, 1080)
            if day == self.last_day and minute >= self.now_minute:
                minute = rng.randint(0, max(0, self.now_minute - 1))
            age = self.last_day - day
            status = "closed" if age > 10 else rng.choice(("received", "acknowledged",
                                                            "in_progress"))
            kind = rng.choice(("complaint", "complaint", "suggestion", "praise", "inquiry"))
            done = status == "closed"
            batch.add(self.ids.next("care_feedback"), self.number("FB", day),
                      rng.choice(("phone", "survey", "walk_in", "follow_up")), customer[1], "",
                      "维修服务反馈", "客户对维修服务的反馈意见。", c.at(day, minute), kind,
                      rng.choice(("service_quality", "waiting_time", "price", "staff_attitude")),
                      rng.choice(("low", "medium", "high")), "", "", "service", status,
                      c.at(day, minute + 240), c.at(day + 3, minute),
                      c.at(day, minute + 60) if status != "received" else None,
                      c.at(day + 2, minute) if done else None,
                      c.at(day + 3, minute) if done else None, "已处理" if done else "",
                      "0.00", "", 0, None, 0, 0, self.care, customer[0], None,
                      self.care if status != "received" else None, None, None, None,
                      self.store.pk, None)
        return batch

    def shifts(self) -> Batch:
        batch = Batch("service_technicianshift", ("id", "day", "start", "end", "store_id",
                                                  "technician_id"))
        for n, tech in enumerate(self.techs):
            for day in range(0, self.last_day + 15):
                if (day + n) % 7:
                    batch.add(self.ids.next("service_technicianshift"), self.clock.date(day),
                              "08:30:00", "17:30:00", self.store.pk, tech)
        return batch

    def counter_batch(self) -> Batch:
        batch = Batch("core_documentcounter", ("id", "doc_type", "day", "last_value",
                                               "store_id"))
        for (doc, day), value in sorted(self.counters.items()):
            batch.add(self.ids.next("core_documentcounter"), doc, day, value, self.store.pk)
        return batch

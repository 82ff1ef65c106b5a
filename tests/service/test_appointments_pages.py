"""The appointment pages as the SA, foreman and service manager use them, and the SV-5
KPIs."""

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from siwei.service.models import (
    Appointment,
    AppointmentStatus,
    RepairOrder,
    StoreCalendarDay,
    TechnicianShift,
)
from siwei.service.selectors_appointments import appointment_kpis
from siwei.service.services.appointments import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_mark_no_shows,
    appointment_reschedule,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def book(crew, car, store_bj):
    customer, vehicle = car

    def make(start, **kwargs):
        data = {"actor": crew.advisor, "store": store_bj, "customer": customer,
                "vehicle": vehicle, "advisor": crew.advisor, "start": start,
                "category": "maintenance"}
        data.update(kwargs)
        return appointment_book(**data)

    return make


def test_sv1_sa_books_from_the_slot_finder(crew, car, shifts, store_bj, stocked_part):
    sa = login(crew.advisor)
    page = sa.get("/service/appointments/slots/", {"date": "2026-11-23",
                                                    "advisor": crew.advisor.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-slot="08:30"' in html and 'data-state="buffer"' in html
    link = re.search(r'href="(/service/appointments/new/\?start=[^"]+)"', html).group(1)
    link = link.replace("&amp;", "&")
    found = sa.get(link + "&q=京A88888")
    assert found.status_code == 200 and "京A88888" in found.content.decode()
    _customer, vehicle = car
    choose = re.search(rf'href="\?([^"]*vehicle={vehicle.pk}[^"]*)"',
                       found.content.decode()).group(1).replace("&amp;", "&")
    form = sa.get("/service/appointments/new/?" + choose)
    assert 'id="appointment-form"' in form.content.decode()
    response = sa.post("/service/appointments/new/?" + choose, {
        "start": "2026-11-23T08:30", "advisor": crew.advisor.pk, "category": "maintenance",
        "channel": "phone", "description": "保养", "parts": f"{stocked_part.number} 1"})
    appt = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/service/appointments/{appt.pk}/"
    assert appt.start == at(MONDAY, 8, 30) and appt.vehicle == vehicle
    detail = sa.get(response["Location"]).content.decode()
    assert stocked_part.number in detail and appt.number in detail


def test_sv3_booking_page_shows_the_days_with_room(crew, car, shifts, store_bj, book):
    book(at(MONDAY, 9, 0), estimated_hours=Decimal("10"))
    _customer, vehicle = car
    sa = login(crew.advisor)
    response = sa.post(f"/service/appointments/new/?vehicle={vehicle.pk}", {
        "start": "2026-11-23T10:00", "advisor": crew.advisor.pk, "category": "maintenance",
        "channel": "phone"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="next-days"' in html
    assert "date=2026-11-24" in html


def test_sv4_sa_opens_the_ro_from_an_appointment_in_three_clicks(crew, shifts, store_bj,
                                                                  book, clock):
    appt = book(at(MONDAY, 10, 0), description="异响")
    clock.set(at(MONDAY, 9, 55))
    sa = login(crew.advisor)
    listing = sa.get("/service/appointments/").content.decode()  # today by default
    arrive_url = f"/service/appointments/{appt.pk}/arrive/"
    assert arrive_url in listing  # click 1: Arrived
    form = sa.get(arrive_url)
    assert form.status_code == 200
    assert 'name="mileage"' in form.content.decode()
    missing = sa.post(arrive_url, {"promised_at": "2026-11-23T13:00"})
    assert missing.status_code == 200 and not RepairOrder.objects.exists()
    response = sa.post(arrive_url, {"mileage": "15000", "promised_at": "2026-11-23T13:00",
                                    "complaints": "异响"})  # click 2: open the RO
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.ARRIVED
    ro = appt.repair_order
    assert response.status_code == 302
    assert response["Location"] == f"/service/repair-orders/{ro.pk}/"  # click 3: the RO
    assert ro.mileage == 15000 and ro.promised_at == at(MONDAY, 13, 0)


def test_sv4_list_confirm_cancel_and_reschedule_buttons(crew, shifts, store_bj, book):
    appt = book(at(MONDAY, 10, 0))
    sa = login(crew.advisor)
    listing = sa.get("/service/appointments/", {"date": "2026-11-23"}).content.decode()
    assert appt.number in listing and f"/service/appointments/{appt.pk}/confirm/" in listing
    sa.post(f"/service/appointments/{appt.pk}/confirm/")
    appt.refresh_from_db()
    assert appt.status == AppointmentStatus.CONFIRMED
    moved = sa.post(f"/service/appointments/{appt.pk}/reschedule/",
                    {"start": "2026-11-24T10:00:00+08:00", "advisor": crew.advisor.pk})
    new = Appointment.objects.get(rescheduled_from=appt)
    assert moved["Location"] == f"/service/appointments/{new.pk}/"
    sa.post(f"/service/appointments/{new.pk}/cancel/", {"reason": "客户出差"})
    new.refresh_from_db()
    assert new.status == AppointmentStatus.CANCELLED
    xlsx = sa.get("/service/appointments/", {"date": "2026-11-24", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_sv4_technician_cannot_book_or_arrive(crew, shifts, book):
    appt = book(at(MONDAY, 10, 0))
    tech = login(crew.tech1)
    assert tech.get("/service/appointments/new/").status_code == 403
    assert tech.get(f"/service/appointments/{appt.pk}/arrive/").status_code == 403
    assert tech.post(f"/service/appointments/{appt.pk}/confirm/").status_code == 403


def test_sv3_foreman_sets_a_week_of_shifts(crew, store_bj):
    foreman = login(crew.foreman)
    page = foreman.get("/service/shifts/", {"week": "2026-11-23"})
    assert page.status_code == 200 and 'id="shift-form"' in page.content.decode()
    response = foreman.post("/service/shifts/?week=2026-11-23", {
        "technicians": [crew.tech1.pk, crew.tech2.pk], "first_day": "2026-11-23",
        "last_day": "2026-11-29", "start": "08:30", "end": "17:30",
        "working_days_only": "on"})
    assert response.status_code == 302
    assert TechnicianShift.objects.filter(store=store_bj).count() == 14
    foreman.post("/service/shifts/?week=2026-11-23", {
        "remove": "1", "technician": crew.tech1.pk, "day": "2026-11-29"})
    assert TechnicianShift.objects.filter(store=store_bj).count() == 13
    assert login(crew.advisor).post("/service/shifts/", {"remove": "1"}).status_code == 403


def test_sv2_service_manager_closes_a_day_on_the_calendar(crew, store_bj):
    manager = login(crew.manager)
    page = manager.get("/service/calendar/")
    assert page.status_code == 200
    manager.post("/service/calendar/", {"day": "2026-11-25", "is_working": "0",
                                        "note": "消防检查"})
    assert StoreCalendarDay.objects.get(store=store_bj, day=MONDAY + dt.timedelta(days=2)
                                        ).is_working is False
    manager.post("/service/calendar/", {"remove": "1", "day": "2026-11-25"})
    assert not StoreCalendarDay.objects.exists()
    assert login(crew.advisor).get("/service/calendar/").status_code == 403


def test_sv5_kpis_appointment_show_and_on_time_rates(crew, car, shifts, store_bj, book,
                                                    clock):
    from siwei.service.services.orders import repair_order_open

    customer, vehicle = car
    on_time = book(at(MONDAY, 10, 0))
    late = book(at(MONDAY, 11, 0))
    cancelled = book(at(MONDAY, 13, 0))
    book(at(MONDAY, 14, 0))  # never comes
    moved = book(at(MONDAY, 15, 0))
    appointment_reschedule(actor=crew.advisor, appointment=moved, start=at(MONDAY, 16, 0))
    appointment_cancel(actor=crew.advisor, appointment=cancelled, reason="改期未定")
    clock.set(at(MONDAY, 10, 10))
    appointment_arrive(actor=crew.advisor, appointment=on_time, mileage=1000)
    clock.set(at(MONDAY, 11, 20))
    appointment_arrive(actor=crew.advisor, appointment=late, mileage=1100)
    clock.set(at(MONDAY, 12, 0))
    repair_order_open(actor=crew.advisor, store=store_bj, customer=customer, vehicle=vehicle,
                      category="minor_repair", mileage=1200, promised_at=at(MONDAY, 17, 0),
                      complaints=["漏水"])
    clock.set(at(MONDAY, 14, 40))
    assert appointment_mark_no_shows(store=store_bj) == 1
    result = appointment_kpis(store=store_bj, start=MONDAY, end=MONDAY + dt.timedelta(days=1))
    total = result["total"]
    assert (total["ros"], total["from_appointment"], total["appointment_rate"]) == (
        3, 2, Decimal("66.7"))
    # The rescheduled booking's new one (16:00) is still waiting: not counted yet.
    assert (total["booked"], total["cancelled"], total["arrived"], total["no_show"]) == (
        4, 1, 2, 1)
    assert total["show_rate"] == Decimal("66.7")  # 2 / (4 − 1)
    assert (total["on_time"], total["on_time_rate"]) == (1, Decimal("50.0"))
    monday = result["days"][0]
    assert monday["day"] == MONDAY and monday["ros"] == 3 and monday["booked"] == 4
    assert result["days"][1]["ros"] == 0 and result["days"][1]["show_rate"] is None
    assert [r["advisor"] for r in result["advisors"]] == [crew.advisor]
    manager = login(crew.manager)
    page = manager.get("/service/appointments/kpis/", {"start": "2026-11-23",
                                                       "end": "2026-11-24"})
    assert page.status_code == 200 and "66.7%" in page.content.decode()
    assert 'data-chart="chart-appointments"' in page.content.decode()
    xlsx = manager.get("/service/appointments/kpis/", {"start": "2026-11-23",
                                                       "end": "2026-11-24", "format": "xlsx"},
                       follow=True)
    assert xlsx.redirect_chain[0][0].startswith("/reports/view/appointment-kpis/")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(xlsx.content))
    assert len(book.worksheets) == 3  # per day, per service advisor, total
    per_day = list(book.worksheets[0].values)
    assert per_day[1][0].date() == MONDAY and per_day[1][1:4] == (3, 2, 66.7)
    assert list(book.worksheets[2].values)[1][:4] == (3, 2, 66.7, 4)


def test_sv5_kpis_query_count_does_not_grow_with_the_period(crew, store_bj,
                                                            django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        appointment_kpis(store=store_bj, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))


def test_home_cards_for_the_sa_and_the_service_manager(crew, shifts, store_bj, book, clock):
    book(at(dt.date(2026, 11, 22), 10, 0))
    book(at(MONDAY, 10, 0))
    home = login(crew.advisor).get("/").content.decode()
    assert 'id="card-today"' in home and 'id="card-next"' in home
    assert "/service/appointments/" in home
    manager_home = login(crew.manager).get("/").content.decode()
    assert 'id="card-capacity-week"' in manager_home

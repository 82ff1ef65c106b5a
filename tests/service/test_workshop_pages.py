"""SV-10 / SV-13 pages: the dispatch board (load, late orders, assign, live refresh, query
count), the technician's job list, the inspection pages and the home cards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from siwei.service.models import Inspection, JobStatus, ROStatus, TechnicianShift
from siwei.service.selectors_workshop import ShiftWindow, advance, workshop_board
from siwei.service.services.workshop import (
    inspection_record,
    job_assign,
    job_finish,
    job_start,
)

from .test_workshop_helpers import jobs_of, open_ro

pytestmark = pytest.mark.django_db

BOARD = reverse("service:workshop-board")


def login(client, user):
    """Logged in with the English switch on: the assertions read the English wording."""
    from django.conf import settings

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def ro(crew, store_bj, car, operations, shifts):
    return open_ro(crew, store_bj, car, operations)


# --- board figures ---------------------------------------------------------------------


def test_sv10_hours_left_in_a_shift_and_free_hours(crew, store_bj, ro, clock):
    oil, brakes = jobs_of(ro)  # 0.50 h and 1.20 h sold
    job_assign(actor=crew.foreman, job=oil, technician=crew.tech1)
    job_assign(actor=crew.foreman, job=brakes, technician=crew.tech1)
    job_start(actor=crew.tech1, job=oil)
    clock.advance(minutes=12)  # 09:12, 0.20 h clocked on the oil change
    board = workshop_board(store=store_bj)
    tech1 = next(t for t in board.technicians if t.user == crew.tech1)
    tech2 = next(t for t in board.technicians if t.user == crew.tech2)
    # 17:30 − 09:12 = 8.30 h left; to do: 0.30 + 1.20
    assert tech1.hours_left == Decimal("8.30") and tech1.assigned_hours == Decimal("1.50")
    assert tech1.free_hours == Decimal("6.80") and not tech1.overloaded
    assert tech1.current.job == oil
    assert tech2.assigned_hours == 0 and tech2.free_hours == Decimal("8.30")
    order = board.orders[0]
    assert order.ready_at == clock.now() + dt.timedelta(hours=1.5)
    assert not order.late


def test_sv10_hours_left_count_from_the_shift_start_before_it_begins(crew, store_bj, ro,
                                                                     clock):
    clock.set(clock.now().replace(hour=7, minute=0))
    board = workshop_board(store=store_bj)
    assert {t.hours_left for t in board.technicians} == {Decimal("9.00")}
    clock.set(clock.now().replace(hour=18, minute=0))
    board = workshop_board(store=store_bj)
    assert {t.hours_left for t in board.technicians} == {Decimal("0.00")}


def test_sv10_order_late_when_the_work_cannot_be_ready_by_the_promised_time(
        crew, store_bj, car, operations, shifts, clock):
    tight = open_ro(crew, store_bj, car, operations, jobs=("brakes",), hours_to_promise=1)
    roomy = open_ro(crew, store_bj, car, operations, jobs=("oil",), hours_to_promise=3)
    job_assign(actor=crew.foreman, job=jobs_of(roomy)[0], technician=crew.tech1)
    board = workshop_board(store=store_bj)
    late = {o.ro.pk: o.late for o in board.orders}
    assert late == {tight.pk: True, roomy.pk: False}  # 1.2 h of work, promised in 1 h
    clock.advance(hours=4)  # the promised time passed
    board = workshop_board(store=store_bj)
    assert all(o.late and o.overdue for o in board.orders)


def test_sv10_work_beyond_the_shift_goes_on_the_next_day(clock):
    shift = TechnicianShift(day=clock.today(), start=dt.time(8, 30), end=dt.time(17, 30))
    window = ShiftWindow.of(shift)
    start = clock.now().replace(hour=16, minute=30)
    ready = advance(start, Decimal("3"), window)  # 1 h today, 2 h tomorrow from 08:30
    assert ready == (start + dt.timedelta(days=1)).replace(hour=10, minute=30)


def test_sv10_overloaded_technician(crew, store_bj, car, operations, shifts, clock):
    big = open_ro(crew, store_bj, car, operations, jobs=("engine",), category="overhaul",
                  contract=True, hours_to_promise=30)
    job_assign(actor=crew.foreman, job=jobs_of(big)[0], technician=crew.tech2)
    board = workshop_board(store=store_bj)
    tech2 = next(t for t in board.technicians if t.user == crew.tech2)
    assert tech2.overloaded and tech2.free_hours == Decimal("-3.50")  # 8.5 left, 12 to do


# --- board page ------------------------------------------------------------------------


def test_sv10_board_page_shows_load_promised_time_and_late_orders(client, crew, store_bj,
                                                                  car, operations, shifts):
    late = open_ro(crew, store_bj, car, operations, jobs=("brakes",), hours_to_promise=1)
    fine = open_ro(crew, store_bj, car, operations, jobs=("oil",), hours_to_promise=5)
    response = login(client, crew.foreman).get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-ro="{late.pk}" class="table-danger" data-late="1"' in html
    assert f'data-ro="{fine.pk}">' in html
    assert 'hx-trigger="every 30s"' in html and f'hx-get="{BOARD}"' in html
    assert f'data-technician="{crew.tech1.pk}"' in html
    assert reverse("service:workshop-job-assign", args=[jobs_of(late)[0].pk]) in html


def test_sv10_board_partial_for_the_live_refresh(client, crew, ro):
    response = login(client, crew.foreman).get(BOARD, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="board"')
    assert "<html" not in html


def test_sv10_board_is_store_scoped_and_permission_checked(client, crew, staff, store_sh, ro):
    assert login(client, crew.tech1).get(BOARD).status_code == 403
    assert login(client, crew.advisor).get(BOARD).status_code == 403
    other_foreman = staff("foreman", store=store_sh)
    html = login(client, other_foreman).get(BOARD).content.decode()
    assert ro.number not in html


def test_sv10_assign_from_the_board(client, crew, ro):
    job = jobs_of(ro)[0]
    url = reverse("service:workshop-job-assign", args=[job.pk])
    response = login(client, crew.foreman).post(url, {"technician": crew.tech2.pk},
                                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="board"' in response.content.decode()
    job.refresh_from_db()
    assert job.technician == crew.tech2 and job.status == JobStatus.ASSIGNED
    # without htmx: a redirect back to the board
    response = client.post(url, {"technician": crew.tech1.pk})
    assert response.status_code == 302 and response.url == BOARD
    job.refresh_from_db()
    assert job.technician == crew.tech1


def test_sv10_assign_refusal_shown_on_the_board(client, crew, store_bj, car, operations,
                                                shifts):
    draft = open_ro(crew, store_bj, car, operations, sign=False)
    job = jobs_of(draft)[0]
    url = reverse("service:workshop-job-assign", args=[job.pk])
    response = login(client, crew.foreman).post(url, {"technician": crew.tech1.pk},
                                                HTTP_HX_REQUEST="true")
    assert "signed" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    # a technician without a shift today is not a choice
    TechnicianShift.objects.filter(technician=crew.tech2).delete()
    ro = open_ro(crew, store_bj, car, operations)
    response = client.post(reverse("service:workshop-job-assign", args=[jobs_of(ro)[0].pk]),
                           {"technician": crew.tech2.pk}, HTTP_HX_REQUEST="true")
    assert jobs_of(ro)[0].technician is None
    assert login(client, crew.tech1).post(url, {"technician": crew.tech1.pk}).status_code == 403


def test_sv10_board_query_count_does_not_grow_with_the_orders(client, crew, store_bj, car,
                                                              operations, shifts,
                                                              django_assert_max_num_queries):
    def board_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(BOARD).status_code == 200
        return len(ctx.captured_queries)

    login(client, crew.foreman)
    for _i in range(2):
        ro = open_ro(crew, store_bj, car, operations)
        job_assign(actor=crew.foreman, job=jobs_of(ro)[0], technician=crew.tech1)
    client.get(BOARD)
    few = board_queries()
    for i in range(18):
        ro = open_ro(crew, store_bj, car, operations, hours_to_promise=2 + i % 5)
        tech = crew.tech1 if i % 2 else crew.tech2
        job_assign(actor=crew.foreman, job=jobs_of(ro)[0], technician=tech)
        if i == 3:
            job_start(actor=tech, job=jobs_of(ro)[0])
    with django_assert_max_num_queries(few):
        response = client.get(BOARD)
    assert response.content.decode().count("data-ro=") == 20
    assert few <= 25


# --- technician page -------------------------------------------------------------------


def test_sv10_technician_page_clocks_with_big_buttons(client, crew, ro, clock):
    oil, brakes = jobs_of(ro)
    job_assign(actor=crew.foreman, job=oil, technician=crew.tech1)
    job_assign(actor=crew.foreman, job=brakes, technician=crew.tech2)
    page = reverse("service:workshop-my-jobs")
    login(client, crew.tech1)
    html = client.get(page).content.decode()
    assert oil.name in html and brakes.name not in html
    assert reverse("service:workshop-job-action", args=[oil.pk, "start"]) in html
    response = client.post(reverse("service:workshop-job-action", args=[oil.pk, "start"]))
    assert response.status_code == 302 and response.url == page
    oil.refresh_from_db()
    assert oil.status == JobStatus.IN_PROGRESS
    clock.advance(minutes=30)
    html = client.get(page).content.decode()
    assert "0.50 h" in html and "Finish" in html
    client.post(reverse("service:workshop-job-action", args=[oil.pk, "pause"]))
    client.post(reverse("service:workshop-job-action", args=[oil.pk, "resume"]))
    response = client.post(reverse("service:workshop-job-action", args=[oil.pk, "finish"]),
                           {"result": "fail", "findings": ""}, follow=True)
    assert "Say what the self-check found" in response.content.decode()
    client.post(reverse("service:workshop-job-action", args=[oil.pk, "finish"]),
                {"result": "fail", "findings": "漏油"})
    oil.refresh_from_db()
    assert oil.status == JobStatus.IN_PROGRESS
    client.post(reverse("service:workshop-job-action", args=[oil.pk, "finish"]),
                {"result": "pass"})
    oil.refresh_from_db()
    assert oil.status == JobStatus.FINISHED and oil.self_checked
    assert oil.actual_hours == Decimal("0.50")


def test_sv10_technician_cannot_clock_on_someone_elses_job(client, crew, ro):
    oil = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=oil, technician=crew.tech1)
    response = login(client, crew.tech2).post(
        reverse("service:workshop-job-action", args=[oil.pk, "start"]), follow=True)
    assert "Only the assigned technician" in response.content.decode()
    oil.refresh_from_db()
    assert oil.status == JobStatus.ASSIGNED
    assert login(client, crew.advisor).post(
        reverse("service:workshop-job-action", args=[oil.pk, "start"])).status_code == 403
    assert login(client, crew.tech1).post(
        reverse("service:workshop-job-action", args=[oil.pk, "explode"])).status_code == 404


# --- inspection pages ------------------------------------------------------------------


def finish_all(crew, ro):
    for job in jobs_of(ro):
        job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
        job_start(actor=crew.tech1, job=job)
        job_finish(actor=crew.tech1, job=job)


def test_sv13_foreman_and_final_inspection_pages(client, crew, ro):
    finish_all(crew, ro)
    login(client, crew.foreman)
    queue = client.get(reverse("service:workshop-foreman-checks")).content.decode()
    assert f'data-ro="{ro.pk}"' in queue
    url2 = reverse("service:workshop-inspect", args=[ro.pk, 2])
    html = client.get(url2).content.decode()
    assert 'data-level="1"' in html  # the self-checks are shown
    response = client.post(url2, {"result": "pass", "findings": ""})
    assert response.status_code == 302
    queue = client.get(reverse("service:workshop-foreman-checks")).content.decode()
    assert f'data-ro="{ro.pk}"' not in queue
    assert client.get(reverse("service:workshop-inspect", args=[ro.pk, 3])).status_code == 403
    login(client, crew.qc)
    assert ro.number in client.get(reverse("service:workshop-final-inspections")).content.decode()
    url3 = reverse("service:workshop-inspect", args=[ro.pk, 3])
    html = client.get(url3).content.decode()
    assert 'data-level="2"' in html and 'name="wear_tyres"' in html
    # a pass with an unticked check is refused at the checks
    data = {"result": "pass", "road_test": "on", "wear_tyres": "60", "wear_brake_pads": "35",
            **{f"check_{k}": "on" for k in ("safety", "power", "economy", "reliability",
                                            "emissions")}}
    response = client.post(url3, data)
    assert response.status_code == 200 and "fails the inspection" in response.content.decode()
    response = client.post(url3, {**data, "check_cleanliness": "on"})
    assert response.status_code == 302
    ro.refresh_from_db()
    assert ro.status == ROStatus.INSPECTED and ro.certificate_number.startswith("QC-BJ01-")
    final = Inspection.objects.get(repair_order=ro, level=3)
    assert final.wear == {"tyres": 60, "brake_pads": 35} and final.road_test
    assert client.get(reverse("service:workshop-inspect", args=[ro.pk, 4])).status_code == 404


def test_sv13_failure_from_the_page_sends_the_job_back(client, crew, ro):
    finish_all(crew, ro)
    brakes = jobs_of(ro)[1]
    login(client, crew.foreman)
    url2 = reverse("service:workshop-inspect", args=[ro.pk, 2])
    response = client.post(url2, {"result": "fail", "findings": ""})
    assert response.status_code == 200 and "Say what failed" in response.content.decode()
    response = client.post(url2, {"result": "fail", "findings": "刹车片未到位",
                                  "job": brakes.pk})
    assert response.status_code == 302
    ro.refresh_from_db()
    brakes.refresh_from_db()
    assert ro.status == ROStatus.IN_PROGRESS and brakes.status == JobStatus.ASSIGNED
    html = client.get(url2).content.decode()
    assert "not waiting for the foreman check" in html


def test_sv13_inspection_pages_are_permission_checked_and_store_scoped(client, crew, staff,
                                                                       store_sh, ro):
    url = reverse("service:workshop-inspect", args=[ro.pk, 2])
    assert login(client, crew.tech1).get(url).status_code == 403
    assert login(client, crew.qc).get(url).status_code == 403
    assert login(client, staff("foreman", store=store_sh)).get(url).status_code == 404


# --- home cards ------------------------------------------------------------------------


def test_workshop_home_cards(client, crew, ro):
    oil = jobs_of(ro)[0]
    job_assign(actor=crew.foreman, job=oil, technician=crew.tech1)
    job_start(actor=crew.tech1, job=oil)
    html = login(client, crew.foreman).get(reverse("home")).content.decode()
    assert 'id="card-workshop-board"' in html and 'data-unassigned="1"' in html
    html = login(client, crew.tech1).get(reverse("home")).content.decode()
    assert 'id="card-current-job"' in html and oil.name in html
    job_finish(actor=crew.tech1, job=oil)
    brakes = jobs_of(ro)[1]
    job_assign(actor=crew.foreman, job=brakes, technician=crew.tech1)
    job_start(actor=crew.tech1, job=brakes)
    job_finish(actor=crew.tech1, job=brakes)
    inspection_record(actor=crew.foreman, repair_order=ro, level=2, passed=True)
    html = login(client, crew.qc).get(reverse("home")).content.decode()
    assert 'id="card-qc-queue"' in html and ro.number in html


def test_workshop_menu_entries(client, crew):
    html = login(client, crew.foreman).get(reverse("home")).content.decode()
    assert BOARD in html and reverse("service:workshop-kpis") in html
    assert reverse("service:workshop-my-jobs") not in html
    html = login(client, crew.tech1).get(reverse("home")).content.decode()
    assert reverse("service:workshop-my-jobs") in html and BOARD not in html

"""SV-10 / SV-13 over the API: ``workshop/board/``, ``workshop/my-jobs/`` and
``workshop/inspections/?level=`` give the figures of the pages' selectors, with the pages'
permissions, bounded queries and responses that match the OpenAPI schema."""

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from siwei.service.models import Inspection, JobStatus, ROStatus
from siwei.service.selectors_workshop import technician_jobs, workshop_board
from siwei.service.services.workshop import (
    inspection_record,
    job_assign,
    job_finish,
    job_start,
)

from .test_workshop_helpers import jobs_of, open_ro

pytestmark = pytest.mark.django_db

BOARD = "/api/v1/workshop/board/"
MY_JOBS = "/api/v1/workshop/my-jobs/"
INSPECTIONS = "/api/v1/workshop/inspections/"


def when(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def get_ok(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def board_day(crew, store_bj, car, operations, shifts, clock):
    """Three orders at 09:12: tech1 works on the oil change of ``fine`` and has its brakes
    next; ``late`` (1.20 h of brakes promised in 1 h) waits unassigned; tech2 has the
    12-hour engine overhaul of ``big`` (8.30 h left in the shift: overloaded)."""
    fine = open_ro(crew, store_bj, car, operations, hours_to_promise=5)
    late = open_ro(crew, store_bj, car, operations, jobs=("brakes",), hours_to_promise=1)
    big = open_ro(crew, store_bj, car, operations, jobs=("engine",), category="overhaul",
                  contract=True, hours_to_promise=30)
    oil, brakes = jobs_of(fine)
    job_assign(actor=crew.foreman, job=oil, technician=crew.tech1)
    job_assign(actor=crew.foreman, job=brakes, technician=crew.tech1)
    job_assign(actor=crew.foreman, job=jobs_of(big)[0], technician=crew.tech2)
    job_start(actor=crew.tech1, job=oil)
    clock.advance(minutes=12)
    return {"fine": fine, "late": late, "big": big}


# --- the board -------------------------------------------------------------------------


def test_sv10_board_api_gives_the_figures_of_the_board(crew, store_bj, board_day, api):
    data = get_ok(api(crew.foreman, store_bj), BOARD)
    board = workshop_board(store=store_bj)
    techs = {t["id"]: t for t in data["technicians"]}
    assert [t["id"] for t in data["technicians"]] == [t.user.pk for t in board.technicians]
    for expected in board.technicians:
        got = techs[expected.user.pk]
        assert got["name"] == expected.name and got["on_shift"] is True
        assert got["shift_start"] == "08:30" and got["shift_end"] == "17:30"
        assert Decimal(got["hours_left"]) == expected.hours_left
        assert Decimal(got["assigned_hours"]) == expected.assigned_hours
        assert Decimal(got["free_hours"]) == expected.free_hours
        assert got["overloaded"] == expected.overloaded
        assert got["load_percent"] == expected.load_percent
        assert [j["id"] for j in got["jobs"]] == [j.job.pk for j in expected.jobs]
        assert [when(j["ready_at"]) for j in got["jobs"]] == [j.ready_at for j in expected.jobs]
    # the figures themselves: 17:30 − 09:12 = 8.30 h left
    tech1, tech2 = techs[crew.tech1.pk], techs[crew.tech2.pk]
    assert (tech1["hours_left"], tech1["assigned_hours"], tech1["free_hours"]) == (
        "8.30", "1.50", "6.80")  # 0.30 h of the oil change + 1.20 h of brakes
    assert tech2["overloaded"] is True and tech2["free_hours"] == "-3.70"
    running = tech1["jobs"][0]
    assert running["running"] is True and running["status"] == JobStatus.IN_PROGRESS
    assert (running["sold_hours"], running["clocked_hours"], running["hours_to_do"]) == (
        "0.50", "0.20", "0.30")
    assert running["number"] == board_day["fine"].number and running["plate"] == "京A88888"
    assert when(running["promised_at"]) == board_day["fine"].promised_at
    # orders: promised time, expected finish and the late flag
    orders = {o["id"]: o for o in data["orders"]}
    for expected in board.orders:
        got = orders[expected.ro.pk]
        assert (got["late"], got["overdue"]) == (expected.late, expected.overdue)
        assert when(got["ready_at"]) == expected.ready_at
        assert when(got["promised_at"]) == expected.ro.promised_at
        assert [j["id"] for j in got["jobs"]] == [j.job.pk for j in expected.jobs]
    late, fine, big = (orders[board_day[k].pk] for k in ("late", "fine", "big"))
    assert late["late"] is True and fine["late"] is False
    # 8.30 h today, 3.70 h tomorrow from 08:30: ready 12:12, promised 15:00
    assert big["late"] is False and when(big["ready_at"]).hour == 12
    # the unassigned queue: the late order's brakes, flagged late
    assert [j["id"] for j in data["unassigned"]] == [jobs_of(board_day["late"])[0].pk]
    assert data["unassigned"][0]["late"] is True and data["unassigned"][0]["technician"] is None
    assert data["unassigned"][0]["status"] == JobStatus.PENDING
    assert (data["technicians_on_shift"], data["late_count"]) == (2, 1)
    assert Decimal(data["hours_left"]) == board.hours_left == Decimal("16.60")
    assert Decimal(data["assigned_hours"]) == board.assigned_hours
    assert Decimal(data["unassigned_hours"]) == board.unassigned_hours == Decimal("1.20")


def test_sv10_board_api_needs_the_dispatch_permission_of_the_store(
        crew, staff, store_bj, store_sh, board_day, api):
    assert api(crew.tech1, store_bj).get(BOARD).status_code == 403  # as the page
    assert api(crew.advisor, store_bj).get(BOARD).status_code == 403
    assert api(None).get(BOARD).status_code == 401
    assert api(crew.foreman, store_sh).get(BOARD).status_code == 403  # not their store
    other = staff("foreman", store=store_sh)
    data = get_ok(api(other, store_sh), BOARD)
    assert data["orders"] == [] and data["technicians"] == [] and data["unassigned"] == []
    assert get_ok(api(crew.manager, store_bj), BOARD)["late_count"] == 1


def test_sv10_board_api_queries_do_not_grow_with_the_jobs(crew, store_bj, car, operations,
                                                          shifts, api,
                                                          django_assert_max_num_queries):
    client = api(crew.foreman, store_bj)
    for _i in range(2):
        ro = open_ro(crew, store_bj, car, operations)
        job_assign(actor=crew.foreman, job=jobs_of(ro)[0], technician=crew.tech1)
    client.get(BOARD)
    with CaptureQueriesContext(connection) as few:
        get_ok(client, BOARD)
    for i in range(12):
        ro = open_ro(crew, store_bj, car, operations, hours_to_promise=2 + i % 5)
        oil, brakes = jobs_of(ro)
        job_assign(actor=crew.foreman, job=oil, technician=crew.tech1 if i % 2 else crew.tech2)
        if i % 3 == 0:
            job_assign(actor=crew.foreman, job=brakes, technician=crew.tech1)
        if i == 3:
            job_start(actor=crew.tech1, job=oil)  # i = 3: assigned to tech1
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = get_ok(client, BOARD)
    assert len(data["orders"]) == 14 and len(data["unassigned"]) == 2 + 8
    assert sum(len(t["jobs"]) for t in data["technicians"]) == 2 + 12 + 4
    # token, store, permissions, then the board's four: orders, jobs, clocks, shifts
    assert len(few.captured_queries) <= 8


# --- a technician's jobs ---------------------------------------------------------------


def test_sv10_my_jobs_api_gives_the_technicians_jobs(crew, store_bj, board_day, api, clock):
    data = get_ok(api(crew.tech1, store_bj), MY_JOBS)
    expected = technician_jobs(store=store_bj, technician=crew.tech1)
    assert data["count"] == 2
    assert [j["id"] for j in data["results"]] == [t.job.pk for t in expected]
    running, queued = data["results"]
    assert running["status"] == JobStatus.IN_PROGRESS
    assert (running["sold_hours"], running["clocked_hours"]) == ("0.50", "0.20")
    assert when(running["running_since"]) == clock.now() - dt.timedelta(minutes=12)
    fine = board_day["fine"]
    assert (running["repair_order"], running["number"], running["vehicle"],
            running["plate"]) == (fine.pk, fine.number, fine.vehicle_id, "京A88888")
    assert queued["status"] == JobStatus.ASSIGNED and queued["running_since"] is None
    assert (queued["sold_hours"], queued["clocked_hours"]) == ("1.20", "0.00")
    # finished today stays on the list with its clocked hours
    clock.advance(minutes=18)
    job_finish(actor=crew.tech1, job=jobs_of(fine)[0])
    data = get_ok(api(crew.tech1, store_bj), MY_JOBS)
    done = next(j for j in data["results"] if j["id"] == jobs_of(fine)[0].pk)
    assert done["status"] == JobStatus.FINISHED and done["clocked_hours"] == "0.50"
    # tech2 sees only the overhaul
    data = get_ok(api(crew.tech2, store_bj), MY_JOBS)
    assert [j["id"] for j in data["results"]] == [jobs_of(board_day["big"])[0].pk]


def test_sv10_my_jobs_api_another_technicians_jobs_only_for_the_foreman(
        crew, staff, store_bj, store_sh, board_day, api):
    own = get_ok(api(crew.tech1, store_bj), MY_JOBS)
    as_foreman = get_ok(api(crew.foreman, store_bj), MY_JOBS, technician=crew.tech1.pk)
    assert as_foreman == own
    response = api(crew.tech2, store_bj).get(MY_JOBS, {"technician": crew.tech1.pk})
    assert response.status_code == 403
    # their own id is their own list
    assert get_ok(api(crew.tech1, store_bj), MY_JOBS, technician=crew.tech1.pk) == own
    # as on the pages: the foreman has no job list of their own, the advisor none at all
    assert api(crew.foreman, store_bj).get(MY_JOBS).status_code == 403
    assert api(crew.advisor, store_bj).get(MY_JOBS,
                                           {"technician": crew.tech1.pk}).status_code == 403
    # not a number: 400 naming the field
    for value in ("abc", 0, -3, 2**31):
        response = api(crew.foreman, store_bj).get(MY_JOBS, {"technician": value})
        assert response.status_code == 400 and list(response.json()) == ["technician"]
    # only this store's jobs: none for a user who does not work here
    stranger = staff("technician", store=store_sh)
    assert get_ok(api(crew.foreman, store_bj), MY_JOBS, technician=stranger.pk)["count"] == 0
    other = staff("foreman", store=store_sh)
    assert get_ok(api(other, store_sh), MY_JOBS, technician=crew.tech1.pk)["count"] == 0
    assert api(crew.tech1, store_sh).get(MY_JOBS).status_code == 403  # not their store


# --- inspection queues (SV-13) ---------------------------------------------------------


def finish_all(crew, ro):
    for job in jobs_of(ro):
        if job.status == JobStatus.PENDING:
            job = job_assign(actor=crew.foreman, job=job, technician=crew.tech1)
        if job.status in (JobStatus.PENDING, JobStatus.ASSIGNED):
            job_start(actor=crew.tech1, job=job)
        if job.status != JobStatus.FINISHED:
            job_finish(actor=crew.tech1, job=job)


def queue(client, level):
    return get_ok(client, INSPECTIONS, level=level)["results"]


def test_sv13_inspection_queues_by_level_with_the_last_inspection(crew, store_bj, board_day,
                                                                   api):
    fine = board_day["fine"]
    foreman, qc = api(crew.foreman, store_bj), api(crew.qc, store_bj)
    # level 1: orders in progress with a job being worked on (fine: the oil change)
    level1 = queue(api(crew.tech1, store_bj), 1)
    assert [o["id"] for o in level1] == [fine.pk] and level1[0]["last_inspection"] is None
    assert queue(foreman, 2) == [] and queue(qc, 3) == []
    finish_all(crew, fine)
    # level 2: completed, waiting for the foreman; last: the technician's self-check
    assert queue(foreman, 1) == []
    [waiting] = queue(foreman, 2)
    assert waiting["id"] == fine.pk and waiting["status"] == ROStatus.COMPLETED
    assert (waiting["number"], waiting["plate"]) == (fine.number, "京A88888")
    last = waiting["last_inspection"]
    self_check = Inspection.objects.filter(repair_order=fine).latest("id")
    assert (last["id"], last["level"], last["passed"], last["job"]) == (
        self_check.pk, 1, True, jobs_of(fine)[1].pk)
    assert (last["inspector"], last["inspector_name"]) == (crew.tech1.pk, crew.tech1.username)
    assert when(waiting["completed_at"]) is not None and queue(qc, 3) == []
    # a failed foreman check sends it back: level 1 again, with the failure as the last
    inspection_record(actor=crew.foreman, repair_order=fine, level=2, passed=False,
                      findings="机滤渗油", job=jobs_of(fine)[0])
    assert queue(foreman, 2) == []
    job_start(actor=crew.tech1, job=jobs_of(fine)[0])
    [back] = queue(api(crew.tech1, store_bj), 1)
    assert back["last_inspection"]["level"] == 2 and back["last_inspection"]["passed"] is False
    assert back["last_inspection"]["findings"] == "机滤渗油"
    job_finish(actor=crew.tech1, job=jobs_of(fine)[0])
    # level 3 after the foreman's pass
    inspection_record(actor=crew.foreman, repair_order=fine, level=2, passed=True)
    assert queue(foreman, 2) == []
    [final] = queue(qc, 3)
    assert final["last_inspection"]["level"] == 2 and final["last_inspection"]["passed"]
    assert final["last_inspection"]["inspector"] == crew.foreman.pk
    inspection_record(actor=crew.qc, repair_order=fine, level=3, passed=True)
    assert queue(qc, 3) == []


def test_sv13_inspection_queue_level_is_validated(crew, store_bj, board_day, api):
    client = api(crew.foreman, store_bj)
    for params in ({}, {"level": 4}, {"level": 0}, {"level": "two"}, {"level": ""}):
        response = client.get(INSPECTIONS, params)
        assert response.status_code == 400, params
        assert list(response.json()) == ["level"]


def test_sv13_inspection_queues_have_the_pages_permissions(crew, staff, store_bj, store_sh,
                                                          board_day, api):
    finish_all(crew, board_day["fine"])

    def status(user, level, store=store_bj):
        return api(user, store).get(INSPECTIONS, {"level": level}).status_code

    assert status(crew.foreman, 2) == 200 and status(crew.foreman, 3) == 403
    assert status(crew.qc, 3) == 200 and status(crew.qc, 2) == 403
    assert status(crew.tech1, 1) == 200 and status(crew.tech1, 2) == 403
    assert status(crew.foreman, 1) == 200 and status(crew.qc, 1) == 403
    assert status(crew.advisor, 2) == 403 and status(crew.advisor, 1) == 403
    assert status(crew.cashier, 2) == 403 and status(crew.cashier, "bad") == 403
    assert status(crew.manager, 3) == 200
    assert status(crew.foreman, 2, store_sh) == 403  # not their store
    other = staff("foreman", store=store_sh)
    assert queue(api(other, store_sh), 2) == []  # another store's queue is its own


def test_sv13_inspection_queue_queries_do_not_grow_with_the_orders(
        crew, store_bj, car, operations, shifts, api, django_assert_max_num_queries):
    client = api(crew.foreman, store_bj)

    def completed(n):
        for _i in range(n):
            ro = open_ro(crew, store_bj, car, operations, jobs=("oil",))
            finish_all(crew, ro)

    completed(1)
    queue(client, 2)
    with CaptureQueriesContext(connection) as few:
        queue(client, 2)
    completed(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(queue(client, 2)) == 9


# --- the schema ------------------------------------------------------------------------


def _json_schema(node):
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` allows null, and objects allow
    no properties beyond those described (the schema describes responses exactly)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture
def workshop_schema():
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.routers import DefaultRouter

    from siwei.service import api_workshop

    router = DefaultRouter()
    api_workshop.register(router)
    schema = SchemaGenerator(patterns=[path("api/v1/", include(router.urls))]).get_schema(
        request=None, public=True)
    return copy.deepcopy(schema)


def test_workshop_api_responses_match_the_openapi_schema(crew, store_bj, board_day, api,
                                                         workshop_schema):
    import json

    from jsonschema import Draft7Validator

    components = _json_schema(json.loads(json.dumps(workshop_schema["components"],
                                                    default=str)))

    def check(path, status, body):
        operation = workshop_schema["paths"][path]["get"]
        content = operation["responses"][str(status)]["content"]["application/json"]
        ref = content["schema"]["$ref"]
        errors = list(Draft7Validator({"$ref": ref, "components": components})
                      .iter_errors(body))
        assert not errors, (path, status, [e.message for e in errors])

    foreman, tech = api(crew.foreman, store_bj), api(crew.tech1, store_bj)
    check("/api/v1/workshop/board/", 200, get_ok(foreman, BOARD))
    check("/api/v1/workshop/my-jobs/", 200, get_ok(tech, MY_JOBS))
    check("/api/v1/workshop/my-jobs/", 200, get_ok(foreman, MY_JOBS, technician=crew.tech2.pk))
    for level, client in ((1, tech), (2, foreman)):
        check("/api/v1/workshop/inspections/", 200,
              get_ok(client, INSPECTIONS, level=level))
    finish_all(crew, board_day["fine"])
    check("/api/v1/workshop/inspections/", 200, get_ok(foreman, INSPECTIONS, level=2))
    response = foreman.get(INSPECTIONS, {"level": 9})
    assert response.status_code == 400
    check("/api/v1/workshop/inspections/", 400, response.json())
    response = foreman.get(MY_JOBS, {"technician": "x"})
    assert response.status_code == 400
    check("/api/v1/workshop/my-jobs/", 400, response.json())
    for client, url in ((tech, BOARD), (api(None), BOARD)):
        response = client.get(url)
        check("/api/v1/workshop/board/", response.status_code, response.json())

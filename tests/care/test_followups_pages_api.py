"""CR-1 … CR-4 pages (my calls, task page, overdue, list, Excel) and the follow-ups/ and
survey-responses/ API: store scoping, permissions, 400/409 codes, bounded queries."""

import datetime as dt

import pytest
from django.urls import reverse

from siwei.care.models import FollowUpStatus, SurveyResponse
from siwei.care.services import followup_complete
from siwei.core.exports import XLSX_CONTENT_TYPE
from tests.care.followups_support import *  # noqa: F403 - the fixtures
from tests.care.followups_support import scores_for, service_questions, service_task

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def calls(ro, team, clock):
    """Queue tasks: overdue (yesterday), due later today, tomorrow; cs2's own task today."""
    now = clock.now()
    return {
        "overdue": service_task(ro, due_at=now - dt.timedelta(days=1)),
        "today": service_task(ro, due_at=now + dt.timedelta(hours=3)),
        "tomorrow": service_task(ro, due_at=now + dt.timedelta(days=1, hours=2)),
        "cs2": service_task(ro, due_at=now + dt.timedelta(hours=1), assignee=team.cs2),
    }


def more_tasks(ro, due_at, count: int) -> None:
    for minutes in range(1, count + 1):
        service_task(ro, due_at=due_at - dt.timedelta(minutes=minutes))


def test_cr1_my_calls_shows_todays_and_overdue_calls_of_the_user(
        client, team, ro, calls, django_assert_max_num_queries):
    login(client, team.cs)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("care:my-calls"))
    html = page.content.decode()
    assert page.status_code == 200
    for name in ("overdue", "today"):
        assert f'data-task="{calls[name].pk}"' in html
    for name in ("tomorrow", "cs2"):
        assert f'data-task="{calls[name].pk}"' not in html
    assert 'id="count-overdue"' in html
    # More tasks do not mean more queries.
    more_tasks(ro, calls["today"].due_at, 7)
    with django_assert_max_num_queries(14):
        client.get(reverse("care:my-calls"))
    mine = login(client, team.cs2).get(reverse("care:my-calls")).content.decode()
    assert f'data-task="{calls["cs2"].pk}"' in mine


def test_cr1_task_page_shows_script_questionnaire_and_completes(client, group, team, task,
                                                                 ro):
    login(client, team.cs)
    url = reverse("care:followup", args=[task.pk])
    html = client.get(url).content.decode()
    assert 'id="script"' in html and 'id="questionnaire"' in html
    assert "这次维修保养是否一次修好" in html and "13912345678" in html
    q = service_questions(group)
    action = reverse("care:followup-action", args=[task.pk])
    data = {"action": "complete", "result": "客户满意"}
    data.update({f"q_{x.pk}": "5" for x in q["satisfaction"]})
    data.update({f"q_{q['nps'][0].pk}": "10"})
    refused = client.post(action, data)  # loyalty items missing → the form says so
    assert refused.status_code == 400
    task.refresh_from_db()
    assert task.status == FollowUpStatus.PENDING
    data.update({f"q_{x.pk}": "yes" for x in q["loyalty"]})
    response = client.post(action, data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == FollowUpStatus.DONE
    assert SurveyResponse.objects.get(follow_up=task).csi == 100
    done = client.get(url).content.decode()
    assert 'id="response"' in done and 'id="complete"' not in done


def test_cr1_task_page_actions_and_refusals(client, team, task, ro, store_sh, staff, clock):
    action = reverse("care:followup-action", args=[task.pk])
    login(client, team.cs)
    client.post(action, {"action": "unreachable", "note": "无人接听"})
    task.refresh_from_db()
    assert task.attempts == 1 and task.status == FollowUpStatus.PENDING
    client.post(action, {"action": "unreachable"})  # same day → message, nothing changes
    task.refresh_from_db()
    assert task.attempts == 1
    personal = service_task(ro, due_at=clock.now() + dt.timedelta(days=3), assignee=team.cs)
    other = login(client, team.cs2)
    page = other.get(reverse("care:followup", args=[personal.pk])).content.decode()
    assert 'id="complete"' not in page
    refused = other.post(reverse("care:followup-action", args=[personal.pk]),
                         {"action": "cancel", "reason": "x"})
    assert refused.status_code == 403
    personal.refresh_from_db()
    assert personal.status == FollowUpStatus.PENDING
    login(client, team.cs).post(reverse("care:followup-action", args=[personal.pk]),
                                {"action": "cancel", "reason": "客户要求不再回访"})
    personal.refresh_from_db()
    assert personal.status == FollowUpStatus.CANCELLED
    stranger = login(client, staff("customer_service", store=store_sh))
    assert stranger.get(reverse("care:followup", args=[task.pk])).status_code == 404
    assert login(client, team.tech1).get(reverse("care:my-calls")).status_code == 403


def test_cr1_overdue_page_groups_by_assignee_and_reassigns(client, team, calls,
                                                           django_assert_max_num_queries):
    assert login(client, team.cs).get(reverse("care:followups-overdue")).status_code == 403
    login(client, team.supervisor)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("care:followups-overdue"))
    html = page.content.decode()
    assert f'data-task="{calls["overdue"].pk}"' in html
    assert f'data-task="{calls["today"].pk}"' not in html  # not due yet
    client.post(reverse("care:followup-action", args=[calls["overdue"].pk]),
                {"action": "reassign", "assignee": team.cs2.pk, "assignee_role": "",
                 "next": reverse("care:followups-overdue")})
    calls["overdue"].refresh_from_db()
    assert calls["overdue"].assignee == team.cs2
    home = client.get("/?role=service_manager").content.decode()
    assert 'id="card-overdue-follow-ups"' in home and 'id="card-csi-nps"' in home
    cs_home = login(client, team.cs2).get("/").content.decode()
    assert 'id="card-my-calls"' in cs_home


def test_cr1_task_list_filters_and_excel(client, team, calls):
    login(client, team.supervisor)
    url = reverse("care:followups")
    html = client.get(url, {"status": "pending", "assignee": team.cs2.pk}).content.decode()
    assert f'data-task="{calls["cs2"].pk}"' in html
    assert f'data-task="{calls["today"].pk}"' not in html
    period = client.get(url, {"from": "2026-11-23", "to": "2026-11-23"}).content.decode()
    assert f'data-task="{calls["tomorrow"].pk}"' in period
    assert f'data-task="{calls["today"].pk}"' not in period
    xlsx = client.get(url, {"format": "xlsx", "kind": "service_call"})
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE
    # An agent sees the tasks she may work, not a colleague's own.
    agent = login(client, team.cs).get(url).content.decode()
    assert f'data-task="{calls["cs2"].pk}"' not in agent
    assert f'data-task="{calls["today"].pk}"' in agent


# --- API ------------------------------------------------------------------------------


def test_cr1_api_list_filters_with_bounded_queries(api, team, ro, calls, store_bj,
                                                   django_assert_max_num_queries):
    client = api(team.cs, store_bj)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/follow-ups/").json()
    assert body["count"] == 4
    ids = {r["id"] for r in client.get("/api/v1/follow-ups/?mine=true").json()["results"]}
    assert ids == {calls["overdue"].pk, calls["today"].pk, calls["tomorrow"].pk}
    overdue = client.get("/api/v1/follow-ups/?overdue=true").json()["results"]
    assert [r["id"] for r in overdue] == [calls["overdue"].pk] and overdue[0]["overdue"]
    due = client.get("/api/v1/follow-ups/?due_from=2026-11-23&due_to=2026-11-23").json()
    assert [r["id"] for r in due["results"]] == [calls["tomorrow"].pk]
    assert client.get(f"/api/v1/follow-ups/?assignee={team.cs2.pk}").json()["count"] == 1
    assert client.get("/api/v1/follow-ups/?due_from=yesterday").status_code == 400
    more_tasks(ro, calls["today"].due_at, 5)
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/follow-ups/").json()["count"] == 9


def test_cr1_cr4_api_retrieve_and_complete(api, group, team, task, store_bj):
    client = api(team.cs, store_bj)
    body = client.get(f"/api/v1/follow-ups/{task.pk}/").json()
    assert body["kind"] == "service_call" and body["status"] == "pending"
    assert len(body["questions"]) == 11 and body["attempt_log"] == []
    sat = next(q for q in body["questions"] if q["measure"] == "satisfaction")
    scores = {str(k): v for k, v in scores_for(group, [4, 4, 5, 5, 4], 9).items()}
    bad = client.post(f"/api/v1/follow-ups/{task.pk}/complete/",
                      {"result": "", "scores": {**scores, str(sat["id"]): 7}}, format="json")
    assert bad.status_code == 400 and str(sat["id"]) in " ".join(bad.json()["scores"])
    done = client.post(f"/api/v1/follow-ups/{task.pk}/complete/",
                       {"result": "满意", "scores": scores}, format="json")
    assert done.status_code == 200, done.json()
    record = done.json()
    # 4, 4, 5, 5, 4 → 4.4 × 20 = 88.00
    assert record["status"] == "done" and record["csi"] == "88.00"
    assert record["nps_score"] == 9 and len(record["answers"]) == 10
    assert record["attempt_log"][0]["outcome"] == "reached"
    again = client.post(f"/api/v1/follow-ups/{task.pk}/complete/", {"result": "x"},
                        format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_cr1_api_unreachable_cancel_reassign_and_scoping(api, team, calls, store_bj,
                                                         store_sh, staff):
    client = api(team.cs, store_bj)
    target = calls["today"]
    first = client.post(f"/api/v1/follow-ups/{target.pk}/unreachable/", {"note": "关机"},
                        format="json")
    assert first.status_code == 200 and first.json()["attempts"] == 1
    second = client.post(f"/api/v1/follow-ups/{target.pk}/unreachable/", {}, format="json")
    assert second.status_code == 409 and second.json()["code"] == "same_day_retry"
    assert client.post(f"/api/v1/follow-ups/{calls['cs2'].pk}/cancel/", {"reason": "x"},
                       format="json").status_code == 403
    assert client.post(f"/api/v1/follow-ups/{target.pk}/cancel/", {},
                       format="json").status_code == 400
    assert client.post(f"/api/v1/follow-ups/{target.pk}/reassign/",
                       {"assignee": team.cs2.pk}, format="json").status_code == 403
    boss = api(team.supervisor, store_bj)
    moved = boss.post(f"/api/v1/follow-ups/{target.pk}/reassign/",
                      {"assignee_role": "service_advisor"}, format="json")
    assert moved.status_code == 200 and moved.json()["assignee_role"] == "service_advisor"
    cancelled = boss.post(f"/api/v1/follow-ups/{target.pk}/cancel/", {"reason": "重复任务"},
                          format="json")
    assert cancelled.json()["status"] == "cancelled"
    # Another store: its agent does not see BJ01's tasks; BJ01 people cannot act there.
    other = staff("customer_service", store=store_sh)
    assert api(other, store_sh).get(f"/api/v1/follow-ups/{target.pk}/").status_code == 404
    assert api(other, store_sh).get("/api/v1/follow-ups/").json()["count"] == 0
    assert api(team.cs, store_sh).get("/api/v1/follow-ups/").status_code == 403
    assert api(team.tech1, store_bj).get("/api/v1/follow-ups/").status_code == 403


def test_cr4_api_survey_responses(api, group, team, task, store_bj):
    followup_complete(actor=team.cs, follow_up=task, result="",
                      scores=scores_for(group, [5, 5, 5, 5, 5], 10))
    body = api(team.supervisor, store_bj).get(
        f"/api/v1/survey-responses/?advisor={team.advisor.pk}").json()
    assert body["count"] == 1
    record = body["results"][0]
    assert record["csi"] == "100.00" and record["technician"] == team.tech2.pk
    assert record["kind"] == "service_call"
    assert api(team.supervisor, store_bj).get(
        "/api/v1/survey-responses/?answered_from=2026-11-23").json()["count"] == 0
    assert api(team.tech1, store_bj).get("/api/v1/survey-responses/").status_code == 403


def test_cr1_task_page_completes_without_answers_when_the_customer_declines(client, team,
                                                                            task, ro):
    login(client, team.cs)
    action = reverse("care:followup-action", args=[task.pk])
    assert 'name="survey_declined"' in client.get(
        reverse("care:followup", args=[task.pk])).content.decode()
    response = client.post(action, {"action": "complete", "result": "客户不愿意做问卷",
                                     "survey_declined": "on"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == FollowUpStatus.DONE
    assert not SurveyResponse.objects.filter(follow_up=task).exists()

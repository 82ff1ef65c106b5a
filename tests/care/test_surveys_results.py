"""CR-4 survey results: CSI and NPS per store, SA, technician, consultant and month, the
loyalty items, checked against figures computed by hand; the page, Excel and the cards;
the demo's worked calls."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from siwei.care.models import FollowUp, FollowUpStatus, SurveyResponse
from siwei.care.selectors_surveys import survey_results
from siwei.care.services import followup_complete
from siwei.core.exports import XLSX_CONTENT_TYPE
from siwei.crm.services import customer_create, vehicle_create
from tests.care.followups_support import *  # noqa: F403 - the fixtures
from tests.care.followups_support import make_released_ro, scores_for, service_task
from tests.sales_factories import make_model, make_vin

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(group, team, owner, staff, store_bj, clock):
    """Three answered service calls at BJ01 in November 2026 (computed by hand):

    advisor A: CSI 100 (5 5 5 5 5, NPS 10) and 80 (4 4 4 4 4, NPS 8)
    advisor B: CSI 52 (3 3 2 2 3 → 2.6 × 20, NPS 3) → a complaint
    store CSI = (100 + 80 + 52) / 3 = 77.3; NPS = (1 promoter − 1 detractor) / 3 = 0.0
    """
    customer, vehicle = owner
    advisor_b = staff("service_advisor", store=store_bj)
    plan = [(team.advisor, [5, 5, 5, 5, 5], 10, ("yes", "yes", "no", "yes")),
            (team.advisor, [4, 4, 4, 4, 4], 8, ("yes", "no", "yes", "yes")),
            (advisor_b, [3, 3, 2, 2, 3], 3, ("no", "no", "yes", "no"))]
    for index, (advisor, satisfaction, nps, loyalty) in enumerate(plan):
        ro = make_released_ro(team, customer, vehicle, advisor=advisor)
        task = service_task(ro, due_at=clock.now() - dt.timedelta(hours=index + 1))
        followup_complete(actor=team.cs, follow_up=task, result="",
                          scores=scores_for(group, satisfaction, nps, loyalty))
    return {"advisor_b": advisor_b}


def test_cr4_results_per_store_advisor_technician_and_month(store_bj, team, answered):
    result = survey_results(store=store_bj, stores=[store_bj], start=dt.date(2026, 11, 1),
                            end=dt.date(2026, 11, 30))
    total = result["total"]
    assert total.n == 3 and total.csi == Decimal("77.3") and total.nps == Decimal("0.0")
    assert (total.promoters, total.detractors) == (1, 1)
    # buy again: yes yes no; recommend: yes no no; other brands: no yes yes; tell us: y y n
    assert total.loyalty_values == [Decimal("66.7"), Decimal("33.3"), Decimal("66.7"),
                                    Decimal("66.7")]
    advisors = {b.key: b for b in result["advisors"]}
    assert advisors[team.advisor.pk].csi == Decimal("90.0")
    assert advisors[team.advisor.pk].nps == Decimal("50.0")  # 10 and 8: one promoter of 2
    assert advisors[answered["advisor_b"].pk].csi == Decimal("52.0")
    assert advisors[answered["advisor_b"].pk].nps == Decimal("-100.0")
    assert [b.key for b in result["advisors"]] == [team.advisor.pk, answered["advisor_b"].pk]
    assert [(b.key, b.n, b.csi) for b in result["technicians"]] == [
        (team.tech2.pk, 3, Decimal("77.3"))]
    assert result["consultants"] == []
    assert result["months"] == ["2026-11"]
    assert result["monthly"][store_bj.pk][0].csi == Decimal("77.3")
    october = survey_results(store=store_bj, stores=[store_bj], start=dt.date(2026, 10, 1),
                             end=dt.date(2026, 10, 31))
    assert october["total"].n == 0 and october["total"].csi is None
    assert FollowUp.objects.exclude(feedback=None).count() == 1  # CSI 52 < 60 (CR-3)


def test_cr4_results_page_excel_and_manager_card(client, store_bj, team, answered):
    client.force_login(team.supervisor)
    page = client.get(reverse("care:survey-results"), {"from": "2026-11-01",
                                                       "to": "2026-11-30"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="total-csi">77.3<' in html and 'id="total-nps">0.0<' in html
    assert 'id="by-advisor"' in html and 'data-chart="chart-surveys"' in html
    assert f'data-key="{team.advisor.pk}"' in html and ">90.0<" in html
    xlsx = client.get(reverse("care:survey-results"), {"format": "xlsx"}, follow=True)
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE
    home = client.get("/?role=service_manager").content.decode()
    assert 'id="month-csi">77.3<' in home
    client.force_login(team.tech1)
    assert client.get(reverse("care:survey-results")).status_code == 403


def test_cr4_group_roles_see_the_stores_side_by_side(client, group, store_bj, store_sh, team,
                                                     answered, staff, clock):
    from siwei.core.services import employee_assign_role

    sh_cs = staff("customer_service", store=store_sh)
    sh_advisor = staff("service_advisor", store=store_sh)
    model, _trim = make_model(group)
    customer = customer_create(actor=sh_advisor, store=store_sh, name="孙丽",
                               mobile="13711112222")
    vehicle = vehicle_create(actor=sh_advisor, store=store_sh, vin=make_vin(8801),
                             plate="沪A12345", owner=customer, model=model)
    ro = make_released_ro(team, customer, vehicle, advisor=sh_advisor)
    task = service_task(ro)
    followup_complete(actor=sh_cs, follow_up=task, result="",
                      scores=scores_for(group, [5, 5, 5, 5, 4], 9))  # CSI 96
    area = staff("store_manager", store=store_bj)
    employee_assign_role(actor=None, employee=area.employee, store=store_sh,
                         role_code="store_manager")
    client.force_login(area)
    html = client.get(reverse("care:survey-results")).content.decode()
    assert store_bj.name in html and store_sh.name in html
    assert ">96.0<" in html and ">77.3<" in html
    # The BJ01 service manager sees his store only.
    client.force_login(team.supervisor)
    assert store_sh.name not in client.get(reverse("care:survey-results")).content.decode()


def test_cr4_customer_card_shows_tasks_and_scores(client, team, owner, answered):
    customer, _vehicle = owner
    client.force_login(team.cs)
    html = client.get(reverse("crm:customer", args=[customer.pk])).content.decode()
    assert 'id="survey-scores"' in html and "CSI 100.00" in html
    assert 'id="follow-ups"' in html


def test_cr1_cr4_small_demo_works_the_past_calls():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from siwei.core import clock
    from siwei.demo.builder import build_demo

    build_demo(small=True)
    assert SurveyResponse.objects.exists()
    done = FollowUp.objects.filter(status=FollowUpStatus.DONE)
    assert done.exists() and not done.filter(completed_at__gt=clock.now()).exists()
    # The tasks of the sales and service events were worked (later steps add reminders).
    assert not FollowUp.objects.filter(status=FollowUpStatus.PENDING,
                                       source_type__in=["sales.salesorder",
                                                        "service.repairorder"],
                                       due_at__lt=clock.now() - dt.timedelta(days=4)).exists()
    assert FollowUp.objects.filter(status=FollowUpStatus.PENDING,
                                   due_at__gte=clock.now()).exists()
    response = SurveyResponse.objects.first()
    assert response.answers.exists() and response.answered_by_id
    client = Client()
    client.force_login(get_user_model().objects.get(username="bj01_customer_service"))
    assert client.get(reverse("care:my-calls")).status_code == 200
    assert client.get(reverse("care:survey-results")).status_code == 200


def test_cr4_results_through_the_reports_api(api, store_bj, team, answered):
    """api.md ``reports/``: the survey results with the same figures as the page."""
    client = api(team.supervisor, store_bj)
    response = client.get("/api/v1/reports/survey-results/", {"from": "2026-11-01",
                                                                "to": "2026-11-30"})
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == {"responses": 3, "csi": "77.3", "nps": "0.0"}
    tables = {t["key"]: t for t in body["tables"]}
    advisors = {row["name"]: row for row in tables["advisors"]["rows"]}
    assert advisors[team.advisor.employee.name]["csi"] == "90.0"
    assert advisors[answered["advisor_b"].employee.name]["nps"] == "-100.0"
    assert tables["store"]["rows"][0]["loyalty_buy_again"] == "66.7"
    assert [row["name"] for row in tables["months"]["rows"]] == ["2026-11"]
    assert api(team.tech1, store_bj).get("/api/v1/reports/survey-results/").status_code == 403

"""The citizen look-up cannot be guessed and its query code never travels in a URL: wrong codes
are throttled per case number and per client address, with the wait stated; the page posts the
code, the API takes it in the body or a header; every center's page links the look-up."""

import pytest

from servicehall.cases.models import LookUpGuard
from servicehall.cases.tests.conftest import MONDAY
from servicehall.core import clock
from servicehall.core.models import AuditEvent

LOOK_UP = "/api/v1/public/cases/look-up"


@pytest.fixture
def case(intake):
    return intake(materials=["M02"])


def api_look_up(client, number, code, ip="203.0.113.7", at=MONDAY):
    with clock.freeze(at):
        return client.post(
            LOOK_UP, {"number": number, "code": code}, content_type="application/json", REMOTE_ADDR=ip
        )


def test_wrong_codes_for_one_case_are_throttled_with_the_wait_stated(case, client):
    answers = [api_look_up(client, case.number, f"WRONG{i}", ip=f"203.0.113.{i}") for i in range(5)]
    assert [a.status_code for a in answers] == [404, 404, 404, 404, 429]
    # From any address, the right code included, the case waits a quarter of an hour.
    right = api_look_up(client, case.number, case.query_code, ip="198.51.100.1")
    assert right.status_code == 429 and right.json()["code"] == "look_up_throttled"
    assert "15 分钟后" in right.json()["message"] and right["Retry-After"] == "900"
    assert AuditEvent.objects.filter(action="case.look_up_locked").count() == 1
    later = api_look_up(client, case.number, case.query_code, ip="198.51.100.1", at="2026-11-23T09:46")
    assert later.status_code == 200 and later.json()["number"] == case.number


def test_wrong_codes_from_one_address_are_throttled_across_case_numbers(case, client):
    answers = [api_look_up(client, f"KAIYUAN-2026-{900 + i:06d}", "AAAAAA") for i in range(20)]
    assert {a.status_code for a in answers[:19]} == {404} and answers[19].status_code == 429
    blocked = api_look_up(client, case.number, case.query_code)
    assert blocked.status_code == 429 and "分钟后再查询" in blocked.json()["message"]
    elsewhere = api_look_up(client, case.number, case.query_code, ip="198.51.100.9")
    assert elsewhere.status_code == 200


def test_the_look_up_page_posts_the_code_and_shows_the_wait(case, client):
    with clock.freeze(MONDAY):
        form = client.get("/q/").content.decode()
        for i in range(5):
            wrong = client.post("/q/", {"number": case.number, "code": f"ZZZZZ{i}"})
        right = client.post("/q/", {"number": case.number, "code": case.query_code})
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    assert wrong.status_code == 429 and right.status_code == 429
    assert "15 分钟后再查询" in right.content.decode() and 'data-testid="found"' not in right.content.decode()
    assert LookUpGuard.objects.get(key=f"case:{case.number}").locked_until is not None


def test_a_code_in_the_url_is_never_used(case, client):
    with clock.freeze(MONDAY):
        page = client.get(f"/q/?number={case.number}&code={case.query_code}")
        api_get = client.get(f"/api/v1/public/cases/{case.number}?code={case.query_code}")
        header = client.get(f"/api/v1/public/cases/{case.number}", headers={"X-Query-Code": case.query_code})
    assert page.status_code == 302 and page["Location"] == f"/q/?number={case.number}"
    assert case.query_code not in page["Location"]
    assert api_get.status_code == 400 and api_get.json()["code"] == "code_in_url"
    assert header.status_code == 200 and header.json()["status"] == "awaiting_materials"


def test_every_centers_public_page_links_the_look_up(kaiyuan, client):
    from servicehall.org.models import Center

    for center in Center.objects.all():
        html = client.get(f"/c/{center.code}/").content.decode()
        assert 'data-testid="look-up-link"' in html and f'href="/q/?c={center.code}"' in html, center.code


def test_the_look_up_page_links_back_to_the_center_and_switches_language(case, client):
    with clock.freeze(MONDAY):
        from_center = client.get("/q/?c=kaiyuan").content.decode()
        bare = client.get("/q/").content.decode()
        unknown = client.get("/q/?c=nowhere")
        found = client.post("/q/", {"number": case.number, "code": case.query_code}).content.decode()
        kept = client.get(f"/q/?c=kaiyuan&number={case.number}&code=X")
    back = 'href="/c/kaiyuan/" data-testid="back-to-center"'
    assert back in from_center and 'action="/q/?c=kaiyuan"' in from_center
    assert 'action="/i18n/setlang/"' in from_center and 'action="/i18n/setlang/"' in bare
    assert "back-to-center" not in bare
    assert unknown.status_code == 200 and "back-to-center" not in unknown.content.decode()
    assert 'data-testid="found"' in found and back in found  # the center of the case found
    assert kept.status_code == 302 and kept["Location"] == f"/q/?c=kaiyuan&number={case.number}"


def test_the_look_up_page_reads_in_english(kaiyuan, client):
    client.cookies["django_language"] = "en"
    html = client.get("/q/?c=kaiyuan").content.decode()
    assert "Back to" in html and "返回" not in html

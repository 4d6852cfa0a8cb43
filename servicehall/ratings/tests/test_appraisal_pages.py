"""EVA-6: the democratic appraisal's pages — the center's 民主评议 page, the printable sheet of
questionnaire codes, on-site entry, the clerks' peer rating, the citizens' questionnaire."""

import re

import pytest

from servicehall.core.models import AuditEvent
from servicehall.ratings import selectors, services
from servicehall.ratings.models import Appraisal, AppraisalComment, AppraisalVote, QuestionnaireCode

pytestmark = pytest.mark.usefixtures("monday")


@pytest.fixture
def appraisal(queue, user_named):
    return services.appraisal_create(
        actor=user_named("wangmanshu"), center=queue, title="11月窗口民主评议", period="2026-11"
    )


def issued_codes(html: str) -> list[str]:
    return re.findall(r'data-code="([A-Z0-9]{10})"', html)


def test_eva_6_the_director_opens_an_appraisal_and_finds_it_in_the_menu(queue, login):
    client = login("wangmanshu")
    home = client.get("/").content.decode()
    assert "/ratings/kaiyuan/appraisal/" in home  # 民主评议 in the menu
    bad = client.post("/ratings/kaiyuan/appraisal/", {"title": "季度评议", "period": "2026-13"})
    assert bad.status_code == 400 and "期间应为" in bad.content.decode()
    assert not Appraisal.objects.filter(title="季度评议").exists()
    made = client.post("/ratings/kaiyuan/appraisal/", {"title": "季度评议", "period": "2026-11"})
    appraisal = Appraisal.objects.get(title="季度评议")
    assert made.status_code == 302 and made["Location"].endswith(f"/appraisal/{appraisal.pk}/")
    page = client.get(made["Location"]).content.decode()
    assert "季度评议" in page and 'data-testid="issue"' in page and 'data-testid="publish"' in page
    assert "季度评议" in client.get("/ratings/kaiyuan/appraisal/").content.decode()


def test_eva_6_a_clerk_may_not_open_the_appraisal_page_nor_see_it_in_the_menu(queue, login, appraisal):
    client = login("chenjianwei")
    assert client.get("/ratings/kaiyuan/appraisal/").status_code == 403
    assert client.get(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/").status_code == 403
    assert client.post(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/codes/", {"count": 5}).status_code == 403
    home = client.get("/").content.decode()
    assert "/ratings/kaiyuan/appraisal/" not in home and "/ratings/kaiyuan/peer/" in home
    assert not QuestionnaireCode.objects.exists()


def test_eva_6_codes_are_shown_once_on_a_printable_sheet_and_kept_only_as_digests(queue, login, appraisal):
    client = login("wangmanshu")
    sheet = client.post(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/codes/", {"count": 12})
    html = sheet.content.decode()
    codes = issued_codes(html)
    assert sheet.status_code == 200 and len(set(codes)) == 12
    assert sheet["Cache-Control"] == "no-store"
    assert html.count('data-testid="code-slip"') == 12
    assert "http://" in html and "/ratings/kaiyuan/questionnaire/" in html  # the address in full
    assert "/ratings/kaiyuan/questionnaire/qr.svg" in html
    qr = client.get("/ratings/kaiyuan/questionnaire/qr.svg")
    assert qr.status_code == 200 and qr.content.startswith(b"<svg")
    assert b'xmlns="http://www.w3.org/2000/svg"' in qr.content  # else an <img> shows nothing
    assert QuestionnaireCode.objects.filter(appraisal=appraisal).count() == 12
    assert not QuestionnaireCode.objects.filter(code_hash__in=codes).exists()
    page = client.get(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/").content.decode()
    assert not any(c in page for c in codes)  # never shown again
    refused = client.post(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/codes/", {"count": "abc"})
    assert refused.status_code == 400 and QuestionnaireCode.objects.count() == 12


def test_eva_6_a_citizen_answers_with_a_code_once_and_nothing_joins_the_answer_to_it(
    queue, client, user_named, window, appraisal
):
    codes = services.codes_issue(actor=user_named("wangmanshu"), appraisal=appraisal, count=2)
    home = client.get("/c/kaiyuan/").content.decode()
    assert "/ratings/kaiyuan/questionnaire/" in home  # linked while the appraisal is open
    form = client.get("/ratings/kaiyuan/questionnaire/").content.decode()
    w1, w2 = window(1), window(2)
    assert f'name="w{w1.pk}"' in form and " checked" not in form  # no level preselected
    person = re.search(rf'name="(p{w1.pk}-\d+)"', form).group(1)
    answer = {"code": codes[0][:5] + " " + codes[0][5:].lower(), f"w{w1.pk}": "1", person: "2"}
    answer |= {f"w{w2.pk}": "4", "comment": "大厅指引清楚"}
    done = client.post("/ratings/kaiyuan/questionnaire/", answer)
    assert done.status_code == 200 and 'data-testid="questionnaire-done"' in done.content.decode()
    votes = AppraisalVote.objects.filter(appraisal=appraisal, source="questionnaire")
    assert sorted(votes.values_list("level", flat=True)) == [1, 2, 4]
    assert votes.filter(staff__isnull=False).count() == 1
    assert list(AppraisalComment.objects.values_list("text", flat=True)) == ["大厅指引清楚"]
    again = client.post("/ratings/kaiyuan/questionnaire/", answer)
    text = again.content.decode()
    assert again.status_code == 409 and "已经用过" in text
    assert re.search(rf'name="w{w1.pk}"[^>]*value="1"[^>]*checked', text)  # what was chosen stays
    unknown = client.post("/ratings/kaiyuan/questionnaire/", {**answer, "code": "ABCDEFGHJK"})
    assert unknown.status_code == 403 and "问卷码无效" in unknown.content.decode()
    assert votes.count() == 3
    # the comment, like the votes, names no code and no time; the audit names neither
    assert {f.name for f in AppraisalComment._meta.get_fields()} == {"id", "appraisal", "text"}
    logged = str(list(AuditEvent.objects.values("before", "after")))
    assert not any(c in logged or services.code_digest(c) in logged for c in codes)


def test_eva_6_a_blank_questionnaire_is_refused_and_spends_no_code(queue, client, user_named, appraisal):
    code = services.codes_issue(actor=user_named("wangmanshu"), appraisal=appraisal, count=1)[0]
    blank = client.post("/ratings/kaiyuan/questionnaire/", {"code": code})
    assert blank.status_code == 400 and "请至少评价一个窗口" in blank.content.decode()
    assert not QuestionnaireCode.objects.filter(used=True).exists()


def test_eva_6_onsite_ratings_are_entered_and_results_shown_per_window_and_person(
    queue, login, window, appraisal
):
    client = login("wangmanshu")
    w2 = window(2)
    entered = client.post(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/onsite/", {f"w{w2.pk}": "2"})
    assert entered.status_code == 302
    page = client.get(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/").content.decode()
    results = page.split('data-testid="results"')[1]
    assert w2.name in results and "100.0%" in results and "现场测评" in results
    bad = client.post(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/onsite/", {f"w{w2.pk}": "9"})
    assert bad.status_code == 400 and AppraisalVote.objects.count() == 1


def test_eva_6_a_clerk_rates_the_other_windows_never_their_own(queue, login, window, clerk_of, appraisal):
    w1, w2 = window(1), window(2)
    clerk = clerk_of(w1)
    client = login(clerk.username)
    page = client.get("/ratings/kaiyuan/peer/").content.decode()
    assert f'name="w{w2.pk}"' in page and f'name="w{w1.pk}"' not in page  # own window not offered
    forged = client.post(
        "/ratings/kaiyuan/peer/", {"appraisal": appraisal.pk, "rater": w1.pk, f"w{w1.pk}": "1"}
    )
    assert forged.status_code == 400  # not offered, so not read: nothing rated
    done = client.post(
        "/ratings/kaiyuan/peer/", {"appraisal": appraisal.pk, "rater": w1.pk, f"w{w2.pk}": "3"}
    )
    assert done.status_code == 302
    vote = AppraisalVote.objects.get(source="peer")
    assert (vote.rater_window_id, vote.window_id, vote.level) == (w1.pk, w2.pk, 3)
    page = client.get("/ratings/kaiyuan/peer/").content.decode()
    assert f'name="w{w2.pk}"' not in page  # rated once
    # on behalf of a window they hold no post at: refused, whatever the form says
    other = client.post(
        "/ratings/kaiyuan/peer/", {"appraisal": appraisal.pk, "rater": w2.pk, f"w{window(3).pk}": "1"}
    )
    assert AppraisalVote.objects.filter(rater_window=w2).count() == 0
    assert other.status_code in (302, 400)


def test_eva_6_the_service_refuses_a_clerk_rating_for_a_window_they_do_not_hold(
    queue, window, clerk_of, appraisal
):
    from servicehall.core.errors import Forbidden

    w1, w2, w3 = window(1), window(2), window(3)
    with pytest.raises(Forbidden) as exc:
        services.peer_vote(
            actor=clerk_of(w1), appraisal=appraisal, rater=w2, answers=[{"window": w3.pk, "level": 1}]
        )
    assert exc.value.code == "peer_not_your_window"


def test_eva_6_published_results_appear_on_the_public_page_and_close_the_questionnaire(
    queue, login, client, window, appraisal, user_named
):
    services.onsite_vote(
        actor=user_named("wangmanshu"), appraisal=appraisal, answers=[{"window": window(1).pk, "level": 1}]
    )
    director = login("wangmanshu")
    assert director.post(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/publish/").status_code == 302
    again = director.post(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/publish/")
    assert again.status_code == 409
    director.logout()
    home = client.get("/c/kaiyuan/").content.decode()
    assert "/ratings/kaiyuan/questionnaire/" not in home and "/ratings/kaiyuan/appraisals/" in home
    assert "11月窗口民主评议" in client.get("/ratings/kaiyuan/appraisals/").content.decode()
    closed = client.get("/ratings/kaiyuan/questionnaire/").content.decode()
    assert 'data-testid="questionnaire"' not in closed
    assert selectors.appraisal_states(queue) == {"open": 0, "published": 1}


def test_eva_6_the_appraisal_pages_in_english(queue, client, user_named, window, appraisal, clerk_of):
    from django.conf import settings

    from servicehall.core.tests.test_english import assert_english, data_words

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = data_words()
    for url in ("/ratings/kaiyuan/questionnaire/", "/c/kaiyuan/"):
        assert_english(client.get(url), data)
    client.force_login(user_named("wangmanshu"))
    services.onsite_vote(
        actor=user_named("wangmanshu"), appraisal=appraisal, answers=[{"window": window(1).pk, "level": 2}]
    )
    for url in ("/ratings/kaiyuan/appraisal/", f"/ratings/kaiyuan/appraisal/{appraisal.pk}/"):
        assert_english(client.get(url), data)
    sheet = client.post(f"/ratings/kaiyuan/appraisal/{appraisal.pk}/codes/", {"count": 2})
    assert_english(sheet, data_words())
    client.force_login(clerk_of(window(1)))
    assert_english(client.get("/ratings/kaiyuan/peer/"), data)


def test_eva_6_the_director_enters_a_windows_peer_sheet_without_that_window_offered(
    queue, login, window, appraisal
):
    w1, w2 = window(1), window(2)
    page = login("wangmanshu").get(f"/ratings/kaiyuan/peer/?window={w2.pk}").content.decode()
    assert f'name="w{w1.pk}"' in page and f'name="w{w2.pk}"' not in page
    assert f'<option value="{w2.pk}" selected>' in page

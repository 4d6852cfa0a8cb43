"""The staff pages of hotline orders (EVA-2), their monthly sample (EVA-4) and the 恶意差评 flag on
the revisit page (EVA-5), used as the complaint officer, the director and others would."""

import datetime as dt
import re

import pytest
from django.conf import settings

from servicehall.core import clock
from servicehall.core.models import AuditEvent
from servicehall.core.tests.test_english import (  # noqa: F401 - the fixture compiles the catalogues
    chinese_chrome,
    compiled_catalogues,
    data_words,
)
from servicehall.org.models import Staff
from servicehall.ratings import selectors, services
from servicehall.ratings.models import HotlineOrder, HotlineSample, Rating, Revisit

pytestmark = pytest.mark.usefixtures("monday")

HOTLINE = "/ratings/kaiyuan/hotline/"
SAMPLES = "/ratings/kaiyuan/hotline/samples/"
REVISITS = "/ratings/kaiyuan/revisits/"
OFFICER = "zhuangmeiyu"  # Kaiyuan's complaint officer


def handler(center):
    return Staff.objects.filter(center=center, active=True).order_by("id").first()


def order(center, reference="12345-T-1", **kw):
    return services.hotline_create(
        actor=None,
        center=center,
        hotline="12345",
        reference=reference,
        content="反映路灯损坏",
        handler=handler(center),
        caller_name="林先生",
        caller_phone="13905950001",
        **kw,
    )


def bad_rating(center, level=5, reference="12345-T-9") -> Rating:
    _order, rating = services.hotline_complete(
        actor=None, order=order(center, reference), result="已转办", level=level
    )
    return rating


def october(center, n):
    for i in range(n):
        with clock.freeze(dt.datetime(2026, 10, 1 + i % 28, 10, tzinfo=clock.TZ)):
            services.hotline_complete(actor=None, order=order(center, f"12345-OCT-{i:03d}"), result="已答复")


def page(response) -> str:
    return response.content.decode()


# --- EVA-2: 热线工单 ---------------------------------------------------------------------------------


def test_eva_2_the_officer_registers_an_order_and_completes_it_with_the_callers_bad_rating(halls, login):
    center = halls["kaiyuan"]
    client = login(OFFICER)
    shown = client.get(HOTLINE)
    assert shown.status_code == 200
    assert 'name="handler"' in page(shown) and f'href="{HOTLINE}"' in page(shown)  # the form, the menu
    made = client.post(
        HOTLINE,
        {
            "hotline": "12348",
            "reference": "12348-KY-001",
            "content": "咨询赡养纠纷调解",
            "caller_name": "周女士",
            "caller_phone": "13905950002",
            "handler": handler(center).pk,
        },
    )
    assert made.status_code == 302
    o = HotlineOrder.objects.get(center=center, reference="12348-KY-001")
    assert (o.hotline, o.caller_name, o.handler) == ("12348", "周女士", handler(center))
    listed = page(client.get(HOTLINE))
    assert (
        "已登记热线工单 12348-KY-001" in listed and f'id="order-{o.pk}" data-testid="hotline-open"' in listed
    )

    done = client.post(
        f"{HOTLINE}{o.pk}/complete/",
        {"result": "已预约调解员", "level": "4", "reasons": ["slow"]},
        follow=True,
    )
    assert done.status_code == 200
    text = page(done)
    assert "来电人评价“不满意”，已列入回访名单" in text
    rating = Rating.objects.get(kind="hotline", matter_id=o.pk)
    assert (rating.level, rating.reasons, rating.channel) == (4, ["slow"], "hotline")
    revisit = Revisit.objects.get(rating=rating)
    assert f'href="{REVISITS}#revisit-{revisit.pk}"' in text  # the completed row links its revisit
    assert 'data-level="4"' in text and "办理时间长、效率低" in text


def test_eva_2_no_level_is_preselected_and_the_caller_may_give_none(halls, login):
    o = order(halls["kaiyuan"])
    client = login(OFFICER)
    form = page(client.get(HOTLINE))
    radios = re.findall(r'<input[^>]*name="level"[^>]*>', form)
    assert len(radios) == 6 and not any("checked" in r for r in radios)  # five levels and 未评价
    url = f"{HOTLINE}{o.pk}/complete/"
    refused = client.post(url, {"result": "已答复来电人"})
    assert refused.status_code == 400
    assert "请选择来电人的评价" in page(refused) and "已答复来电人</textarea>" in page(refused)
    assert HotlineOrder.objects.get(pk=o.pk).completed_at is None
    unrated = client.post(url, {"result": "已答复", "level": "none"}, follow=True)
    assert "来电人未评价" in page(unrated)
    assert HotlineOrder.objects.get(pk=o.pk).completed_at is not None
    assert not Rating.objects.filter(kind="hotline", matter_id=o.pk).exists()


def test_eva_2_refusals_show_their_message_and_save_nothing(halls, login):
    center = halls["kaiyuan"]
    o = order(center)
    client = login(OFFICER)
    body = {
        "hotline": "12345",
        "reference": o.reference,
        "content": "再次来电",
        "handler": handler(center).pk,
    }
    taken = client.post(HOTLINE, body)
    assert taken.status_code == 409 and "这个工单编号已经登记过了" in page(taken)
    assert "再次来电</textarea>" in page(taken)  # what was typed stays
    other = Staff.objects.exclude(center=center).first()
    assert client.post(HOTLINE, {**body, "reference": "N-1", "handler": other.pk}).status_code == 400
    future = client.post(HOTLINE, {**body, "reference": "N-2", "received_at": "2026-12-01T09:00"})
    assert future.status_code == 400 and "接收时间不能晚于现在" in page(future)
    assert client.post(HOTLINE, {**body, "reference": "N-3", "received_at": "昨天"}).status_code == 400
    assert HotlineOrder.objects.filter(center=center).count() == 1
    good_with_reasons = client.post(
        f"{HOTLINE}{o.pk}/complete/", {"result": "已答复", "level": "1", "reasons": ["attitude"]}
    )
    assert good_with_reasons.status_code == 400 and "只有“不满意”和“非常不满意”需要选择原因" in page(
        good_with_reasons
    )
    assert 'value="attitude" checked' in page(good_with_reasons)  # shown again, to be unticked
    assert HotlineOrder.objects.get(pk=o.pk).completed_at is None
    elsewhere = order(halls["xishan"], "12348-XS-1")
    assert client.post(f"{HOTLINE}{elsewhere.pk}/complete/", {"result": "x", "level": "1"}).status_code == 404


def test_eva_2_the_page_and_its_menu_link_are_for_those_who_handle_or_oversee_orders(halls, login):
    order(halls["kaiyuan"])
    archivist = login("luoqing")
    assert archivist.get(HOTLINE).status_code == 403
    assert f'href="{HOTLINE}"' not in page(archivist.get("/"))
    leader = login("kewenbo")  # the deputy leader reads the orders, registers none
    shown = leader.get(HOTLINE)
    assert shown.status_code == 200 and "12345-T-1" in page(shown)
    assert 'data-testid="hotline-create"' not in page(shown) and f'href="{SAMPLES}"' in page(shown)
    body = {"hotline": "12345", "reference": "L-1", "content": "x", "handler": handler(halls["kaiyuan"]).pk}
    assert leader.post(HOTLINE, body).status_code == 403
    assert not HotlineOrder.objects.filter(reference="L-1").exists()
    clerk = page(login("chenshaoli").get(HOTLINE))  # a window clerk handles orders, samples none
    assert 'data-testid="hotline-create"' in clerk and f'href="{SAMPLES}"' not in clerk


# --- EVA-4: 抽样回访 ---------------------------------------------------------------------------------


def test_eva_4_drawing_a_month_shows_seed_share_counts_and_the_sampled_revisits(halls, login):
    october(halls["kaiyuan"], 30)
    client = login(OFFICER)
    assert 'value="2026-10"' in page(client.get(SAMPLES))  # the month just over, offered
    drawn = client.post(SAMPLES, {"period": "2026-10"}, follow=True)
    assert drawn.status_code == 200
    sample = HotlineSample.objects.get(center=halls["kaiyuan"])
    text = page(drawn)
    assert "30 件中抽中 2 件" in text and len(sample.chosen) == 2  # 5 % of 30, rounded up
    assert f'<code data-testid="seed">{sample.seed}</code>' in text and "5%" in text
    for revisit in Revisit.objects.filter(reason="sample"):
        assert f'href="{REVISITS}#revisit-{revisit.pk}"' in text
        assert revisit.hotline_order_id in sample.chosen
    assert "复核一致" in text


def test_eva_4_drawing_a_month_twice_or_one_not_over_says_so_and_draws_nothing(halls, login):
    october(halls["kaiyuan"], 10)
    client = login(OFFICER)
    assert client.post(SAMPLES, {"period": "2026-10"}).status_code == 302
    revisits = Revisit.objects.count()
    twice = client.post(SAMPLES, {"period": "2026-10"})
    assert twice.status_code == 409 and "这个月份已经抽取过了" in page(twice)
    current = client.post(SAMPLES, {"period": "2026-11"})
    assert current.status_code == 400 and "只能抽取已结束月份的工单" in page(current)
    assert client.post(SAMPLES, {"period": "十月"}).status_code == 400
    assert HotlineSample.objects.count() == 1 and Revisit.objects.count() == revisits


def test_eva_4_a_month_with_no_completed_order_says_so_and_records_no_sample(halls, login):
    october(halls["kaiyuan"], 3)
    client = login(OFFICER)
    empty = client.post(SAMPLES, {"period": "2026-09"})
    text = page(empty)
    assert empty.status_code == 409 and 'data-code="nothing_to_sample"' in text
    assert "2026-09 没有办结的热线工单，没有可抽样的工单，未作抽样。" in text
    assert "已列入回访名单" not in text and 'value="2026-09"' in text  # the month typed, kept
    assert not HotlineSample.objects.exists() and not Revisit.objects.filter(reason="sample").exists()
    assert not AuditEvent.objects.filter(action="hotline.sample").exists()
    assert client.post(SAMPLES, {"period": "2026-10"}).status_code == 302  # a month with orders
    assert HotlineSample.objects.get().month == dt.date(2026, 10, 1)


def test_eva_4_a_sample_that_no_longer_reproduces_is_flagged(halls, login):
    october(halls["kaiyuan"], 40)
    sample = services.hotline_sample_draw(actor=None, center=halls["kaiyuan"], period="2026-10")
    others = [pk for pk in sample.population if pk not in sample.chosen]
    HotlineSample.objects.filter(pk=sample.pk).update(chosen=sorted([others[0], *sample.chosen[1:]]))
    text = page(login(OFFICER).get(f"{SAMPLES}?period=2026-10"))
    assert "复核不一致" in text and "复核一致" not in text


def test_eva_4_the_supervisor_reads_the_samples_and_draws_none(halls, login):
    october(halls["kaiyuan"], 5)
    supervisor = login("daizhengming")
    assert 'data-testid="sample-draw"' not in page(supervisor.get(SAMPLES))
    assert supervisor.post(SAMPLES, {"period": "2026-10"}).status_code == 403
    assert not HotlineSample.objects.exists()
    assert login("chenshaoli").get(SAMPLES).status_code == 403  # a window clerk


# --- EVA-5: 恶意差评 ---------------------------------------------------------------------------------


def test_eva_5_the_officer_marks_a_bad_rating_malicious_with_reason_and_approving_leader(halls, login):
    center = halls["kaiyuan"]
    rating = bad_rating(center)
    director = Staff.objects.get(user__username="wangmanshu")
    client = login(OFFICER)
    form = page(client.get(REVISITS))
    assert f'action="/ratings/kaiyuan/ratings/{rating.pk}/malicious/"' in form
    approvers = re.findall(r'<option value="(\d+)"', form.split('name="approver"')[1].split("</select>")[0])
    leaders = {s.user.username for s in Staff.objects.filter(pk__in=approvers)}
    assert leaders == {"wangmanshu", "guojianping", "kewenbo"}  # the center's leaders, no one else
    marked = client.post(
        f"/ratings/kaiyuan/ratings/{rating.pk}/malicious/",
        {"reason": "来电人评价的是他人办理的事项", "approver": director.pk},
        follow=True,
    )
    assert marked.status_code == 200
    rating.refresh_from_db()
    assert rating.malicious and rating.malicious_approver == director
    text = page(marked)
    assert "已认定为恶意差评" in text and 'data-testid="malicious"' in text
    assert "来电人评价的是他人办理的事项" in text and "王曼姝" in text
    assert f'/ratings/{rating.pk}/malicious/"' not in text  # marked once
    assert selectors.satisfaction_table(center, "2026-11")["total"]["ratings"] == 0


def test_eva_5_a_malicious_bad_rating_leaves_the_revisits_due_and_reads_as_confirmed(halls, login):
    center = halls["kaiyuan"]
    rating = bad_rating(center)
    other = bad_rating(center, reference="12345-T-10")
    revisit, still_due = Revisit.objects.get(rating=rating), Revisit.objects.get(rating=other)
    officer = login(OFFICER)
    officer_user = Staff.objects.get(user__username=OFFICER).user
    todo = [i.ref for i in selectors.todo_items(officer_user, clock.now(), 50)]
    assert str(revisit.pk) in todo and str(still_due.pk) in todo
    director = Staff.objects.get(user__username="wangmanshu")
    marked = officer.post(
        f"/ratings/kaiyuan/ratings/{rating.pk}/malicious/",
        {"reason": "来电人辱骂承办人", "approver": director.pk},
        follow=True,
    )
    text = page(marked)
    assert "也不再回访" in text
    assert '<span class="badge bg-danger" data-testid="due-count">1</span>' in text
    assert text.count('data-testid="revisit-due"') == 1 and f'id="revisit-{still_due.pk}"' in text
    malicious = text.split('data-testid="malicious-count"')[1]  # its own section, still listed
    assert "恶意差评已认定，不回访" in text.split('data-testid="malicious-count"')[0]
    assert f'id="revisit-{revisit.pk}" data-testid="revisit-malicious"' in malicious
    assert "来电人辱骂承办人" in malicious and "王曼姝" in malicious
    assert f'name="revisit" value="{revisit.pk}"' not in text  # no form to record it
    todo = [i.ref for i in selectors.todo_items(officer_user, clock.now(), 50)]
    assert str(revisit.pk) not in todo and str(still_due.pk) in todo
    summary = selectors.revisit_summary(center, "2026-11")
    assert (summary["due"], summary["done"], summary["malicious"]) == (1, 0, 1)
    assert summary["by_reason"]["bad_rating"]["due"] == 1
    shown = page(login("wangmanshu").get("/ratings/kaiyuan/revisits/summary/?period=2026-11"))
    assert '<td data-testid="due">1</td>' in shown and "恶意差评已认定，不回访" in shown


def test_eva_5_a_refused_mark_keeps_what_was_typed_and_saves_nothing(halls, login):
    center = halls["kaiyuan"]
    rating = bad_rating(center)
    clerk = Staff.objects.get(user__username="chenshaoli")  # a window clerk, no leader
    client = login(OFFICER)
    url = f"/ratings/kaiyuan/ratings/{rating.pk}/malicious/"
    not_leader = client.post(url, {"reason": "辱骂工作人员", "approver": clerk.pk})
    assert not_leader.status_code == 400 and "批准人须为本中心的领导" in page(not_leader)
    assert 'value="辱骂工作人员"' in page(not_leader)
    director = Staff.objects.get(user__username="wangmanshu")
    assert client.post(url, {"reason": " ", "approver": director.pk}).status_code == 400
    assert client.post(url, {"reason": "辱骂"}).status_code == 400  # no approver chosen
    assert not Rating.objects.get(pk=rating.pk).malicious
    assert client.post("/ratings/xishan/ratings/1/malicious/", {"reason": "x"}).status_code == 403


def test_eva_5_the_form_is_offered_only_for_a_bad_rating_not_found_justified(halls, login):
    center = halls["kaiyuan"]
    basic = bad_rating(center, level=3, reference="B-1")  # revisited, but not a bad rating
    justified = bad_rating(center, level=4, reference="B-2")
    not_justified = bad_rating(center, level=5, reference="B-3")
    officer = login(OFFICER)
    for rating, verdict in ((justified, True), (not_justified, False)):
        services.revisit_record(
            actor=None,
            revisit=Revisit.objects.get(rating=rating),
            way="phone",
            progress="已办结",
            opinion="",
            suggestions="",
            justified=verdict,
            rectification="批评教育" if verdict else "",
        )
    text = page(officer.get(REVISITS))
    assert f"/ratings/{basic.pk}/malicious/" not in text
    assert f"/ratings/{justified.pk}/malicious/" not in text
    assert f"/ratings/{not_justified.pk}/malicious/" in text  # a done revisit's row offers it


def test_eva_5_the_revisit_form_chooses_no_way_for_the_officer(halls, login):
    revisit = Revisit.objects.get(rating=bad_rating(halls["kaiyuan"]))
    client = login(OFFICER)
    form = page(client.get(REVISITS)).split(f'id="revisit-{revisit.pk}"')[1]
    ways = form.split('name="way"')[1].split("</select>")[0]
    assert " required" in ways.split(">")[0] and '<option value="">' in ways
    assert " selected" not in ways  # no way recorded unless the officer chooses one
    typed = {"revisit": revisit.pk, "progress": "已电话联系来电人", "justified": "no"}
    refused = client.post(REVISITS, typed)
    card = page(refused).split(f'id="revisit-{revisit.pk}"')[1]
    assert refused.status_code == 400 and 'data-code="invalid_way"' in card
    assert 'value="已电话联系来电人"' in card and '<option value="no" selected>' in card
    assert Revisit.objects.get(pk=revisit.pk).done_at is None
    assert client.post(REVISITS, {**typed, "way": "phone"}).status_code == 302
    assert Revisit.objects.get(pk=revisit.pk).way == "phone"


def test_eva_5_the_hotline_and_revisit_pages_read_in_english(halls, login):
    center = halls["kaiyuan"]
    october(center, 20)
    services.hotline_sample_draw(actor=None, center=center, period="2026-10")
    order(center, "OPEN-1")
    rating = bad_rating(center)
    director = Staff.objects.get(user__username="wangmanshu")
    services.rating_mark_malicious(actor=None, rating=rating, reason="辱骂", approver=director)
    bad_rating(center, reference="BAD-2")
    client = login(OFFICER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = data_words()
    pages = [client.get(url) for url in (HOTLINE, SAMPLES, REVISITS)]
    pages.append(client.post(SAMPLES, {"period": "2026-10"}))  # drawn already: 409 and its message
    pages.append(client.post(f"{HOTLINE}{HotlineOrder.objects.get(reference='OPEN-1').pk}/complete/"))
    assert [p.status_code for p in pages] == [200, 200, 200, 409, 400]
    for p in pages:
        assert '<html lang="en"' in page(p)
        assert not chinese_chrome(page(p), data), p.request["PATH_INFO"]
    assert "Re-checked: same" in page(pages[1]) and "Mark as a malicious rating" in page(pages[2])
    # the label's colon is inside the translation: ASCII in English, not 「Handled by：」
    assert (
        "Handled by: " in page(pages[0])
        and "Caller: " in page(pages[0])
        and "Received at: " in page(pages[0])
    )
    assert "：" not in page(pages[0]).split("<main", 1)[-1].split("Handled by", 1)[0][-200:]

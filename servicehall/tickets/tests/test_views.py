"""The queue's pages: console, kiosk and slip, display, statistics and Excel, appointments and
home visits, devices — what each shows, and who is refused."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from openpyxl import load_workbook

from servicehall.core import clock
from servicehall.tickets import booking, selectors, services
from servicehall.tickets.models import Absence, Appointment, Device, HomeVisit, Ticket, WindowState

pytestmark = pytest.mark.usefixtures("monday")
FAR = {"REMOTE_ADDR": "10.9.9.9"}  # not a registered device address


def test_index_lists_my_windows_and_center_pages(login, queue):
    page = login("chenshaoli").get("/tickets/").content.decode()
    assert "1号窗口 党政办" in page and "/tickets/kaiyuan/kiosk/" in page
    assert "/tickets/kaiyuan/statistics/" not in page  # a clerk sees no statistics
    director = login("wangmanshu").get("/tickets/").content.decode()
    assert "/tickets/kaiyuan/statistics/" in director and "/tickets/kaiyuan/devices/" in director


def test_pages_need_a_login(client, queue, window):
    for url in ["/tickets/", f"/tickets/windows/{window(1).pk}/", "/tickets/kaiyuan/statistics/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


# --- console -----------------------------------------------------------------------------------


def test_console_flow_open_take_call_start_finish(login, queue, window):
    w = window(1)
    client = login("chenshaoli")
    url = f"/tickets/windows/{w.pk}/"
    page = client.get(url).content.decode()
    assert "叫下一位" in page and 'data-state="closed"' in page
    assert client.post(url + "act", {"action": "open"}).status_code == 302
    client.post(url + "act", {"action": "take", "line": "A", "green_channel": "elderly"})
    response = client.post(url + "act", {"action": "call_next"}, follow=True)
    page = response.content.decode()
    assert "已叫号 A001" in page and 'data-testid="current-number">A001' in page and "老年人" in page
    ticket = Ticket.objects.get()
    for action in ["recall", "start", "finish"]:
        assert client.post(url + "act", {"action": action, "ticket": ticket.pk}).status_code == 302
    assert Ticket.objects.get().status == "done"


def test_console_refusals_show_the_message_with_status(login, queue, window):
    w = window(1)
    client = login("chenshaoli")
    url = f"/tickets/windows/{w.pk}/act"
    response = client.post(url, {"action": "call_next"})
    assert response.status_code == 409 and "请先开窗" in response.content.decode()
    client.post(url, {"action": "open"})
    response = client.post(url, {"action": "pick", "ticket": "abc", "reason": "x"})
    assert response.status_code == 400 and "号票编号无效" in response.content.decode()
    response = client.post(url, {"action": "take", "line": "Z"})
    assert response.status_code == 404 and not Ticket.objects.exists()
    response = client.post(url, {"action": "explode"})
    assert response.status_code == 400


def test_console_is_for_the_windows_post_holders(login, queue, window):
    w = window(1)
    response = login("xuqingqing").get(f"/tickets/windows/{w.pk}/")  # the B post
    page = response.content.decode()
    assert response.status_code == 200 and "1号窗口 党政办" in page and 'data-state="closed"' in page
    assert 'value="cover"' in page  # the B post may take the window over
    assert 'value="pause"' not in page  # nobody operates it yet: nothing to pause
    page = login("chenshaoli").get(f"/tickets/windows/{w.pk}/").content.decode()
    assert 'value="open"' in page and 'value="cover"' not in page  # the A post opens, never covers
    for user in ["weixiaojing", "wangmanshu", "auditor"]:
        client = login(user)
        assert client.get(f"/tickets/windows/{w.pk}/").status_code == 403
        assert client.post(f"/tickets/windows/{w.pk}/act", {"action": "open"}).status_code == 403
    assert not WindowState.objects.exists()
    assert login("chenshaoli").get("/tickets/windows/99999/").status_code == 404


def test_console_shows_pause_warning_and_extended_service(login, queue, window):
    w = window(3)
    client = login("suweiyu")
    client.post(f"/tickets/windows/{w.pk}/act", {"action": "open"})
    client.post(f"/tickets/windows/{w.pk}/act", {"action": "pause"})
    with clock.freeze("2026-11-23T09:42"):
        page = client.get(f"/tickets/windows/{w.pk}/").content.decode()
        assert "已离岗 12 分钟" in page and "请 B 岗顶岗" in page
        client.post(f"/tickets/windows/{w.pk}/act", {"action": "resume"})
    assert Absence.objects.count() == 1
    with clock.freeze("2026-11-23T17:45"):
        page = client.get(f"/tickets/windows/{w.pk}/").content.decode()
    assert 'data-testid="extended"' in page and "延时服务" in page


def test_console_waiting_list_partial(login, queue, window):
    w = window(1)
    services.ticket_take(actor=None, line=selectors.get_line(queue, "A"), green_channel="women")
    page = login("chenshaoli").get(f"/tickets/windows/{w.pk}/queue").content.decode()
    assert "A001" in page and "妇女" in page
    assert login("weixiaojing").get(f"/tickets/windows/{w.pk}/queue").status_code == 403


def test_console_queries_do_not_grow_with_the_queue(login, queue, window, django_assert_max_num_queries):
    w = window(1)
    client = login("chenshaoli")
    for _ in range(25):
        services.ticket_take(actor=None, line=selectors.get_line(queue, "A"), green_channel="elderly")
    with django_assert_max_num_queries(25):
        response = client.get(f"/tickets/windows/{w.pk}/")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="waiting"' in page
    waiting = page.split('data-testid="waiting"')[1].split("</table>")[0]
    numbers = re.findall(r'<td class="fw-bold">(A\d{3})</td>', waiting)
    assert numbers == [f"A{n:03d}" for n in range(1, 26)]  # every one waiting, in call order
    assert waiting.count("老年人") == 25 and "暂无等候" not in waiting


# --- kiosk and slip --------------------------------------------------------------------------------


def test_kiosk_take_prints_a_slip_with_number_and_people_ahead(client, queue):
    page = client.get("/tickets/kaiyuan/kiosk/").content.decode()  # the demo kiosk's loopback address
    assert "开元街道便民服务中心" in page and "综合事务" in page and "老年人" in page
    services.ticket_take(actor=None, line=selectors.get_line(queue, "B"))
    response = client.post("/tickets/kaiyuan/kiosk/take", {"line": "B", "green_channel": ""})
    assert response.status_code == 302
    slip = client.get(response.url).content.decode()
    assert "B002" in slip and "您前面还有 1 人" in slip and "社会保障" in slip and "2026-11-23 09:30" in slip
    assert "size: 80mm auto" in Path(finders.find("tickets/hall.css")).read_text()


def test_kiosk_after_closing_refuses_and_offers_an_appointment(client, queue):
    with clock.freeze("2026-11-23T17:40"):
        page = client.get("/tickets/kaiyuan/kiosk/").content.decode()
        assert "今日办公时间已于 17:30 结束" in page and "预约办理" in page
        response = client.post("/tickets/kaiyuan/kiosk/take", {"line": "A"})
        assert response.status_code == 409 and "预约" in response.content.decode()
        booking_page = client.get("/tickets/kaiyuan/kiosk/book?line=A").content.decode()
        assert "11月24日" in booking_page and "08:00" in booking_page
        response = client.post(
            "/tickets/kaiyuan/kiosk/book",
            {
                "line": "A",
                "day": "2026-11-24",
                "slot": "2026-11-24T08:30:00+08:00",
                "name": "李四",
                "phone": "13900001111",
            },
        )
    assert response.status_code == 200 and "预约码" in response.content.decode()
    appointment = Appointment.objects.get()
    assert appointment.channel == "online" and appointment.booked_by == "取号机：大厅取号机"
    assert not Ticket.objects.exists()


def test_kiosk_check_in(client, queue, user_named):
    with clock.freeze("2026-11-23T08:00"):
        a = booking.appointment_book(
            actor=user_named("chenshaoli"),
            line=selectors.get_line(queue, "A"),
            slot_start=dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.TZ),
            name="王五",
            phone="13700001111",
            channel="phone",
        )
    response = client.post("/tickets/kaiyuan/kiosk/check-in", {"code": a.code})
    assert response.status_code == 302
    assert "预约 10:00" in client.get(response.url).content.decode()
    response = client.post("/tickets/kaiyuan/kiosk/check-in", {"code": "000000"})
    assert response.status_code == 404 and "预约码" in response.content.decode()


def test_kiosk_pages_refuse_unknown_devices_and_display_tokens(client, queue):
    assert client.get("/tickets/kaiyuan/kiosk/", **FAR).status_code == 403
    assert client.post("/tickets/kaiyuan/kiosk/take", {"line": "A"}, **FAR).status_code == 403
    _d, token = booking.device_register(actor=None, center=queue, kind="display", name="屏")
    assert client.get("/tickets/kaiyuan/kiosk/", headers={"X-Device-Token": token}, **FAR).status_code == 403
    _d, kiosk_token = booking.device_register(actor=None, center=queue, kind="kiosk", name="机")
    assert client.get(f"/tickets/kaiyuan/kiosk/?token={kiosk_token}", **FAR).status_code == 403  # no URL
    page = client.get("/tickets/kaiyuan/kiosk/", headers={"X-Device-Token": kiosk_token}, **FAR)
    assert page.status_code == 200 and kiosk_token not in page.content.decode()
    assert not Ticket.objects.exists()
    assert client.get("/tickets/atlantis/kiosk/").status_code == 404


def test_devices_are_rate_limited(client, queue, settings):
    settings.DEVICE_RATE_LIMIT = (3, 60)
    statuses = [client.get("/tickets/kaiyuan/kiosk/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    response = client.post("/api/v1/centers/kaiyuan/tickets", {"line": "A"}, content_type="application/json")
    assert response.status_code == 429 and response.json()["code"] == "too_many_requests"


# --- display ----------------------------------------------------------------------------------------


def test_display_page_shows_windows_calls_and_pause_signs(client, queue, opened, holder):
    w1 = opened(1)
    services.ticket_take(actor=None, line=selectors.get_line(queue, "A"))
    services.ticket_call_next(actor=holder(w1), window=w1)
    w3 = opened(3)
    services.window_action(actor=holder(w3), window=w3, action="pause")
    page = client.get("/tickets/kaiyuan/display/").content.decode()
    assert "请 A 零 零 一 号到 1 号窗口办理" in page and "请稍候" in page and "暂停服务" in page
    assert 'data-api="/api/v1/centers/kaiyuan/display"' in page
    assert client.get("/tickets/kaiyuan/display/", **FAR).status_code == 403


def test_display_api_answers_unchanged_polls_with_304(
    client, queue, opened, holder, django_assert_num_queries
):
    first = client.get("/api/v1/centers/kaiyuan/display")
    etag = first["ETag"]
    assert first.status_code == 200 and first.json()["center"] == "开元街道便民服务中心"
    with django_assert_num_queries(0):  # the version memo answers without the database
        again = client.get("/api/v1/centers/kaiyuan/display", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag
    w = opened(1)
    services.ticket_take(actor=None, line=selectors.get_line(queue, "A"))
    services.ticket_call_next(actor=holder(w), window=w)
    changed = client.get("/api/v1/centers/kaiyuan/display", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    call = changed.json()["calls"][0]
    assert call["phrase"] == "请 A 零 零 一 号到 1 号窗口办理" and call["window"] == 1
    assert changed.json()["windows"][0]["current"] == "A001"
    with clock.freeze("2026-11-23T09:31"):  # a new minute: the clock on the screen changes
        assert (
            client.get(
                "/api/v1/centers/kaiyuan/display", headers={"If-None-Match": changed["ETag"]}
            ).status_code
            == 200
        )


def test_display_api_render_is_a_fixed_number_of_queries(
    client, queue, opened, holder, django_assert_num_queries
):
    w = opened(1)
    for _ in range(12):
        services.ticket_take(actor=None, line=selectors.get_line(queue, "A"))
        services.ticket_no_show(actor=holder(w), ticket=services.ticket_call_next(actor=holder(w), window=w))
    selectors.forget_display_versions()
    # device, version, center, windows with states, their lines, waiting counts, the calendar
    # stamp (closing time), the last calls, the lines
    with django_assert_num_queries(9):
        assert client.get("/api/v1/centers/kaiyuan/display").status_code == 200


def test_display_api_access(client, queue, bearer):
    assert client.get("/api/v1/centers/kaiyuan/display", **FAR).status_code == 401
    assert (
        client.get("/api/v1/centers/kaiyuan/display", headers=bearer("chenshaoli"), **FAR).status_code == 200
    )
    r = client.get("/api/v1/centers/county/display", headers=bearer("chenshaoli"), **FAR)
    assert r.status_code == 403
    r = client.get("/api/v1/centers/kaiyuan/display", headers={"X-Device-Token": "nope"}, **FAR)
    assert r.status_code == 403 and r.json()["code"] == "device_refused"


# --- statistics --------------------------------------------------------------------------------------


def serve_some(queue, w, clerk):
    for minute, green in [(0, None), (2, "elderly"), (4, None)]:
        with clock.freeze(f"2026-11-23T09:{30 + minute:02d}"):
            services.ticket_take(actor=None, line=selectors.get_line(queue, "A"), green_channel=green)
    with clock.freeze("2026-11-23T09:40"):
        t = services.ticket_call_next(actor=clerk, window=w)
        services.ticket_start(actor=clerk, ticket=t)
    with clock.freeze("2026-11-23T09:50"):
        services.ticket_finish(actor=clerk, ticket=Ticket.objects.get(pk=t.pk))
        services.ticket_no_show(actor=clerk, ticket=services.ticket_call_next(actor=clerk, window=w))


def test_statistics_page_and_excel_export(login, queue, opened, holder):
    w = opened(1)
    serve_some(queue, w, holder(w))
    client = login("wangmanshu")
    page = client.get("/tickets/kaiyuan/statistics/?start=2026-11-23&end=2026-11-23").content.decode()
    assert "A 综合事务" in page and "01号 党政办" in page
    with clock.freeze("2026-11-23T10:04"):
        response = client.get("/tickets/kaiyuan/statistics.xlsx?start=2026-11-23&end=2026-11-23")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按业务线", "按窗口", "按日", "延时服务", "无人顶岗离岗"]
    rows = list(book["按业务线"].values)
    assert rows[0][0].startswith("开元街道便民服务中心 排队叫号统计") and rows[1][0] == "业务线"
    # the green A002 (09:32) is called first at 09:40 and served 10 minutes; A001 (09:30) is
    # called at 09:50 and does not come; A003 (09:34) still waits at 10:04: 30 minutes so far
    assert rows[2][:7] == ("A 综合事务（党政、财经、城管）", 3, 1, 1, 19.3, 30.0, 10.0)


def test_statistics_a_green_channel_ticket_still_waiting_shows_its_wait(login, queue):
    """Issue 11: a green-channel ticket that had waited ten minutes showed 平均/最长等候 0.0."""
    with clock.freeze("2026-11-23T09:30"):
        services.ticket_take(actor=None, line=selectors.get_line(queue, "B"), green_channel="elderly")
    client = login("wangmanshu")
    with clock.freeze("2026-11-23T09:40"):
        page = client.get("/tickets/kaiyuan/statistics/?start=2026-11-23&end=2026-11-23")
        book = load_workbook(io.BytesIO(client.get("/tickets/kaiyuan/statistics.xlsx").content))
    row = next(r for r in book["按业务线"].values if str(r[0]).startswith("B "))
    assert row[1:6] == (1, 0, 0, 10.0, 10.0)
    cells = [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", page.content.decode())]
    assert cells.count("10.0") >= 2  # the line's average and longest wait, not 0.0
    # on a later day, a ticket never called counts until that day's service ended (17:30)
    with clock.freeze("2026-11-24T09:00"):
        book = load_workbook(
            io.BytesIO(client.get("/tickets/kaiyuan/statistics.xlsx?start=2026-11-23&end=2026-11-23").content)
        )
    row = next(r for r in book["按业务线"].values if str(r[0]).startswith("B "))
    assert row[4:6] == (480.0, 480.0)


def test_statistics_refused_to_clerks_and_bad_dates(login, queue):
    assert login("chenshaoli").get("/tickets/kaiyuan/statistics/").status_code == 403
    assert login("chenshaoli").get("/tickets/kaiyuan/statistics.xlsx").status_code == 403
    client = login("wangmanshu")
    assert client.get("/tickets/kaiyuan/statistics/?start=2026-13-01").status_code == 400
    assert client.get("/tickets/kaiyuan/statistics/?start=2026-11-23&end=2026-11-01").status_code == 400
    assert client.get("/tickets/county/statistics/").status_code == 403


# --- appointments and home visits ---------------------------------------------------------------------


def test_services_page_books_by_phone_checks_in_and_records_home_visits(login, queue, user_named):
    client = login("chenshaoli")
    page = client.get("/tickets/kaiyuan/services/?line=A").content.decode()
    assert "电话预约登记" in page and "10:00" in page and "林阿婆" in page
    response = client.post(
        "/tickets/kaiyuan/services/",
        {
            "action": "book",
            "line": "A",
            "slot": "2026-11-23T10:00:00+08:00",
            "name": "赵六",
            "phone": "13600001111",
            "channel": "phone",
        },
    )
    assert (
        response.status_code == 302
        and "预约码" in response.url
        or "%E9%A2%84%E7%BA%A6%E7%A0%81" in response.url
    )
    a = Appointment.objects.get()
    page = client.get("/tickets/kaiyuan/services/").content.decode()
    assert "136****1111" in page and "13600001111" not in page
    with clock.freeze("2026-11-23T09:45"):
        client.post("/tickets/kaiyuan/services/", {"action": "check_in", "appointment": a.pk})
    assert Appointment.objects.get().status == "checked_in" and Ticket.objects.get().slot_start is not None
    visit = HomeVisit.objects.get(name="林阿婆")
    director = login("wangmanshu")
    staff = user_named("chenshaoli").staff
    response = director.post(
        "/tickets/kaiyuan/services/",
        {"action": "assign", "visit": visit.pk, "staff": staff.pk, "visit_on": "2026-11-24"},
    )
    assert response.status_code == 302
    clerk = login("chenshaoli")
    clerk.post(
        "/tickets/kaiyuan/services/",
        {"action": "outcome", "visit": visit.pk, "outcome": "已上门受理高龄津贴申请"},
    )
    visit.refresh_from_db()
    assert visit.status == "done" and visit.assigned_to == staff


def test_services_page_refusals(login, queue):
    clerk = login("chenshaoli")
    response = clerk.post(
        "/tickets/kaiyuan/services/",
        {
            "action": "visit",
            "name": "年轻人",
            "phone": "13600001111",
            "address": "x",
            "need": "y",
            "age": "40",
        },
    )
    assert response.status_code == 400 and "70周岁以上" in response.content.decode()
    response = clerk.post("/tickets/kaiyuan/services/", {"action": "book", "line": "A", "slot": "bad"})
    assert response.status_code == 400
    visit = HomeVisit.objects.first()
    staff = clerk.get("/tickets/").wsgi_request.user.staff
    response = clerk.post(
        "/tickets/kaiyuan/services/",
        {"action": "assign", "visit": visit.pk, "staff": staff.pk, "visit_on": "2026-11-24"},
    )
    assert response.status_code == 403
    assert HomeVisit.objects.filter(status="requested").count() == 2
    assert login("auditor").get("/tickets/kaiyuan/services/").status_code == 403


# --- devices --------------------------------------------------------------------------------------------


def test_devices_page_registers_shows_the_token_once_and_revokes(login, queue, client):
    director = login("wangmanshu")
    response = director.post(
        "/tickets/kaiyuan/devices/", {"action": "register", "kind": "display", "name": "二楼屏"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="token"' in page
    token = page.split('<code class="fs-5">')[1].split("</code>")[0]
    device = Device.objects.get(name="二楼屏")
    assert device.token_hash and token not in device.token_hash
    response = director.post(
        "/tickets/kaiyuan/devices/", {"action": "revoke", "device": device.pk, "reason": "损坏"}
    )
    assert "已停用" in response.content.decode()
    director.logout()
    r = client.get("/api/v1/centers/kaiyuan/display", headers={"X-Device-Token": token}, **FAR)
    assert r.status_code == 403


def test_device_enrolment_keeps_the_token_in_a_cookie(login, queue, client):
    """Issue 12: the administrator registers a device (its token shown once); on the device,
    the enrolment page takes the token and leaves it in a cookie that opens the device's pages."""
    director = login("wangmanshu")
    page = director.post(
        "/tickets/kaiyuan/devices/", {"action": "register", "kind": "kiosk", "name": "三楼取号机"}
    ).content.decode()
    token = page.split('<code class="fs-5">')[1].split("</code>")[0]
    assert "http://testserver/tickets/kaiyuan/devices/enrol/" in page
    director.logout()
    assert client.get("/tickets/kaiyuan/kiosk/", **FAR).status_code == 403
    enrol = client.get("/tickets/kaiyuan/devices/enrol/", **FAR)
    assert enrol.status_code == 200 and 'name="token"' in enrol.content.decode()
    refused = client.post("/tickets/kaiyuan/devices/enrol/", {"token": "guess"}, **FAR)
    assert refused.status_code == 403 and "设备令牌无效" in refused.content.decode()
    assert "servicehall_device" not in refused.cookies
    response = client.post("/tickets/kaiyuan/devices/enrol/", {"token": f" {token} "}, **FAR)
    assert response.status_code == 302 and response.url == "/tickets/kaiyuan/kiosk/"
    cookie = response.cookies["servicehall_device"]
    assert cookie.value == token and cookie["httponly"] and cookie["samesite"] == "Strict"
    assert "综合事务" in client.get("/tickets/kaiyuan/kiosk/", **FAR).content.decode()
    taken = client.post("/tickets/kaiyuan/kiosk/take", {"line": "A"}, **FAR)
    assert taken.status_code == 302 and token not in taken.url
    assert Ticket.objects.get().source == "kiosk"
    # on the API the cookie counts for reads only: a write by a device carries the header
    api = client.post(
        "/api/v1/centers/kaiyuan/tickets", {"line": "A"}, content_type="application/json", **FAR
    )
    assert api.status_code == 401 and Ticket.objects.count() == 1
    assert client.get("/api/v1/centers/kaiyuan/lines", **FAR).status_code == 200
    device = Device.objects.get(name="三楼取号机")
    booking.device_revoke(actor=None, device=device, reason="移走")
    assert client.get("/tickets/kaiyuan/kiosk/", **FAR).status_code == 403  # revoked: at once


def test_device_enrolment_opens_a_display_on_its_page(client, queue):
    _d, token = booking.device_register(actor=None, center=queue, kind="display", name="二楼屏")
    response = client.post("/tickets/kaiyuan/devices/enrol/", {"token": token}, **FAR)
    assert response.status_code == 302 and response.url == "/tickets/kaiyuan/display/"
    assert client.get("/api/v1/centers/kaiyuan/display", **FAR).status_code == 200
    page = client.get("/tickets/kaiyuan/display/", **FAR).content.decode()
    assert 'data-api="/api/v1/centers/kaiyuan/display"' in page and token not in page
    r = client.post("/tickets/xiangfeng/devices/enrol/", {"token": token}, **FAR)  # another center's
    assert r.status_code == 403


def test_devices_page_refusals(login, queue):
    assert login("chenshaoli").get("/tickets/kaiyuan/devices/").status_code == 403
    director = login("wangmanshu")
    response = director.post(
        "/tickets/kaiyuan/devices/", {"action": "register", "kind": "toaster", "name": "x"}
    )
    assert response.status_code == 400
    response = director.post(
        "/tickets/kaiyuan/devices/",
        {"action": "register", "kind": "kiosk", "name": "x", "address": "not-an-ip"},
    )
    assert response.status_code == 400 and "IP" in response.content.decode()
    assert Device.objects.count() == 2


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/tickets/kaiyuan/kiosk/book"),
        ("post", "/tickets/kaiyuan/kiosk/check-in"),
        ("get", "/tickets/kaiyuan/slip/{t}/"),
        ("get", "/tickets/kaiyuan/display/"),
    ],
)
def test_device_pages_refuse_strangers(client, queue, method, url):
    t = services.ticket_take(actor=None, line=selectors.get_line(queue, "A"))
    response = getattr(client, method)(url.format(t=t.pk), **FAR)
    assert response.status_code == 403 and "设备" in response.content.decode()


@pytest.mark.parametrize(
    "url,body",
    [
        ("/api/v1/windows/{w}/call", {"ticket": "{t}", "reason": "x"}),
        ("/api/v1/tickets/{t}/transfer", {"line": "B"}),
        ("/api/v1/tickets/{t}/start", {}),
        ("/api/v1/centers/kaiyuan/appointments/check-in", {"code": "123456"}),
        ("/api/v1/home-visits/{v}/outcome", {"outcome": "x"}),
        ("/api/v1/home-visits/{v}/assign", {"staff": "chenshaoli", "visit_on": "2026-11-24"}),
        (
            "/api/v1/centers/kaiyuan/home-visits",
            {"name": "x", "phone": "13500001111", "address": "y", "need": "z", "age": 80},
        ),
    ],
)
def test_api_refuses_strangers_and_other_windows_staff(client, queue, opened, holder, bearer, url, body):
    w = opened(1)
    t = services.ticket_take(actor=None, line=selectors.get_line(queue, "A"))
    visit = HomeVisit.objects.first()
    url = url.format(w=w.pk, t=t.pk, v=visit.pk)
    body = {k: v.format(t=t.pk) if isinstance(v, str) else v for k, v in body.items()}
    response = client.post(url, body, content_type="application/json", **FAR)
    assert response.status_code == 401
    response = client.post(url, body, content_type="application/json", headers=bearer("auditor"), **FAR)
    assert response.status_code in {403, 409} and response.json()["code"]
    assert (
        Ticket.objects.get(pk=t.pk).status == "waiting"
        and HomeVisit.objects.get(pk=visit.pk).status == "requested"
    )


def test_api_lines_need_a_role_or_device(client, queue, bearer):
    assert client.get("/api/v1/centers/kaiyuan/lines", **FAR).status_code == 401
    assert client.get("/api/v1/centers/county/lines", headers=bearer("chenshaoli"), **FAR).status_code == 403
    assert [x["prefix"] for x in client.get("/api/v1/centers/kaiyuan/lines").json()] == ["A", "B", "C"]

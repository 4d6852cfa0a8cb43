"""The director's workbench, a clerk's refused page, the case page's layout, the console's
buttons and the hall screen's clock, in headless Chromium. Screenshots go to test-artifacts/."""

import pytest

from servicehall.core import clock
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401 - the same browser setup

# How many lines an element's text takes.
LINES = (
    "e => { const r = document.createRange(); r.selectNodeContents(e); "
    "return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
)
PERSON = {"name": "张三丰", "id_number": "11010519491231002X", "phone": "13812345678"}


@pytest.fixture
def hall(transactional_db):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.org import demo as org_demo
    from servicehall.tickets import demo as tickets_demo
    from servicehall.tickets.selectors import forget_config

    org_demo.load()
    catalog_demo.load()
    tickets_demo.load()
    forget_config()


def _act(number, action):
    from servicehall.org.models import Window
    from servicehall.org.selectors import posts_on
    from servicehall.tickets import services

    window = Window.objects.select_related("center__policy").get(center__code="kaiyuan", number=number)
    holder = posts_on(clock.today()).get(window=window, kind="A").staff.user
    return services.window_action(actor=holder, window=window, action=action)


def _intake(at, user="chenjianwei"):
    from django.contrib.auth import get_user_model

    from servicehall.cases import services as cases
    from servicehall.org.models import Center

    with clock.freeze(at):
        return cases.case_intake(
            actor=get_user_model().objects.get(username=user),
            center=Center.objects.get(code="kaiyuan"),
            item="KY-CL-001",
            applicant=cases.Applicant(**PERSON),
            materials=["M01", "M02", "M03", "M04"],
        )


def test_the_director_sees_the_hall_at_a_glance(hall, signed_in, shot):
    from servicehall.org.models import Center
    from servicehall.tickets import selectors, services

    case = _intake("2026-11-02T09:30")  # red by 11-23
    center = Center.objects.get(code="kaiyuan")
    with clock.freeze("2026-11-23T09:30"):
        for prefix in "AAB":
            services.ticket_take(actor=None, line=selectors.get_line(center, prefix))
        services.ticket_take(actor=None, line=selectors.get_line(center, "A"), green_channel="elderly")
        for number in (1, 2, 3):
            _act(number, "open")
        _act(3, "pause")
    with clock.freeze("2026-11-23T09:45"):
        page = signed_in("wangmanshu")
        page.goto(page.base + "/")
        glance = page.get_by_test_id("hall-glance")
        assert glance.is_visible()
        assert page.get_by_test_id("green-overdue").inner_text().startswith("绿色通道 A003（老年人")
        assert "3号窗口" in page.get_by_test_id("uncovered-window").inner_text()
        assert case.number in page.get_by_test_id("flagged-cases").inner_text()
        menu = page.locator("nav .navbar-nav").inner_text()
        assert "电子监察" in menu and "事项目录" in menu and "受理办件" not in menu
        # no figure is squeezed out of its card
        for card in page.locator(".hall-glance .card").all():
            box = card.bounding_box()
            assert box["height"] < 140, box
        shot(page, "director-home")
        page.goto(page.base + "/catalog/kaiyuan/")  # the same menu on every staff page
        assert "电子监察" in page.locator("nav .navbar-nav").inner_text()


def test_a_clerk_refused_the_supervision_board_sees_the_products_page_and_goes_back(hall, signed_in, shot):
    with clock.freeze("2026-11-23T09:30"):
        page = signed_in("chenshaoli")
        page.goto(page.base + "/cases/mine/")
        assert "电子监察" not in page.locator("nav .navbar-nav").inner_text()
        response = page.goto(page.base + "/supervision/kaiyuan/")
        assert response.status == 403
        assert page.get_by_test_id("error-page").is_visible()
        assert "您没有权限打开这个页面" in page.inner_text("h1")
        assert "只有「开元街道便民服务中心」的领导和监督人员可以查看电子监察" in page.inner_text("main")
        assert "Forbidden" not in page.content()
        shot(page, "clerk-refused")
        page.get_by_test_id("go-home").click()
        page.wait_for_url(page.base + "/")
        response = page.goto(page.base + "/visits/?day=2026-02-30")
        assert response.status == 400
        assert "日期「2026-02-30」不存在" in page.get_by_test_id("error-message").inner_text()
        shot(page, "visits-impossible-day")
        response = page.goto(page.base + "/no/such/page/")
        assert response.status == 404 and "找不到您要的页面" in page.inner_text("h1")


def test_a_long_result_leaves_the_case_pages_labels_readable(hall, signed_in, shot):
    from django.contrib.auth import get_user_model

    from servicehall.cases import services as cases

    case = _intake("2026-11-23T09:30")
    with clock.freeze("2026-11-23T10:00"):
        cases.case_complete(
            actor=get_user_model().objects.get(username="chenjianwei"),
            case=case,
            result="经审核符合条件，" + "准予" * 496,
        )
        page = signed_in("chenjianwei")
        page.goto(page.base + f"/cases/{case.number}/")
        facts = page.get_by_test_id("case-facts")
        label = facts.locator("th", has_text="办理结果")
        box = label.bounding_box()
        assert box["width"] >= 60, box  # "办理结果" on one line, not one character per line
        assert label.evaluate(LINES) == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "case-long-result")


def test_the_consoles_call_button_stays_on_one_line(hall, signed_in, shot):
    from servicehall.org.models import Center
    from servicehall.tickets import selectors, services

    center = Center.objects.get(code="kaiyuan")
    with clock.freeze("2026-11-23T09:30"):
        services.ticket_take(actor=None, line=selectors.get_line(center, "A"))
        window = _act(1, "open").window
        page = signed_in("chenshaoli")
        page.goto(page.base + f"/tickets/windows/{window.pk}/")
        button = page.get_by_test_id("waiting").locator("button", has_text="叫号").first
        assert button.evaluate(LINES) == 1
        shot(page, "console-call-button")


def test_the_hall_screen_shows_the_centers_time_in_a_browser_set_to_another_zone(hall, browser, live_server):
    for zone in ("UTC", "America/New_York"):
        context = browser.new_context(
            locale="zh-CN", timezone_id=zone, viewport={"width": 1920, "height": 1080}
        )
        try:
            page = context.new_page()
            with clock.freeze("2026-11-23T09:33"):
                page.goto(live_server.url + "/c/kaiyuan/screen/?seconds=60")
                page.wait_for_timeout(1200)  # the clock has ticked at least once in the browser
                assert page.inner_text("#screen-clock") == "09:33", zone
        finally:
            context.close()


def test_every_page_names_its_icon(hall, page):
    icons = []
    page.on("response", lambda r: icons.append((r.url, r.status)) if "favicon" in r.url else None)
    with clock.freeze("2026-11-23T09:30"):
        page.goto(page.base + "/login/")
        page.wait_for_load_state("networkidle")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href.endswith("favicon.svg")
    assert page.request.get(page.base + href).status == 200
    assert all(status < 400 for _url, status in icons), icons


def test_the_booking_page_at_lunch_time_names_the_lunch_hour_service(hall, page, shot):
    with clock.freeze("2026-11-23T12:10"):  # a Monday, the hall closed for lunch
        page.goto(page.base + "/tickets/kaiyuan/kiosk/book?line=A&day=2026-11-23")
        today = page.inner_text("main")
        shot(page, "booking-lunch-hour-today")
        page.goto(page.base + "/tickets/kaiyuan/kiosk/book?line=A&day=2026-11-24")
        tomorrow = page.inner_text("main")
        shot(page, "booking-lunch-hour")
    assert "午间预约" in tomorrow
    assert "11:30" not in today  # a slot already past is never offered

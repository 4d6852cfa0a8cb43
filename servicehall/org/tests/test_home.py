"""The director's workbench shows the hall at a glance; every staff page carries the top menu."""

import re

import pytest

from servicehall.core import clock

PERSON = {"name": "张三丰", "id_number": "11010519491231002X", "phone": "13812345678"}


@pytest.fixture
def hall(demo):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.tickets import demo as tickets_demo

    catalog_demo.load()
    tickets_demo.load()
    return demo


def _act(number, action):
    from servicehall.org.models import Window
    from servicehall.org.selectors import posts_on
    from servicehall.tickets import services

    window = Window.objects.select_related("center__policy").get(center__code="kaiyuan", number=number)
    holder = posts_on(clock.today()).get(window=window, kind="A").staff.user
    return services.window_action(actor=holder, window=window, action=action)


def _testid(page, name):
    match = re.search(rf'data-testid="{name}"[^>]*>([^<]*)', page)
    return match.group(1).strip() if match else None


def test_director_home_shows_queue_windows_cases_and_an_overdue_green_channel_ticket(hall, login, user_named):
    from servicehall.cases import services as cases
    from servicehall.tickets import selectors, services

    with clock.freeze("2026-11-02T09:30"):  # a red case: due two weeks later, long past on 11-23
        case = cases.case_intake(
            actor=user_named("chenjianwei"),
            center=hall,
            item="KY-CL-001",
            applicant=cases.Applicant(**PERSON),
            materials=["M01", "M02", "M03", "M04"],
        )
    with clock.freeze("2026-11-23T09:30"):
        services.ticket_take(actor=None, line=selectors.get_line(hall, "A"))
        services.ticket_take(actor=None, line=selectors.get_line(hall, "A"), green_channel="elderly")
        services.ticket_take(actor=None, line=selectors.get_line(hall, "B"))
        _act(1, "open")
        _act(2, "open")
        _act(3, "open")
        _act(3, "pause")
    with clock.freeze("2026-11-23T09:45"):
        page = login("wangmanshu").get("/").content.decode()
    assert 'data-testid="hall-glance"' in page
    assert _testid(page, "waiting-total").startswith("3")
    assert "/ 15 分钟" in page  # the longest wait so far, the first ticket of 09:30
    lines = page.split('data-testid="lines"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"A [^<]*</td><td[^>]*>2</td><td[^>]*>15 分钟", lines)
    assert re.search(r"B [^<]*</td><td[^>]*>1</td>", lines)
    states = page.split('data-testid="window-states">', 1)[1].split("</div>", 1)[0]
    assert re.sub(r"<[^>]+>", "", states).split() == ["2", "/", "1", "/", "4", "/", "1"]
    assert "3号窗口" in page and "暂停已 15 分钟，超过 10 分钟无人顶岗" in page
    assert _testid(page, "red") == "1" and _testid(page, "yellow") == "0"
    assert case.number in page.split('data-testid="flagged-cases"', 1)[1]
    assert _testid(page, "green-overdue-count") == "1"
    assert "绿色通道 A002（老年人" in page and "已等候 15 分钟，超过 10 分钟" in page


def test_a_green_channel_ticket_within_the_policys_minutes_is_not_flagged(hall, login):
    from servicehall.tickets import selectors, services

    with clock.freeze("2026-11-23T09:30"):
        services.ticket_take(actor=None, line=selectors.get_line(hall, "A"), green_channel="elderly")
    with clock.freeze("2026-11-23T09:40"):
        page = login("wangmanshu").get("/").content.decode()
    assert _testid(page, "green-overdue-count") == "0" and 'data-testid="green-overdue"' not in page
    hall.policy.green_channel_wait_minutes = 5
    hall.policy.save()
    with clock.freeze("2026-11-23T09:40"):
        page = login("wangmanshu").get("/").content.decode()
    assert _testid(page, "green-overdue-count") == "1"


def test_a_clerk_home_has_no_hall_panel(hall, login):
    with clock.freeze("2026-11-23T09:30"):
        page = login("chenshaoli").get("/").content.decode()
    assert 'data-testid="hall-glance"' not in page


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/tickets/",
        "/cases/mine/",
        "/catalog/kaiyuan/",
        "/workdays/kaiyuan/2026/",
        "/tickets/kaiyuan/statistics/",
    ],
)
def test_the_top_menu_is_on_every_staff_page(hall, login, url):
    with clock.freeze("2026-11-23T09:30"):
        response = login("wangmanshu").get(url)
    page = response.content.decode()
    assert response.status_code == 200, url
    nav = page.split('<ul class="navbar-nav', 1)[1].split("</ul>", 1)[0]
    for link in ["/supervision/kaiyuan/", "/catalog/kaiyuan/", "/workdays/kaiyuan/2026/"]:
        assert link in nav, (url, link)


def test_sec_1_every_person_reaches_their_password_page_and_the_administrator_the_accounts(hall, login):
    clerk = login("chenshaoli").get("/").content.decode()
    assert 'href="/password/"' in clerk and 'href="/accounts/"' not in clerk
    admin = login("admin").get("/").content.decode()
    assert 'href="/password/"' in admin and 'href="/accounts/"' in admin
    assert login("admin").get("/accounts/").status_code == 200


def test_org_7_a_director_reaches_the_center_setup_page_from_the_menu(hall, login):
    director = login("wangmanshu")
    page = director.get("/").content.decode()
    nav = page.split('<ul class="navbar-nav', 1)[1].split("</ul>", 1)[0]
    assert 'href="/setup/centers/kaiyuan/"' in nav
    assert director.get("/setup/centers/kaiyuan/").status_code == 200
    clerk = login("chenshaoli").get("/").content.decode()
    assert "/setup/centers/" not in clerk

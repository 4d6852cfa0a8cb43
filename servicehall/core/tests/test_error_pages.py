"""The product's own refusal and error pages, menus that offer only what a role may open, and
no requirement code in anything a user reads."""

import ast
import re
from pathlib import Path

from django.test import RequestFactory

from servicehall.core import clock

ROOT = Path(__file__).resolve().parents[3]
# The requirement families of the specification (requirements.md): CAS-5, QUE-1, ...
FAMILIES = "ANA ARC ASM CAS CAT CMP DUT EVA HRS INQ LAD ORG PAR QUE REF SEC SUP TRN".split()
REQUIREMENT_ID = re.compile(rf"\b(?:{'|'.join(FAMILIES)})-\d+\b")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_clerk_refused_the_supervision_board_gets_the_products_page_in_chinese(login, demo):
    response = login("chenshaoli").get("/supervision/kaiyuan/")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-page"' in page and "您没有权限打开这个页面" in page
    assert "只有「开元街道便民服务中心」的领导和监督人员可以查看电子监察" in page
    assert 'href="/"' in page and "返回工作台" in page  # the way back
    assert "403 Forbidden" not in page


def test_the_refusal_page_follows_the_users_language(login, demo):
    client = login("chenshaoli")
    client.cookies["django_language"] = "en"
    page = client.get("/supervision/kaiyuan/").content.decode()
    assert "You may not open this page" in page and "Back to the workbench" in page


def test_the_refusal_page_offers_the_page_the_user_came_from(login, demo):
    page = login("chenshaoli").get("/audit/", HTTP_REFERER="http://testserver/cases/mine/").content.decode()
    assert 'href="http://testserver/cases/mine/"' in page and "返回上一页" in page
    elsewhere = login("chenshaoli").get("/audit/", HTTP_REFERER="http://evil.example/").content.decode()
    assert "evil.example" not in elsewhere


def test_an_impossible_day_on_the_visit_register_is_a_400_that_says_so(login, demo):
    response = login("chenshaoli").get("/visits/?day=2026-02-30")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-page"' in page
    assert "日期「2026-02-30」不存在或格式不对" in page and "YYYY-MM-DD" in page
    bad_month = login("chenshaoli").get("/visits/summary/?month=2026-13")
    assert bad_month.status_code == 400 and "月份「2026-13」不对" in bad_month.content.decode()


def test_an_impossible_day_on_the_calendar_page_is_a_400(login, demo):
    response = login("wangmanshu").get("/workdays/kaiyuan/2026/?day=2026-02-30")
    assert response.status_code == 400 and "2026-02-30" in response.content.decode()


def test_an_unknown_address_is_the_products_404_without_the_url_list(login, demo):
    response = login("wangmanshu").get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到您要的页面" in page and 'data-testid="error-page"' in page
    assert "URLconf" not in page and "api/v1/" not in page and "tried" not in page


def test_an_anonymous_404_offers_the_sign_in_page(client, db):
    page = client.get("/no/such/page/").content.decode()
    assert "工作人员登录" in page and 'href="/login/"' in page


def test_a_server_error_is_the_products_page_without_touching_the_database():
    request = RequestFactory().get("/")
    from servicehall.core.errorpages import server_error

    response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and "系统暂时出错" in page and "Traceback" not in page


def test_the_demo_serves_with_debug_off_so_visitors_see_the_products_pages():
    recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    gunicorn = next(line for line in recipe.splitlines() if "gunicorn" in line)
    assert "DJANGO_DEBUG=0" in gunicorn


def test_menus_offer_a_clerk_only_what_a_clerk_may_open(login, demo):
    clerk = login("chenshaoli")
    for page_url in ["/", "/cases/mine/", "/visits/", "/catalog/kaiyuan/", "/tickets/"]:
        response = clerk.get(page_url)
        page = response.content.decode()
        nav = page.split('<ul class="navbar-nav', 1)[1].split("</ul>", 1)[0]
        assert "/supervision/" not in nav and "/tickets/statistics" not in nav and "/audit/" not in nav, (
            page_url
        )
        assert "/cases/new/" in nav, page_url
    director = login("wangmanshu")
    for page_url in ["/", "/supervision/kaiyuan/", "/catalog/kaiyuan/", "/workdays/kaiyuan/2026/"]:
        page = director.get(page_url).content.decode()
        nav = page.split('<ul class="navbar-nav', 1)[1].split("</ul>", 1)[0]
        assert "/supervision/kaiyuan/" in nav and "/cases/new/" not in nav, page_url


def test_every_menu_link_opens_for_the_role_it_is_shown_to(login, demo):
    from servicehall.org.menu import top_menu

    with clock.freeze("2026-11-23T09:30"):
        for username in ["chenshaoli", "wangmanshu", "caiwenkeng", "admin", "auditor"]:
            client = login(username)
            from django.contrib.auth import get_user_model

            for link in top_menu(get_user_model().objects.get(username=username)):
                status = client.get(link["url"]).status_code
                assert status in (200, 302), (username, link["url"], status)


def _user_facing_strings(path: Path):
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if CJK.search(node.value):
                yield node.lineno, node.value


def test_no_requirement_code_reaches_a_user():
    """Templates, the English catalogue and every Chinese message in the code (errors included)
    are free of requirement codes; comments, docstrings and tests keep them."""
    found = []
    for path in list((ROOT / "servicehall").rglob("*.html")) + list((ROOT / "templates").rglob("*.html")):
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", path.read_text(), flags=re.S)
        found += [f"{path.relative_to(ROOT)}: {m}" for m in REQUIREMENT_ID.findall(text)]
    for path in (ROOT / "locale").rglob("*.po"):
        msgs = [line for line in path.read_text().splitlines() if line.startswith(("msgid", "msgstr"))]
        found += [f"{path.relative_to(ROOT)}: {line}" for line in msgs if REQUIREMENT_ID.search(line)]
    for path in (ROOT / "servicehall").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for lineno, text in _user_facing_strings(path):
            if REQUIREMENT_ID.search(text):
                found.append(f"{path.relative_to(ROOT)}:{lineno}: {text}")
    assert not found, "\n".join(found)


def test_a_form_refused_by_the_csrf_check_gets_the_products_page(demo, user_named):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user_named("chenshaoli"))
    response = client.post("/logout/")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="error-page"' in page and "页面已过期或来源无法确认" in page
    assert "CSRF" not in page

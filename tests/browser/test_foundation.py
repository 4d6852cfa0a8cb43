"""The login and director flows in a real browser."""

import pytest

from servicehall.core import clock


@pytest.fixture
def demo_live(transactional_db):
    from servicehall.org import demo

    demo.load()


def test_sec_1_login_page_then_director_home(page, shot, demo_live, signed_in):
    page.goto(page.base + "/login/")
    assert page.locator("h1").inner_text() == "便民服务中心综合管理平台"
    shot(page, "login")
    with clock.freeze("2026-11-23T09:30"):
        signed_in("wangmanshu")
        assert page.url == page.base + "/"
        table = page.get_by_test_id("windows")
        rows = table.locator("tbody tr")
        assert rows.count() == 7
        assert "陈少丽" in rows.nth(0).inner_text() and "许轻轻" in rows.nth(0).inner_text()
        assert page.get_by_test_id("current-user").inner_text() == "王曼姝"
        shot(page, "director-home")


def test_sec_1_wrong_password_shows_a_clear_message(page, shot, demo_live, signed_in):
    signed_in("wangmanshu", "wrong-Pass1")
    alert = page.locator(".alert-danger")
    assert "用户名或密码错误" in alert.inner_text()
    assert alert.get_attribute("data-code") == "invalid_credentials"
    shot(page, "login-error")

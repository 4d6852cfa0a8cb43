"""The staff workbench: each role's home, and who is refused."""

from servicehall.core import clock


def test_org_8_director_home_shows_windows_and_todays_post_holders(login, demo):
    with clock.freeze("2026-11-23T09:30"):
        page = login("wangmanshu").get("/").content.decode()
    assert "今日窗口与在岗人员" in page
    for name in ["陈少丽", "许轻轻", "吴国豪", "吴明云", "司法所"]:
        assert name in page


def test_window_staff_home_shows_only_their_window(login, demo):
    page = login("xieshanhong").get("/").content.decode()
    assert "谢珊红" in page and "林温明" in page and "陈少丽" not in page


def test_home_needs_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_home_of_someone_without_roles_says_so(client, db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("nobody", password="Demo@2026")
    client.force_login(user)
    assert "尚未被分配任何中心的角色" in client.get("/").content.decode()


def test_admin_is_chinese_and_for_the_administrator_only(login, demo):
    page = login("admin").get("/admin/").content.decode()
    assert "系统配置" in page and "中心" in page
    assert login("wangmanshu").get("/admin/").status_code == 302


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_workbench_links_each_role_to_its_work(login, demo):
    director = login("wangmanshu").get("/").content.decode()
    assert (
        "/supervision/kaiyuan/" in director
        and "/catalog/kaiyuan/" in director
        and "/cases/new/" not in director
    )
    clerk = login("chenshaoli").get("/").content.decode()
    assert "/cases/new/" in clerk and "/tickets/" in clerk and "/supervision/kaiyuan/" not in clerk


def test_org_every_field_an_administrator_sees_has_a_chinese_label():
    """The configuration pages label each field by its verbose name: none may fall back to the
    English field name ("Center", "User") in the Chinese interface."""
    import re

    from django.apps import apps
    from django.utils import translation

    from servicehall.core.models import Voidable

    shared = {f.name for f in Voidable._meta.get_fields()}  # labelled where Voidable is defined
    with translation.override("zh-hans"):
        unlabelled = [
            f"{model.__name__}.{field.name}"
            for model in apps.get_app_config("org").get_models()
            for field in model._meta.get_fields()
            if field.concrete
            and not field.auto_created
            and field.name not in shared
            and not re.search(r"[\u4e00-\u9fff]", str(field.verbose_name))
        ]
    assert not unlabelled, unlabelled

"""Public pages without login (CAT-4, ORG-4): center home, guides, printable guide, staff board, hall screen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicehall.catalog import selectors
from servicehall.core import clock
from servicehall.org.models import Staff


def get(client, url, moment="2026-11-23T09:30"):
    with clock.freeze(moment):
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_cat_4_center_home_shows_todays_hours_windows_and_complaint_channels(client, catalog):
    page = get(client, "/c/kaiyuan/")  # a winter Monday
    assert "08:00–12:00" in page and "14:30–17:30" in page and "正在办公" in page
    assert "今日下班时间 17:30" in page
    assert "0595-22100012" in page and "意见箱（每日17:00开箱）" in page
    windows = page.split('data-testid="windows"')[1]
    for name in ["党政办", "财经办", "卫计办", "劳保所", "残联", "司法所", "城管办"]:
        assert name in windows
    assert "残疾人证新办" in windows and "法律援助申请" in windows


def test_center_home_in_summer_after_hours_and_on_a_sunday(client, catalog):
    summer = get(client, "/c/kaiyuan/", "2026-07-06T12:30")
    assert "15:00–18:00" in summer and "非办公时间" in summer
    sunday = get(client, "/c/kaiyuan/", "2026-11-22T10:00")
    assert "今日休息" in sunday and "正在办公" not in sunday


@pytest.mark.parametrize(
    ("q", "found", "not_found"),
    [
        ("cjrz", ["残疾人证新办", "残疾人证迁移"], ["法律援助申请"]),
        ("CJRZXB", ["残疾人证新办"], ["残疾人证迁移"]),
        ("司法所", ["法律援助申请", "人民调解申请", "法律咨询"], ["生育登记"]),
        ("残疾人 补贴", ["困难残疾人生活补贴和重度残疾人护理补贴申请"], ["残疾人证新办"]),
        ("KY-WJ-001", ["生育登记"], ["残疾人证新办"]),
    ],
)
def test_cat_4_guides_are_found_by_name_department_code_and_pinyin_initials(
    client, catalog, q, found, not_found
):
    page = get(client, f"/c/kaiyuan/guides/?q={q}")
    results = page.split('data-testid="guides"')[1]
    for name in found:
        assert name in results
    for name in not_found:
        assert name not in results


def test_a_search_without_results_says_so(client, catalog):
    page = get(client, "/c/kaiyuan/guides/?q=qqqqq")
    assert "共找到 0 个事项" in page and "没有找到符合条件的事项" in page


def test_cat_1_the_printable_guide_shows_everything_of_the_item(client, catalog):
    page = get(client, "/c/kaiyuan/guides/KY-DZ-001/")
    version = selectors.guide(catalog, "KY-DZ-001")
    for m in version.materials.all():
        assert m.name in page
    for text in [
        "最低生活保障申请",
        "街道党政办",
        "1号窗口 党政办",
        "30 个工作日",
        "15 个工作日",
        "社会救助暂行办法",
        "家庭成员中有残疾人的",
        "入户调查",
        "以家庭为单位申请",
        "不收费",
        "0595-22100012",
        "public.css",
        "data-print",  # the print button, handled by static/js/servicehall.js
    ]:
        assert text in page, text
    assert page.count('class="material"') == version.materials.count()


def test_cat_8_legal_aid_guide_says_it_is_free_and_a_fee_shows_its_basis(client, catalog):
    legal_aid = get(client, "/c/kaiyuan/guides/KY-SF-001/")
    assert "公共法律服务一律免费" in legal_aid and "6号窗口 司法所" in legal_aid
    digging = get(client, "/c/kaiyuan/guides/KY-CG-002/")
    assert "180.00 元" in digging and "城市道路挖掘修复费" in digging and "物价局" in digging


def test_cat_6_a_parallel_approval_guide_names_its_participants(client, catalog):
    page = get(client, "/c/kaiyuan/guides/KY-CL-003/")
    assert "牵头科室：街道残联" in page and "街道党政办" in page.split('data-testid="participants"')[1]


def test_a_sample_form_is_downloaded_from_the_guide(client, catalog):
    page = get(client, "/c/kaiyuan/guides/KY-CL-001/")
    assert "/c/kaiyuan/guides/KY-CL-001/samples/M01" in page
    response = client.get("/c/kaiyuan/guides/KY-CL-001/samples/M01")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get("/c/kaiyuan/guides/KY-CL-001/samples/M02").status_code == 404


def test_org_4_staff_board_shows_every_person_with_a_placeholder_for_missing_photos(client, catalog):
    page = get(client, "/c/kaiyuan/staff/")
    for name in ["王曼姝", "陈少丽", "许轻轻", "谢珊红", "林温明", "吴国豪", "吴明云"]:
        assert name in page
    assert "街道卫计办主任" in page and "A岗辅岗" in page and "事情没办完，窗口不下班" in page
    assert "0595-22100001" in page and "0595-22100012" in page
    assert page.count('class="staff-avatar') == 15 and "<img" not in page
    assert "6号窗口 司法所 · A岗" in page


def test_org_4_staff_board_shows_a_department_without_a_dangling_separator_when_no_title(client, catalog):
    person = Staff.objects.get(name="谢珊红")
    person.title = ""
    person.save()
    page = get(client, "/c/kaiyuan/staff/")
    card = page.split(">谢珊红</h2>", 1)[1].split("</div>", 1)[0]
    assert "街道司法所" in card and "·" not in card


def test_org_4_an_uploaded_photo_is_shown_and_served(client, catalog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = Staff.objects.get(name="谢珊红")
    person.photo = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    person.save()
    page = get(client, "/c/kaiyuan/staff/")
    assert f'src="/c/kaiyuan/staff/{person.pk}/photo"' in page and page.count('class="staff-avatar') == 14
    response = client.get(f"/c/kaiyuan/staff/{person.pk}/photo")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_cat_4_hall_screen_rotates_through_the_guides(client, catalog):
    page = get(client, "/c/kaiyuan/screen/")
    assert page.count('data-testid="slide"') == 20
    assert 'data-seconds="12"' in page and 'data-next="/c/kaiyuan/screen/?page=2&amp;seconds=12"' in page
    assert "public/screen.js" in page and "残疾人证新办" not in page.split("</header>")[0]
    last = get(client, "/c/kaiyuan/screen/?page=2")
    assert (
        last.count('data-testid="slide"') == 5
        and 'data-next="/c/kaiyuan/screen/?page=1&amp;seconds=12"' in last
    )
    assert "城市道路临时占用审批" in last and "7号窗口 城管办" in last


@pytest.mark.parametrize(
    "url",
    [
        "/c/atlantis/",
        "/c/atlantis/guides/",
        "/c/kaiyuan/guides/NOPE/",
        "/c/kaiyuan/guides/NOPE/samples/M01",
        "/c/kaiyuan/staff/99999/photo",
        "/c/%00/",
        "/c/" + "x" * 300 + "/",
    ],
)
def test_unknown_things_are_404(client, catalog, url):
    assert client.get(url).status_code == 404


def test_public_pages_take_only_get(client, catalog):
    assert client.post("/c/kaiyuan/guides/").status_code == 405


def test_public_pages_work_for_a_signed_in_person_too(login, catalog):
    assert "残疾人证新办" in login("chenjianwei").get("/c/kaiyuan/guides/?q=cjrz").content.decode()

"""What the director and the revisit officer read on the ratings pages: figures that agree with one
another and labels a reader understands."""

from servicehall.ratings import services


def _rate(finish, *levels):
    for level in levels:
        ticket = finish(1)
        services.rate(token=services.matter_token("ticket", ticket.pk), level=level, channel="device")


def test_eva_1_the_satisfaction_tables_give_the_rate_as_a_percentage_like_the_headline(
    queue, monday, finish, login
):
    _rate(finish, 1, 4, 4)
    page = login("wangmanshu").get("/ratings/kaiyuan/satisfaction/?period=2026-11").content.decode()
    assert "满意率 33.3%" in page
    assert "0.333" not in page
    assert "<td>33.3%</td>" in page


def test_eva_1_the_satisfaction_table_names_windows_as_the_hall_does_and_says_where_hotline_ratings_go(
    queue, monday, finish, login
):
    from servicehall.org.models import Staff

    _rate(finish, 1)
    order = services.hotline_create(
        actor=None,
        center=queue,
        hotline="12345",
        reference="GD-0001",
        content="咨询",
        handler=Staff.objects.filter(center=queue).first(),
    )
    services.hotline_complete(actor=None, order=order, result="已答复", level=2)
    page = login("wangmanshu").get("/ratings/kaiyuan/satisfaction/?period=2026-11").content.decode()
    assert "1号窗口 党政办" in page
    assert "（未指明）" not in page
    assert "（非窗口办理：热线工单等）" in page


def test_eva_2_an_immediate_case_completed_at_intake_sends_the_rating_link_by_sms(
    queue, monday, user_named
):
    from servicehall.cases import services as case_services
    from servicehall.cases.models import OutboxMessage

    case = case_services.case_intake(
        actor=user_named("chenjianwei"),
        center=queue,
        item="KY-CL-002",  # an immediate item: completed on the spot
        applicant=case_services.Applicant(name="张三丰", id_number="11010519491231002X", phone="13812345678"),
        materials=["M01", "M02"],
    )
    assert case.status == "completed"
    texts = [m.text for m in OutboxMessage.objects.filter(reference=case.number)]
    assert any("/r/" in t for t in texts), texts


def test_eva_1_the_clerks_console_links_to_the_rating_device_of_its_window(queue, monday, window, login):
    w = window(1)
    page = login("chenshaoli").get(f"/tickets/windows/{w.pk}/").content.decode()
    assert f'href="/ratings/windows/{w.pk}/device/"' in page


def test_eva_5_a_refused_revisit_keeps_what_was_typed_in_its_own_open_card(queue, monday, finish, login):
    """A justified bad rating with no rectification is refused: the card of that revisit opens
    again with the way, the progress and the verification as typed and the message inside it;
    nothing is saved. With the rectification and its date it is recorded and said so."""
    from servicehall.ratings.models import Revisit

    _rate(finish, 4)
    revisit = Revisit.objects.get()
    client = login("wangmanshu")
    typed = {"revisit": revisit.pk, "way": "phone", "progress": "已电话联系申请人", "justified": "yes"}
    refused = client.post("/ratings/kaiyuan/revisits/", typed)
    html = refused.content.decode()
    assert refused.status_code == 400
    card = html[html.index(f'id="revisit-{revisit.pk}"') :]
    assert "<details class=\"mt-2\" open>" in card and 'data-code="rectification_required"' in card
    assert 'value="已电话联系申请人"' in card and '<option value="yes" selected>' in card
    assert '<option value="phone" selected>' in card
    assert Revisit.objects.get().done_at is None
    bad_date = client.post("/ratings/kaiyuan/revisits/", {**typed, "rectification": "约谈", "rectified_on": "2026-13-01"})
    assert bad_date.status_code == 400 and "整改日期应为" in bad_date.content.decode()
    done = client.post(
        "/ratings/kaiyuan/revisits/", {**typed, "rectification": "已约谈当事人", "rectified_on": "2026-11-20"},
        follow=True,
    )
    assert "已记录对" in done.content.decode()
    revisit.refresh_from_db()
    assert revisit.done_at is not None and str(revisit.rectified_on) == "2026-11-20"
    assert "还没有已回访的事项" not in done.content.decode()


def test_eva_3_a_hotline_caller_without_a_phone_is_not_told_to_wait_for_a_visit(queue, monday, login):
    from servicehall.org.models import Staff

    order = services.hotline_create(
        actor=None,
        center=queue,
        hotline="12345",
        reference="GD-0002",
        content="投诉",
        handler=Staff.objects.filter(center=queue).first(),
    )
    services.hotline_complete(actor=None, order=order, result="已答复", level=5)
    page = login("wangmanshu").get("/ratings/kaiyuan/revisits/").content.decode()
    assert "来电人未留联系方式" in page and "群众再次来办时" not in page


def test_asm_3_a_rate_reads_with_one_decimal_so_no_band_edge_is_rounded_up():
    """89.6 % earns ASM-3's 80–90 % band: a page must not show it as 90 %. The revisit summary's
    page and its workbook read the same."""
    from servicehall.ratings import rules

    assert rules.percent(0.896) == "89.6%"
    assert rules.percent(1 / 3) == "33.3%"
    assert rules.percent(None) == "—"

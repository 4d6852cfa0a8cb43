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
    assert "满意率 33%" in page
    assert "0.333" not in page
    assert "<td>33%</td>" in page

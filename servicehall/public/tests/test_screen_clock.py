"""The hall screen's clock is the center's time, sent by the server; every page names its icon."""

import datetime as dt

from servicehall.core import clock


def test_the_screen_sends_the_centers_moment_and_offset(client, demo):
    with clock.freeze("2026-11-23T09:33"):
        page = client.get("/c/kaiyuan/screen/").content.decode()
    moment = dt.datetime(2026, 11, 23, 1, 33, tzinfo=dt.UTC)
    assert f'data-epoch="{int(moment.timestamp() * 1000)}"' in page
    assert 'data-offset="480"' in page  # Asia/Shanghai, UTC+8
    assert ">09:33<" in page


def test_the_screens_script_reads_the_center_time_not_the_browsers_zone():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[1] / "static" / "public" / "screen.js").read_text()
    assert "getUTCHours" in script and "getHours()" not in script


def test_every_page_names_its_icon_and_the_old_address_finds_it(client, db):
    page = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url == "/static/favicon.svg"

import datetime as dt
import os
import subprocess
import sys

from servicehall.core import clock


def test_clock_travel_runs_on_from_the_chosen_moment():
    with clock.travel("2026-11-23T09:30"):
        first = clock.local()
        assert first.strftime("%Y-%m-%d %H:%M") == "2026-11-23 09:30"
        assert clock.local() >= first
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)


def test_clock_freeze_stands_still():
    with clock.freeze("2026-11-23T17:29"):
        assert clock.local().strftime("%H:%M:%S") == "17:29:00" == clock.local().strftime("%H:%M:%S")
        assert clock.today() == dt.date(2026, 11, 23)


def _settings_with(env):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from servicehall.core import clock; "
            "print(clock.local().strftime('%Y-%m-%d %H:%M'))",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_clock_from_environment_starts_the_demo_at_a_chosen_moment():
    result = _settings_with({"SERVICEHALL_CLOCK": "2026-11-23T09:30"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-11-23 09:30"


def test_production_refuses_to_start_with_the_clock_set():
    result = _settings_with(
        {"SERVICEHALL_CLOCK": "2026-11-23T09:30", "SERVICEHALL_ENV": "production", "SECRET_KEY": "x" * 50, "AUDIT_KEY": "k" * 40}
    )
    assert result.returncode != 0 and "SERVICEHALL_CLOCK" in result.stderr

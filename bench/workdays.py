"""Working-day additions: the prefix-sum calendar against a day-by-day loop.

100,000 random (start, n <= 60) additions, answered by ``WorkCalendar.add`` and by
stepping one day at a time over ``chinese_calendar.is_workday``, in the same process.
Targets: identical answers and at least 100x faster.

Extra figures, not targets: the path production takes, ``selectors.calendar_for(center)``
built from the calendar table in a throw-away database — the cold build after a change,
a warm call (one query for the version stamp), and the same additions through
``selectors.add_workdays`` inside one request.

Run: ``.venv/bin/python -m bench workdays`` (writes bench/results/workdays.json).
"""

import datetime as dt
import json
import random
import time
from pathlib import Path

import chinese_calendar

from servicehall.workdays.rules import FIRST_DATE, national_calendar, published_years

SAMPLES = 100_000
MAX_N = 60
SEED = 20260930
ONE_DAY = dt.timedelta(days=1)


def loop_add(is_workday, start: dt.date, n: int) -> dt.date:
    """The plain way: step one day at a time and count the working days."""
    d = start
    while n:
        d += ONE_DAY
        if is_workday(d):
            n -= 1
    return d


def _last_start(cal) -> dt.date:
    # chinese_calendar raises past its last year, so every sample must end inside it:
    # the latest start whose MAX_N-th working day is still published (2026-10-09 with
    # 1.11.0; from the end of October, 60 working days reach January 2027).
    last_published = dt.date(published_years()[-1], 12, 31)
    d = last_published
    while cal.add(d, MAX_N)[0] > last_published:
        d -= ONE_DAY
    return d


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def db_metrics(samples, expected) -> dict:
    """``calendar_for(center)`` as production takes it, in a throw-away test database."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicehall.org import demo
    from servicehall.org.models import Center
    from servicehall.workdays import cache, selectors, services

    test = connection.settings_dict.setdefault("TEST", {})
    name = connection.settings_dict["NAME"]
    test["NAME"] = (
        str(settings.VAR_DIR / "bench-workdays.sqlite3")
        if connection.vendor == "sqlite"
        else f"{name}_bench_workdays"
    )
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        demo.load()
        county, kaiyuan = Center.objects.get(code="county"), Center.objects.get(code="kaiyuan")
        services.closure_add(
            actor=None, center=kaiyuan, start=dt.date(2026, 10, 9), end=dt.date(2026, 10, 9), reason="停电"
        )

        def cold():
            cache._snapshot = None  # as after a change: the next question rebuilds
            selectors.calendar_for(kaiyuan)

        cold_s = _median_time(cold, 5)
        with CaptureQueriesContext(connection) as queries:
            selectors.calendar_for(kaiyuan)
        warm_s = _median_time(lambda: [selectors.calendar_for(kaiyuan) for _ in range(1000)], 3) / 1000

        add = selectors.add_workdays
        cache.request_started()
        try:
            t0 = time.perf_counter()
            through_db = [add(county, start, n)[0] for start, n in samples]
            request_s = time.perf_counter() - t0
        finally:
            cache.request_finished()
        return {
            "db_vendor": connection.vendor,
            "db_cold_build_s": round(cold_s, 3),
            "db_warm_call_us": round(warm_s * 1e6, 1),
            "db_queries_per_warm_call": len(queries),
            "db_selectors_add_in_one_request_s": round(request_s, 3),
            "db_mismatches": sum(a != b for a, b in zip(through_db, expected, strict=True)),
        }
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def run() -> dict:
    t0 = time.perf_counter()
    national_calendar.cache_clear()
    cal = national_calendar()
    build_s = time.perf_counter() - t0

    last_start = _last_start(cal)
    rng = random.Random(SEED)
    span = (last_start - FIRST_DATE).days
    samples = [
        (FIRST_DATE + dt.timedelta(days=rng.randint(0, span)), rng.randint(1, MAX_N)) for _ in range(SAMPLES)
    ]

    add = cal.add
    t0 = time.perf_counter()
    ours = [add(start, n)[0] for start, n in samples]
    ours_s = time.perf_counter() - t0

    is_workday = chinese_calendar.is_workday
    t0 = time.perf_counter()
    baseline = [loop_add(is_workday, start, n) for start, n in samples]
    baseline_s = time.perf_counter() - t0

    # The same loop over our own O(1) day look-up: how much comes from not looping at all.
    t0 = time.perf_counter()
    own_loop = [loop_add(cal.is_workday, start, n) for start, n in samples]
    own_loop_s = time.perf_counter() - t0

    mismatches = sum(a != b for a, b in zip(ours, baseline, strict=True))
    mismatches += sum(a != b for a, b in zip(ours, own_loop, strict=True))
    db = db_metrics(samples, ours)
    mismatches += db["db_mismatches"]
    speedup = baseline_s / ours_s
    metrics = {
        "ours_s": round(ours_s, 4),
        "baseline_s": round(baseline_s, 3),
        "speedup": round(speedup, 1),
        "mismatches": mismatches,
        "build_s": round(build_s, 3),
        "ops_per_s": round(SAMPLES / ours_s),
        "own_loop_s": round(own_loop_s, 3),
        "speedup_vs_own_loop": round(own_loop_s / ours_s, 1),
        "samples": SAMPLES,
        "start_range": f"{FIRST_DATE}..{last_start}",
        **db,
    }
    print(f"workdays: {SAMPLES:,} additions, start {FIRST_DATE}..{last_start}, n 1..{MAX_N}")
    print(f"  {'calendar build (2004-2099)':34} {build_s:9.3f} s")
    print(f"  {'ours (prefix sums)':34} {ours_s:9.3f} s  {metrics['ops_per_s']:>12,} ops/s")
    print(f"  {'day-by-day chinese_calendar':34} {baseline_s:9.3f} s  {speedup:10.1f}x")
    print(f"  {'day-by-day over our day look-up':34} {own_loop_s:9.3f} s  {own_loop_s / ours_s:10.1f}x")
    print(f"  {'calendar_for from the table, cold':34} {db['db_cold_build_s']:9.3f} s  ({db['db_vendor']})")
    print(
        f"  {'calendar_for, warm':34} {db['db_warm_call_us']:9.1f} us  "
        f"{db['db_queries_per_warm_call']} query (the version stamp)"
    )
    print(f"  {'selectors.add_workdays, one request':34} {db['db_selectors_add_in_one_request_s']:9.3f} s")
    print(f"  mismatches: {mismatches}")
    return {
        "metrics": metrics,
        "targets": {"speedup": ">= 100", "mismatches": "== 0"},
        "pass": speedup >= 100 and mismatches == 0,
    }


if __name__ == "__main__":
    result = run()
    out = Path(__file__).resolve().parent / "results" / "workdays.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"  pass: {result['pass']}  ->  {out}")

"""Complaints at scale (CMP-4, CMP-8): the officer's board and the center's complaint list at
1,000,000 complaints take at most 1.5x their time at 10,000, on SQLite and on PostgreSQL.

Each (database, size) runs in its own process on a throw-away database (a temporary SQLite file;
a PostgreSQL database created and dropped here): migrate, the demo organisation, then the
complaints in one bulk SQL statement (a recursive series on SQLite, ``generate_series`` on
PostgreSQL), ANALYZE, and each read timed (median of repeated runs after a warm-up), the clock
frozen at "today".

The shape: every complaint in ONE center (the hardest case for its lists), one every five
minutes back from today (10,000: five weeks; 1,000,000: nine and a half years). As in real
life most are concluded: the 60 newest are open (one in seven escalated) and five older ones are
stuck open and overdue, the same at both sizes — open complaints depend on the rate of arrival,
not on the length of the history. What is checked is that the history costs the readers
nothing: the board reads only the partial index of complaints not concluded, and the book reads
a bounded page down an index in received order.

Run: ``.venv/bin/python -m bench complaints`` (writes bench/results/complaints.json).
"""

import json
import statistics
import sys
import time
from pathlib import Path

from bench._scaling import compare_sizes

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 1_000_000)
TODAY = "2026-11-23T10:00"
TODAY_UTC = "2026-11-23 02:00:00"
RUNS = 30
TARGET = 1.5

# i = 0 is the newest. Open: the 60 newest and five stuck ones; escalated: every 7th open one.
OPEN = "(i < 60 OR i IN (3000, 4500, 6000, 7500, 9000))"
ESCALATED = f"({OPEN} AND i % 7 = 3)"
STATUS = f"CASE WHEN {ESCALATED} THEN 'escalated' WHEN {OPEN} THEN 'open' ELSE 'concluded' END"

SQLITE = f"""
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {{SIZE}}),
t(i, at) AS (SELECT i, datetime('{TODAY_UTC}', '-' || (i * 5 + 1) || ' minutes') FROM n)
INSERT INTO complaints_complaint (
  number, query_code, center_id, channel, category, status, complainant_name, complainant_phone, content,
  received_at, received_day, recorded_at, transfer_from, transfer_reference, reply_to, delay_explanation,
  escalated_to, escalated_at, escalation_note, concluded_at, substantiated, finding, action, answer, answered_via,
  transfer_reply, void_reason)
SELECT 'TS-BENCH-' || i, 'ABCDEF', {{CENTER}},
  CASE i % 5 WHEN 0 THEN 'on_site' WHEN 1 THEN 'phone' WHEN 2 THEN 'online' WHEN 3 THEN 'letter' ELSE 'box' END,
  CASE i % 3 WHEN 0 THEN 'attitude' WHEN 1 THEN 'delay' ELSE 'not_informed' END,
  {STATUS}, '投诉人', '13907910001', '窗口工作人员态度生硬，办事拖延。',
  at, date(at, '+8 hours'), at, '', '', '', '',
  CASE WHEN {ESCALATED} THEN 'leader' ELSE '' END, CASE WHEN {ESCALATED} THEN at END, '',
  CASE WHEN {OPEN} THEN NULL ELSE datetime(at, '+2 days') END,
  CASE WHEN {OPEN} THEN NULL ELSE i % 10 = 0 END,
  CASE WHEN {OPEN} THEN '' ELSE '经核实。' END, '', CASE WHEN {OPEN} THEN '' ELSE '已答复。' END,
  CASE WHEN {OPEN} THEN '' ELSE 'phone' END, '', ''
FROM t
"""  # noqa: S608 - constants only; the size and center are ints

POSTGRESQL = f"""
WITH t AS (
  SELECT i, TIMESTAMPTZ '{TODAY_UTC}+00' - (i * 5 + 1) * INTERVAL '1 minute' AS at
  FROM generate_series(0, {{SIZE}} - 1) AS i)
INSERT INTO complaints_complaint (
  number, query_code, center_id, channel, category, status, complainant_name, complainant_phone, content,
  received_at, received_day, recorded_at, transfer_from, transfer_reference, reply_to, delay_explanation,
  escalated_to, escalated_at, escalation_note, concluded_at, substantiated, finding, action, answer, answered_via,
  transfer_reply, void_reason)
SELECT 'TS-BENCH-' || i, 'ABCDEF', {{CENTER}},
  (ARRAY['on_site', 'phone', 'online', 'letter', 'box'])[i % 5 + 1],
  (ARRAY['attitude', 'delay', 'not_informed'])[i % 3 + 1],
  {STATUS}, '投诉人', '13907910001', '窗口工作人员态度生硬，办事拖延。',
  at, (at AT TIME ZONE 'Asia/Shanghai')::date, at, '', '', '', '',
  CASE WHEN {ESCALATED} THEN 'leader' ELSE '' END, CASE WHEN {ESCALATED} THEN at END, '',
  CASE WHEN {OPEN} THEN NULL ELSE at + INTERVAL '2 days' END,
  CASE WHEN {OPEN} THEN NULL ELSE i % 10 = 0 END,
  CASE WHEN {OPEN} THEN '' ELSE '经核实。' END, '', CASE WHEN {OPEN} THEN '' ELSE '已答复。' END,
  CASE WHEN {OPEN} THEN '' ELSE 'phone' END, '', ''
FROM t
"""  # noqa: S608 - constants only; the size and center are ints


def generate(size: int, center_id: int) -> None:
    from django.db import connection, transaction

    sql = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.replace("{SIZE}", str(int(size))).replace("{CENTER}", str(int(center_id))))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(size: int) -> dict:
    """In a worker process with DATABASE_URL set: migrate, generate, time the reads."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from servicehall.complaints import selectors
    from servicehall.complaints.models import Complaint
    from servicehall.core import clock
    from servicehall.org import demo as org_demo
    from servicehall.org.models import Center

    call_command("migrate", verbosity=0)
    org_demo.load()
    center = Center.objects.select_related("policy").get(code="kaiyuan")
    started = time.perf_counter()
    generate(size, center.pk)
    generate_s = time.perf_counter() - started
    with clock.freeze(TODAY):
        reads = {
            "officer_board": lambda: selectors.board(center),
            "book_all": lambda: selectors.book(center, ""),
            "book_concluded": lambda: selectors.book(center, "concluded"),
            "book_open": lambda: selectors.book(center, "open"),
            "book_overdue": lambda: selectors.book(center, "overdue"),
        }
        timings = {}
        for name, read in reads.items():
            for _ in range(3):
                read()
            samples = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                read()
                samples.append(time.perf_counter() - t0)
            timings[name] = round(statistics.median(samples) * 1000, 3)
        board = selectors.board(center)
        shape = {
            "complaints": Complaint.objects.count(),
            "concluded": Complaint.objects.filter(status="concluded").count(),
            "board": {
                "open": board.open,
                "due_soon": board.due_soon,
                "overdue": board.overdue,
                "escalated": board.escalated,
            },
            "book_page": len(selectors.book(center, "")[0]),
        }
    return {"ms": timings, "generate_s": round(generate_s, 1), "shape": shape, "vendor": connection.vendor}


def run() -> dict:
    metrics, ok = compare_sizes("complaints", SIZES, TARGET)
    return {
        "metrics": metrics,
        "targets": {"ratio_1m_over_10k": f"<= {TARGET} for every read"},
        "note": "measured on a shared 2-core machine under load from other work; ratios, not seconds, are compared",
        "pass": ok,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        print(json.dumps(run(), ensure_ascii=False, indent=2))

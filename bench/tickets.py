"""The ticket queue under load, against gunicorn (2 workers), on SQLite and on PostgreSQL.

For each database: a fresh database (a new SQLite file; a throw-away PostgreSQL database),
migrated, with the demo center's organisation and queue; gunicorn on a free loopback port,
the clock set to a Monday 09:00 so the hall is open. Then, through HTTP only:

1. baseline: ``/healthz`` (no database, no session) from 16 client threads, before the probes
   and again after the load run (the mean: the machine is shared, its load drifts);
2. an unchanged hall-display poll (``If-None-Match`` → 304) from 16 threads;
3. 16 kiosk threads taking tickets (lines A and B, with the kiosk's device token in
   ``X-Device-Token``, as a kiosk in production) for 60 s while 4 windows call next and mark
   each called ticket no-show (about three calls a second each); three ``kill -9`` of a worker during the run (gunicorn restarts
   it). A request in flight at a kill that fails on its connection is counted apart, never as
   acknowledged; every other failure, and every answer but 201 to a take, is an error.

Then the database is checked: every acknowledged (201) ticket is there with its number; numbers
per line are unique and gap-free; no ticket was called by two windows; the counters, the
windows' current tickets and the audit chain are consistent; SQLite's integrity_check is ok.

Targets: 0 duplicates, 0 gaps, 0 errors, 0 lost; tickets/s >= 0.25x and display 304/s >= 0.6x
the healthz baseline. Run: ``.venv/bin/python -m bench tickets``.
"""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
CLOCK = "2026-11-23T09:00"  # a Monday: open 08:00-12:00
CLIENTS = 16
WINDOWS = [1, 2, 3, 4]  # 1, 2 serve line A; 3, 4 line B
RUN_SECONDS = 60
PROBE_SECONDS = 8
KILLS_AT = (15, 30, 45)
WINDOW_PAUSE = 0.25  # a window calls about three times a second: far faster than any counter
PG_ADMIN = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
CONNECTION_ERRORS = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Client:
    """One HTTP request per connection (gunicorn's sync workers close after each)."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            data = json.dumps(body).encode() if body is not None else None
            hdrs = {"Content-Type": "application/json", **(headers or {})} if data else dict(headers or {})
            conn.request(method, path, body=data, headers=hdrs)
            response = conn.getresponse()
            payload = response.read()
            return response.status, dict(response.getheaders()), payload
        finally:
            conn.close()


def throughput(client: Client, path: str, headers: dict, expect: int, seconds: float) -> dict:
    """Requests per second from CLIENTS threads, and how many did not answer ``expect``."""
    stop = time.monotonic() + seconds
    counts, other = [0] * CLIENTS, [0] * CLIENTS

    def work(i):
        while time.monotonic() < stop:
            try:
                status, _h, _b = client.request("GET", path, headers=headers)
            except CONNECTION_ERRORS:
                other[i] += 1
                continue
            if status == expect:
                counts[i] += 1
            else:
                other[i] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {"per_s": round(sum(counts) / elapsed, 1), "requests": sum(counts), "other": sum(other)}


def manage(env: dict, code: str) -> dict:
    """Run Python in a Django shell against the benchmark's database; its last line is JSON."""
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


SETUP = """
import json
from servicehall.org import demo as org
from servicehall.tickets import booking, demo as tickets
org.load(); tickets.load()
from servicehall.org.models import Center, Window
center = Center.objects.get(code="kaiyuan")
_k, kiosk = booking.device_register(actor=None, center=center, kind="kiosk", name="bench kiosk")
_d, display = booking.device_register(actor=None, center=center, kind="display", name="bench display")
windows = {w.number: w.pk for w in Window.objects.filter(center__code="kaiyuan")}
print(json.dumps({"windows": windows, "kiosk_token": kiosk, "display_token": display}))
"""

CHECK = """
import json
from django.db import connection
from django.db.models import Count, Max
from servicehall.core import audit
from servicehall.tickets.models import LineDay, Ticket, WindowState
acked = json.loads(open(%(acked)r).read())
rows = {t["id"]: t["number"] for t in Ticket.objects.values("id", "number")}
lost = [a for a in acked if rows.get(a["id"]) != a["number"]]
dupes = Ticket.objects.values("origin_line", "day", "seq").annotate(n=Count("id")).filter(n__gt=1).count()
dupes += Ticket.objects.values("center", "day", "number").annotate(n=Count("id")).filter(n__gt=1).count()
gaps = 0
by_line = {}
for line, day, seq in Ticket.objects.values_list("origin_line", "day", "seq"):
    by_line.setdefault((line, day), []).append(seq)
for seqs in by_line.values():
    gaps += max(seqs) - len(set(seqs))
counters = {(c.line_id, c.day): c.last_number for c in LineDay.objects.all()}
counter_mismatch = sum(1 for k, seqs in by_line.items() if counters.get(k) != max(seqs))
at_counter = Ticket.objects.filter(status__in=["called", "serving"]).count()
windows_busy = WindowState.objects.filter(current__isnull=False).count()
integrity = "n/a"
if connection.vendor == "sqlite":
    with connection.cursor() as c:
        integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
chains_ok = all(r.ok for r in audit.verify_all())
print(json.dumps({
    "tickets_in_db": len(rows), "lost_acknowledged": len(lost), "duplicates": dupes, "gaps": gaps,
    "counter_mismatch": counter_mismatch, "at_counter": at_counter, "windows_busy": windows_busy,
    "integrity_check": integrity, "audit_chain_ok": chains_ok,
    "called": Ticket.objects.filter(called_at__isnull=False).count(),
}))
"""


AUDIT_SHARE = """
import json, statistics, time
from servicehall.core import audit, rows
from servicehall.tickets import selectors, services
line = selectors.get_line("kaiyuan", "B")
record, spent = audit.record, []
def timed_record(**kwargs):
    t = time.perf_counter()
    try:
        return record(**kwargs)
    finally:
        spent.append(time.perf_counter() - t)
def block(n=20):
    t = time.perf_counter()
    for _ in range(n):
        services.ticket_take(actor=None, line=line)
    return (time.perf_counter() - t) / n * 1000
with_audit, without = [], []
for _ in range(%(rounds)d):  # interleaved, medians: the machine is shared and noisy
    audit.record = timed_record
    with_audit.append(block())
    audit.record = lambda **kwargs: rows.insert(kwargs["obj"]) if kwargs.get("insert") else None
    without.append(block())
print(json.dumps({
    "take_ms_in_process": round(statistics.median(with_audit), 2),
    "take_ms_without_audit": round(statistics.median(without), 2),
    "audit_record_ms": round(statistics.median(spent) * 1000, 2),
}))
"""


class Server:
    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "--config",
                "config/gunicorn.py",
                "config.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "2",
                "--log-level",
                "error",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )
        client = Client(port)
        for _ in range(100):
            try:
                if client.request("GET", "/healthz")[0] == 200:
                    return
            except CONNECTION_ERRORS:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill_worker(self) -> int:
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def errors(self) -> list[str]:
        """The last line of each traceback the workers logged (what a 500 was)."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [
            b for a, b in zip(lines, lines[1:], strict=False) if a.startswith("  ") and not b.startswith(" ")
        ]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def load_run(client: Client, server: Server, windows: dict, tokens: dict, kiosk: dict) -> dict:
    """16 kiosk threads take tickets while 4 windows call; three workers are killed on the way."""
    started = time.monotonic()
    stop = started + RUN_SECONDS
    kills: list[float] = []
    takes: list[tuple] = []  # (start, end, status or exception name, body)
    calls: list[tuple] = []
    lock = threading.Lock()

    def taker(i):
        line = "AB"[i % 2]
        while time.monotonic() < stop:
            t0 = time.monotonic()
            try:
                status, _h, body = client.request(
                    "POST", "/api/v1/centers/kaiyuan/tickets", {"line": line}, kiosk
                )
                result = (t0, time.monotonic(), status, json.loads(body) if status == 201 else body[:200])
            except CONNECTION_ERRORS as exc:
                result = (t0, time.monotonic(), type(exc).__name__, None)
            with lock:
                takes.append(result)

    def window(number):
        wid, auth = windows[number], {"Authorization": f"Bearer {tokens[number]}"}
        while time.monotonic() < stop:
            t0 = time.monotonic()
            try:
                status, _h, body = client.request("POST", f"/api/v1/windows/{wid}/call-next", {}, auth)
                data = json.loads(body) if body else None
                with lock:
                    calls.append((t0, time.monotonic(), status, data))
                if status == 204:
                    time.sleep(0.05)
                    continue
                ticket = data["id"] if status == 200 else (data.get("fields") or {}).get("ticket")
                if ticket is not None:
                    client.request("POST", f"/api/v1/tickets/{ticket}/no-show", {}, auth)
                time.sleep(WINDOW_PAUSE)
            except CONNECTION_ERRORS as exc:
                with lock:
                    calls.append((t0, time.monotonic(), type(exc).__name__, None))

    threads = [threading.Thread(target=taker, args=(i,)) for i in range(CLIENTS)]
    threads += [threading.Thread(target=window, args=(n,)) for n in WINDOWS]
    for t in threads:
        t.start()
    for at in KILLS_AT:
        time.sleep(max(0, started + at - time.monotonic()))
        kills.append(time.monotonic())
        server.kill_worker()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    def at_kill(start, end):
        return any(start - 0.2 <= k <= end + 0.2 for k in kills)

    acked = [r for r in takes if r[2] == 201]
    lat = sorted((r[1] - r[0]) * 1000 for r in acked)
    resets = [r for r in takes if isinstance(r[2], str) and at_kill(r[0], r[1])]
    errors = [r for r in takes if r[2] != 201 and r not in resets]
    call_resets = [r for r in calls if isinstance(r[2], str) and at_kill(r[0], r[1])]
    call_errors = [r for r in calls if r[2] not in (200, 204, 409) and r not in call_resets]
    called = [r[3]["id"] for r in calls if r[2] == 200]
    numbers = [r[3]["number"] for r in acked]
    return {
        "elapsed": elapsed,
        "acked": [{"id": r[3]["id"], "number": r[3]["number"]} for r in acked],
        "metrics": {
            "tickets": len(acked),
            "tickets_per_s": round(len(acked) / elapsed, 1),
            "p50_ms": round(statistics.median(lat), 1) if lat else None,
            "p99_ms": round(lat[int(len(lat) * 0.99) - 1], 1) if lat else None,
            "max_ms": round(lat[-1], 1) if lat else None,
            "errors": len(errors),
            "error_samples": sorted({str(r[2]) for r in errors})[:5],
            "kill_resets": len(resets),
            "duplicate_numbers_acknowledged": len(numbers) - len(set(numbers)),
            "calls": len(called),
            "writes_per_s": round((len(acked) + 2 * len(called)) / elapsed, 1),  # takes, calls, no-shows
            "called_twice": len(called) - len(set(called)),
            "call_errors": len(call_errors),
            "call_kill_resets": len(call_resets),
            "workers_killed": len(kills),
        },
    }


def bench_database(name: str, database_url: str | None, workdir: Path) -> dict:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SERVICEHALL_VAR": str(workdir),
        "SERVICEHALL_CLOCK": CLOCK,
        "DJANGO_DEBUG": "0",
        "DEVICE_RATE_LIMIT": "100000000/60",  # the clients below are far beyond any real device
        "LOG_LEVEL": "ERROR",
        "DEVICE_LOOPBACK": "0",  # the kiosk shows its token, as in production
    }
    env.pop("SERVICEHALL_CLOCK_ANCHOR", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    t0 = time.monotonic()
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    setup = manage(env, SETUP)
    windows = {int(k): v for k, v in setup["windows"].items()}
    kiosk = {"X-Device-Token": setup["kiosk_token"]}
    screen = {"X-Device-Token": setup["display_token"]}
    env["SERVICEHALL_CLOCK_ANCHOR"] = repr(time.time())  # every process reads the same clock
    setup_s = time.monotonic() - t0
    server = Server(env, port, workdir / "gunicorn.log")
    try:
        client = Client(port)
        health = throughput(client, "/healthz", {}, 200, PROBE_SECONDS)
        admin = {"Authorization": f"Bearer {_token(client, 'admin')}"}
        detail = json.loads(client.request("GET", "/api/v1/centers/kaiyuan", headers=admin)[2])
        holders = {w["number"]: w["a"]["username"] for w in detail["windows"]}
        tokens = {}
        for number in WINDOWS:
            tokens[number] = _token(client, holders[number])
            status, _h, body = client.request(
                "POST",
                f"/api/v1/windows/{windows[number]}/open",
                {},
                {"Authorization": f"Bearer {tokens[number]}"},
            )
            assert status == 200, body
        status, headers, _b = client.request("GET", "/api/v1/centers/kaiyuan/display", headers=screen)
        assert status == 200, status
        display = throughput(
            client,
            "/api/v1/centers/kaiyuan/display",
            {**screen, "If-None-Match": headers["ETag"]},
            304,
            PROBE_SECONDS,
        )
        run = load_run(client, server, windows, tokens, kiosk)
        health_after = throughput(client, "/healthz", {}, 200, PROBE_SECONDS)
    finally:
        server.stop()
    run["metrics"]["server_errors"] = sorted(set(server.errors()))[:5]
    acked_file = workdir / "acked.json"
    acked_file.write_text(json.dumps(run["acked"]))
    check = manage(env, CHECK % {"acked": str(acked_file)})
    check.update(manage(env, AUDIT_SHARE % {"rounds": 5}))  # after the checks: these takes are not audited
    m = run["metrics"]
    baseline = round((health["per_s"] + health_after["per_s"]) / 2, 1)  # before and after the run
    result = {
        "healthz_per_s": baseline,
        "healthz_before_after": [health["per_s"], health_after["per_s"]],
        "display_304_per_s": display["per_s"],
        "display_not_304": display["other"],
        **m,
        **check,
        "audit_share_of_take": round(check["audit_record_ms"] / check["take_ms_in_process"], 2),
        "tickets_ratio": round(m["tickets_per_s"] / baseline, 3),
        "display_ratio": round(display["per_s"] / baseline, 3),
        "setup_s": round(setup_s, 1),
    }
    result["pass"] = (
        result["duplicates"] == 0
        and result["gaps"] == 0
        and result["errors"] == 0
        and result["call_errors"] == 0
        and result["called_twice"] == 0
        and result["lost_acknowledged"] == 0
        and result["duplicate_numbers_acknowledged"] == 0
        and result["counter_mismatch"] == 0
        and result["at_counter"] == result["windows_busy"]
        and result["integrity_check"] in ("ok", "n/a")
        and result["audit_chain_ok"]
        and result["tickets_ratio"] >= 0.25
        and result["display_ratio"] >= 0.6
    )
    print(f"  {name}: " + json.dumps(result, ensure_ascii=False))
    return result


def _token(client: Client, username: str) -> str:
    password = os.environ.get("DEMO_PASSWORD", "Demo@2026")
    status, _h, body = client.request(
        "POST", "/api/v1/auth/token", {"username": username, "password": password}
    )
    assert status == 200, body
    return json.loads(body)["token"]


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def run() -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-tickets-") as tmp:
        sqlite_dir = Path(tmp) / "sqlite"
        sqlite_dir.mkdir()
        results["sqlite"] = bench_database("sqlite", None, sqlite_dir)
        pg_dir = Path(tmp) / "postgresql"
        pg_dir.mkdir()
        db = f"bench_tickets_{os.getpid()}"
        _psql(f"CREATE DATABASE {db}")
        try:
            results["postgresql"] = bench_database("postgresql", f"{PG_ADMIN}/{db}", pg_dir)
        finally:
            _psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    return {
        "metrics": results,
        "targets": {
            "duplicates": "== 0",
            "gaps": "== 0",
            "errors": "== 0 (connection resets of requests in flight at a kill -9 are counted apart)",
            "lost_acknowledged": "== 0",
            "called_twice": "== 0",
            "tickets_ratio": ">= 0.25 x healthz",
            "display_ratio": ">= 0.6 x healthz (If-None-Match -> 304)",
        },
        "pass": all(r["pass"] for r in results.values()),
    }


if __name__ == "__main__":
    out = run()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    sys.exit(0 if out["pass"] else 1)

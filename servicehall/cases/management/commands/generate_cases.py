"""Generate a city's worth of case history fast (bulk inserts), for the supervision benchmark.

Only for a throw-away database: it refuses to run where any center other than its own exists.

The shape is that of real service halls. Counties of ten centers each (the county hall and nine
town halls); every center takes ``--per-day`` applications each working day, going back as many
working days as ``--count`` needs. Most cases are finished, as in life: immediate items are
completed on the spot; committed ones are completed within (sometimes a little after) their limit;
a few wait for materials and are refused when they never come, a few are suspended, denied or
back-filled, and one in five hundred is forgotten and stays red. The open cases of a center are
therefore set by its daily intake and its limits, not by how long its history is or how many
other centers there are. Each center and day draws from its own seeded random stream, so county
0 and its towns hold exactly the same recent cases at 10,000 as at 1,000,000 cases.
"""

import bisect
import datetime as dt
import itertools
import random
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from servicehall.cases import rules
from servicehall.cases.models import Case
from servicehall.catalog.models import Item, ItemVersion
from servicehall.core import clock
from servicehall.core.roles import Role
from servicehall.org.models import Center, Department, Policy, RoleAssignment, Staff, Window
from servicehall.org.presets import preset_values
from servicehall.workdays import selectors as workdays

PREFIX = "bench-"
TOWNS_PER_COUNTY = 9
WINDOWS = 4
# (kind, committed, statutory, weight): 40 % immediate items, the rest committed.
ITEMS = [
    (rules.IMMEDIATE, 0, None, 40),
    (rules.COMMITTED, 3, 7, 20),
    (rules.COMMITTED, 10, 20, 30),
    (rules.COMMITTED, 15, 30, 10),
]
CUMULATIVE = list(itertools.accumulate(w for *_x, w in ITEMS))
QUERY = rules.QUERY_ALPHABET  # 32 letters: five random bits each
BACKFILL_DELAY = dt.timedelta(hours=2)
# The columns ``_row`` fills, in its order (id, ticket and voiding are left empty).
COLUMNS = (
    "void_reason number query_code center_id window_id item_version_id kind status officer_id handler_id "
    "applicant_kind applicant_name applicant_number applicant_phone agent_name agent_id_number agent_phone "
    "received_at recorded_at backfilled backfill_reason accepted_at limit_days due_at due_date warn_date "
    "statutory_due_date provisional suspended_at suspended_days finished_at result reason basis "
    "authorised parallel step step_name extension_reason"
).split()
PARALLEL_EVERY = 10  # one case in ten is a parallel approval (CAT-6)
DATETIMES = [
    COLUMNS.index(c)
    for c in ("received_at", "recorded_at", "accepted_at", "due_at", "suspended_at", "finished_at")
]
DATES = [COLUMNS.index(c) for c in ("due_date", "warn_date", "statutory_due_date")]


def center_codes(counties: int) -> list[tuple[str, str | None]]:
    """(code, parent code) of every center: county hall first, then its towns."""
    out = []
    for c in range(counties):
        county = f"{PREFIX}c{c:03d}"
        out.append((county, None))
        out.extend((f"{PREFIX}c{c:03d}-t{t}", county) for t in range(TOWNS_PER_COUNTY))
    return out


class Command(BaseCommand):
    help = "Generate about COUNT cases across counties of ten centers, in bulk (a throw-away database only)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--counties", type=int, default=1)
        parser.add_argument("--per-day", type=int, default=20)
        parser.add_argument("--today", default="2026-11-23T10:00")

    def handle(self, *args, count, counties, per_day, today, **options):
        if Center.objects.exclude(code__startswith=PREFIX).exists() or Case.objects.exists():
            raise CommandError("generate_cases runs only on an empty, throw-away database.")
        now = clock.parse_moment(today)
        started = time.perf_counter()
        with clock.freeze(now), transaction.atomic():
            centers = self._organisation(center_codes(counties))
            days = -(-count // (len(centers) * per_day))  # working days of history
            inserted = insert(self._cases(centers, days, per_day, now))
        analyze()
        self.stdout.write(
            f"{inserted:,} cases, {len(centers)} centers, {days} working days, {time.perf_counter() - started:.1f} s"
        )

    # --- the organisation and the catalog ------------------------------------------------------

    def _organisation(self, codes) -> list[dict]:
        values = preset_values("kaiyuan-2020")
        made: dict[str, Center] = {}
        for code, parent in codes:
            level = Center.Level.COUNTY if parent is None else Center.Level.TOWN
            made[code] = Center(code=code, name=f"测试{code}", level=level, parent=made.get(parent))
            made[code].save()
        Policy.objects.bulk_create([Policy(center=c, preset="kaiyuan-2020", **values) for c in made.values()])
        made = {
            c.code: c for c in Center.objects.filter(code__in=made).select_related("policy").order_by("id")
        }
        departments = Department.objects.bulk_create(
            [Department(center=c, code="main", name="综合") for c in made.values()]
        )
        windows = Window.objects.bulk_create(
            [
                Window(center=c, number=n + 1, name=f"窗口{n + 1}")
                for c in made.values()
                for n in range(WINDOWS)
            ]
        )
        User = get_user_model()
        users = User.objects.bulk_create(
            [User(username=f"{w.center.code}-w{w.number}", password="!") for w in windows]  # noqa: S106 (unusable)
        )
        staff = Staff.objects.bulk_create(
            [
                Staff(user=u, center=w.center, name=f"办事员{w.number}")
                for u, w in zip(users, windows, strict=True)
            ]
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=u, center=w.center, role=Role.WINDOW_STAFF)
                for u, w in zip(users, windows, strict=True)
            ]
        )
        now = clock.now()
        items = Item.objects.bulk_create(
            [Item(center=c, code=f"I{i}", created_at=now) for c in made.values() for i in range(len(ITEMS))]
        )
        versions = ItemVersion.objects.bulk_create(
            [
                ItemVersion(
                    item=item,
                    number=1,
                    created_at=now,
                    reason="bench",
                    name=f"事项{i}",
                    department=departments[n],
                    kind=ITEMS[i][0],
                    committed_days=ITEMS[i][1],
                    statutory_days=ITEMS[i][2],
                )
                for n, _c in enumerate(made.values())
                for i, item in enumerate(items[n * len(ITEMS) : (n + 1) * len(ITEMS)])
            ]
        )
        out = []
        for n, center in enumerate(made.values()):
            out.append(
                {
                    "center": center,
                    "windows": windows[n * WINDOWS : (n + 1) * WINDOWS],
                    "staff": staff[n * WINDOWS : (n + 1) * WINDOWS],
                    "versions": versions[n * len(ITEMS) : (n + 1) * len(ITEMS)],
                }
            )
        return out

    # --- the cases --------------------------------------------------------------------------------

    def _cases(self, centers, days: int, per_day: int, now: dt.datetime):
        """Every case's row, center by center: a generator, so a million rows never sit in memory.

        The calendar is read here, before the first row: while PostgreSQL takes the COPY, the
        connection cannot answer another query."""
        cal = workdays.calendar_for(centers[0]["center"])
        hours = workdays.hours_for(centers[0]["center"])
        back = [clock.local(now).date()]  # back[k]: the k-th working day before today
        while len(back) < days + 40:
            day = back[-1] - dt.timedelta(days=1)
            while not cal.is_workday(day):
                day -= dt.timedelta(days=1)
            back.append(day)
        return _rows(centers, days, per_day, Life(cal, hours, back, now))


def _rows(centers, days: int, per_day: int, life: "Life"):
    """The rows of every center, oldest first, so that numbers run in receipt order."""
    for number, place in enumerate(centers):
        code = place["center"].code.upper()
        ids = (
            place["center"].pk,
            [w.pk for w in place["windows"]],
            [s.pk for s in place["staff"]],
            [v.pk for v in place["versions"]],
        )
        seq: dict[int, int] = {}
        for k in range(days - 1, -1, -1):
            rng = random.Random(number * 1_000_003 + k)  # the same stream at every size
            opening = dt.datetime.combine(life.back[k], dt.time(8, 30), tzinfo=clock.TZ)
            for _ in range(per_day):
                received = opening + dt.timedelta(minutes=rng.randrange(400))
                i = bisect.bisect(CUMULATIVE, rng.random() * CUMULATIVE[-1])
                w = rng.randrange(WINDOWS)
                seq[received.year] = seq.get(received.year, 0) + 1
                bits = rng.getrandbits(30)
                query = "".join(QUERY[(bits >> (5 * n)) & 31] for n in range(6))
                yield _row(
                    rules.case_number(code, received.year, seq[received.year]),
                    query,
                    ids,
                    i,
                    w,
                    life.of(rng, k, received, i),
                )


class Life:
    """One case's life up to now, drawn from its random stream: status and the date of each step."""

    def __init__(self, cal, hours, back, now):
        self.cal, self.hours, self.back, self.now = cal, hours, back, now
        self._closing, self._warn = {}, {}

    def closing(self, day):
        if day not in self._closing:
            self._closing[day] = dt.datetime.combine(
                day, self.hours.sessions_on(day)[-1].end, tzinfo=clock.TZ
            )
        return self._closing[day]

    def warn(self, due, limit):
        if (due, limit) not in self._warn:
            self._warn[(due, limit)] = rules.warn_date(self.cal, due, limit)
        return self._warn[(due, limit)]

    def at(self, k, hour):
        return dt.datetime.combine(self.back[k], dt.time(hour), tzinfo=clock.TZ)

    def of(self, rng, k, received, i) -> dict:
        kind, limit, statutory, _w = ITEMS[i]
        cal, r = self.cal, rng.random()
        out = {
            "status": rules.COMPLETED,
            "received": received,
            "accepted": None,
            "finished": None,
            "limit": limit,
        }
        out.update(due=None, statutory=None, suspended_at=None, suspended_days=0, backfilled=False)
        if kind == rules.IMMEDIATE and r < 0.95 or r < 0.02:  # done on the spot, or refused at intake
            out["accepted"] = received if kind == rules.IMMEDIATE else None
            out["status"] = rules.COMPLETED if kind == rules.IMMEDIATE else rules.REFUSED
            out["finished"] = received + dt.timedelta(minutes=15)
            if kind == rules.IMMEDIATE:
                out["due"] = received.date()
        elif r < 0.08 or kind == rules.IMMEDIATE:  # materials missing: refused if they never come
            if k < 10:
                out["status"] = rules.AWAITING
            else:
                out["status"], out["finished"] = rules.REFUSED, received + dt.timedelta(days=14)
        else:
            out["accepted"], out["backfilled"] = received, rng.random() < 0.01
            suspended = rng.randint(2, 6) if rng.random() < 0.03 else 0
            due = cal.add(received.date(), limit)[0]
            out["statutory"] = cal.add(received.date(), statutory)[0]
            took = rng.randint(1, limit + limit // 10 + 1)
            forgotten, denied = rng.random() < 0.002, rng.random() < 0.01
            if suspended and k < 8:  # still suspended: the due date moves when it resumes
                out["status"], out["suspended_at"] = rules.SUSPENDED, received + dt.timedelta(days=1)
            else:
                if suspended:
                    due, out["suspended_days"] = rules.shift(cal, due, suspended), suspended
                    out["statutory"] = rules.shift(cal, out["statutory"], suspended)
                    took += suspended
                if denied:
                    out["status"] = rules.DENIED if k >= 3 else rules.DENIAL_FILED
                    out["finished"] = self.at(k - 3, 16) if k >= 3 else None
                elif took > k or forgotten:
                    out["status"] = rules.ACCEPTED
                else:
                    out["finished"] = self.at(k - took, 11)
            out["due"] = due
        if out["due"] is not None:
            out["due_at"], out["warn"] = self.closing(out["due"]), self.warn(out["due"], limit)
        if out["finished"] is not None and out["finished"] > self.now:
            out["finished"] = self.now
        return out


def _row(number, query, ids, i, w, c) -> tuple:
    """A case row in the order of ``COLUMNS``."""
    center_id, windows, staff, versions = ids
    completed = c["status"] == rules.COMPLETED
    recorded = c["received"] + BACKFILL_DELAY if c["backfilled"] else c["received"]
    return (
        "",
        number,
        query,
        center_id,
        windows[w],
        versions[i],
        ITEMS[i][0],
        c["status"],
        staff[w],
        staff[w],
        "person",
        "测试申请人",
        "110105194912310020",
        "13800000000",
        "",
        "",
        "",
        c["received"],
        recorded,
        c["backfilled"],
        "补录" if c["backfilled"] else "",
        c["accepted"],
        c["limit"],
        c.get("due_at"),
        c["due"],
        c.get("warn"),
        c["statutory"],
        False,
        c["suspended_at"],
        c["suspended_days"],
        c["finished"],
        "已办结" if completed else "",
        "",
        "",
        int(number[-6:]) % PARALLEL_EVERY != 0,  # the parallel ones go through the items' steps
        int(number[-6:]) % PARALLEL_EVERY == 0,
        2 if c["status"] in rules.RUNNING else None,
        "审核" if c["status"] in rules.RUNNING else "",
        "",
    )


# --- bulk insert ---------------------------------------------------------------------------------


def insert(rows) -> int:
    """COPY into PostgreSQL; executemany in chunks into SQLite. Returns the number of rows."""
    table = Case._meta.db_table
    names = ", ".join(COLUMNS)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        cursor.execute("PRAGMA cache_size = -131072")  # 128 MB while the indexes grow
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608
        chunk = []
        for row in rows:
            chunk.append(_sqlite(row))
            if len(chunk) == 20_000:
                connection.connection.executemany(sql, chunk)
                count, chunk = count + len(chunk), []
        connection.connection.executemany(sql, chunk)
        return count + len(chunk)


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL outside a transaction, the visibility map)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


UTC_OFFSET = dt.timedelta(hours=8)  # Asia/Shanghai has kept UTC+8 all year since 1991


def _sqlite(row: tuple) -> list:
    """A row as Django's SQLite backend stores it: UTC datetimes without a zone, ISO dates."""
    out = list(row)
    for n in DATETIMES:
        if out[n] is not None:
            out[n] = (out[n].replace(tzinfo=None) - UTC_OFFSET).isoformat(" ")
    for n in DATES:
        if out[n] is not None:
            out[n] = out[n].isoformat()
    return out

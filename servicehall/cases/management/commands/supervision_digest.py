"""CAS-14: the daily digest of electronic supervision, per center, for its director and staff.

Reads the same board as the director's page (colours derived from the dates, so a day without
this job loses nothing) and prints it; run it each morning from the scheduler.
"""

from collections import defaultdict

from django.core.management.base import BaseCommand

from servicehall.cases import rules, selectors
from servicehall.core import audit, clock
from servicehall.org.models import Center

LISTED = 200


class Command(BaseCommand):
    help = "Print each center's supervision digest: open cases by colour, overdue working days, red and yellow cases by handler."

    def add_arguments(self, parser):
        parser.add_argument("--center", help="only this center (code) and the centers below it")

    def handle(self, *args, **options):
        now = clock.now()
        centers = Center.objects.select_related("policy", "parent").order_by("id")
        if options["center"]:
            centers = centers.filter(code=options["center"])
        for center in centers:
            board = selectors.board(center, now, limit=LISTED)
            total = board.total
            if not (total.running or total.awaiting or total.suspended):
                continue
            self.stdout.write(self._digest(center, board, now))
            audit.record(
                actor=None,
                action="supervision.digest",
                center=center,
                after={
                    "green": total.green,
                    "yellow": total.yellow,
                    "red": total.red,
                    "overdue_days": total.overdue_days,
                },
            )

    def _digest(self, center, board, now) -> str:
        t = board.total
        lines = [
            f"{center.name} 电子监察日报 {clock.local(now):%Y-%m-%d %H:%M}",
            f"  在办 {t.running}：正常 {t.green}，黄牌 {t.yellow}，红牌 {t.red}（超期合计 {t.overdue_days} 个工作日）；"
            f"待补正 {t.awaiting}，挂起 {t.suspended}，补录 {t.backfilled}",
        ]
        flagged = [c for c in board.urgent if c.colour in (rules.RED, rules.YELLOW)]
        by_handler = defaultdict(lambda: defaultdict(int))
        for case in flagged:
            by_handler[case.handler.name][case.colour] += 1
            late = (
                f"超期 {case.overdue_days} 个工作日"
                if case.colour == rules.RED
                else f"剩 {case.days_left} 个工作日"
            )
            mark = "（补录）" if case.backfilled else ""
            lines.append(
                f"  {rules.COLOUR_NAMES[case.colour]} {case.number} {case.item_version.name} {case.handler.name} "
                f"{case.window} 办结日期 {case.due_date:%Y-%m-%d} {late}{mark}"
            )
        for name, colours in by_handler.items():
            lines.append(f"  经办人 {name}：红牌 {colours[rules.RED]}，黄牌 {colours[rules.YELLOW]}")
        return "\n".join(lines) + "\n"

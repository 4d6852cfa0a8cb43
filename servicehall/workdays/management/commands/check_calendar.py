from django.core.management.base import BaseCommand

from servicehall.workdays import rules, selectors


class Command(BaseCommand):
    help = "Warn when the working-day calendar is published for less than 60 more days (exit status 1)."

    def handle(self, *args, **options):
        warning = selectors.schedule_warning()
        if warning:
            self.stdout.write(warning)
            raise SystemExit(1)
        first = selectors.first_provisional_day()
        if first is None:
            self.stdout.write("工作日历全部为正式日期。")
        else:
            self.stdout.write(f"工作日历已公布到 {first - rules.ONE_DAY}，{first} 起为暂定。")

from django.core.management.base import BaseCommand, CommandError

from servicehall.core import audit


class Command(BaseCommand):
    help = "Recompute the audit log's hash chains; name the first broken link of each."

    def handle(self, *args, **options):
        broken = 0
        for report in audit.verify_all():
            status = "OK" if report.ok else "BROKEN"
            self.stdout.write(f"{status:<7}{report.chain:<20}{report.events:>8} events  {report.message}")
            broken += not report.ok
        if broken:
            raise CommandError(f"{broken} chain(s) broken")

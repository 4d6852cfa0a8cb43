from django.core.management.base import BaseCommand, CommandError

from servicehall.core import anchors, audit


class Command(BaseCommand):
    help = (
        "Sign every audit chain's head with the audit key and write it to AUDIT_ANCHOR_DIR "
        "(daily, from a timer); prints the line for the daily report. Refuses while a chain is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--accept-legacy",
            action="store_true",
            help="Once after upgrading: accept links hashed before the audit key, and anchor them.",
        )

    def handle(self, *args, **options):
        broken = [r for r in audit.verify_all(accept_legacy=options["accept_legacy"]) if not r.ok]
        for report in broken:
            self.stderr.write(f"BROKEN {report.chain:<20}{report.message}")
        if broken:
            raise CommandError(f"{len(broken)} chain(s) broken: nothing anchored")
        path, line = anchors.write()
        self.stdout.write(line)
        self.stdout.write(f"  -> {path}")

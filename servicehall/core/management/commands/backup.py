from pathlib import Path

from django.core.management.base import BaseCommand

from servicehall.core import backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database (SQLite file copy or pg_dump custom format)."

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path)

    def handle(self, *args, target, **options):
        path = backup.backup(target)
        self.stdout.write(f"backup written: {path} ({path.stat().st_size:,} bytes)")

from django.core.management.base import BaseCommand

from servicehall.cases import demo as cases_demo
from servicehall.catalog import demo as catalog_demo
from servicehall.catalog import demo_halls as catalog_halls
from servicehall.core import registry
from servicehall.org import demo as org_demo
from servicehall.org import demo_halls as org_halls
from servicehall.tickets import demo as tickets_demo
from servicehall.tickets import demo_halls as tickets_halls

# Each part's demo loader, in dependency order. Each is idempotent: it returns False when its
# data is already there, so `make demo` twice keeps what the first run (and the users) made.
LOADERS = [
    ("organisation", org_demo.load),
    ("catalog", catalog_demo.load),
    ("cases", cases_demo.load),
    ("queue", tickets_demo.load),
    # The four other halls (Jinjiang, Shexi, Xishan, the county) and Kaiyuan's remaining roles.
    ("halls: organisation", org_halls.load),
    ("halls: catalog", catalog_halls.load),
    ("halls: queue", tickets_halls.load),
]


def all_loaders() -> list[tuple]:
    """The first half's loaders, then each later app's (the ``"demo"`` protocol), named by app."""
    return LOADERS + [(load.__module__.split(".")[1], load) for load in registry.providers("demo")]


class Command(BaseCommand):
    help = "Load the five demo halls (Kaiyuan street and the four others) and print the demo logins."

    def handle(self, *args, **options):
        for name, load in all_loaders():
            created = load()
            self.stdout.write(f"{name}: {'loaded' if created else 'already present, kept'}")
        self.stdout.write("\n演示账号 (password: $DEMO_PASSWORD, default Demo@2026):")
        for username, label in org_demo.logins():
            self.stdout.write(f"  {username:<14} {label}")
        for code, username, label in org_halls.logins():
            self.stdout.write(f"  {username:<14} {code:<9} {label}")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "servicehall.cases"
    label = "cases"
    verbose_name = _("办件与来访登记")

    def ready(self):
        from servicehall.cases.deadlines import shift_case_deadlines
        from servicehall.cases.selectors import conduct_facts, menu_links, todo_items
        from servicehall.core import registry
        from servicehall.workdays.shifts import register_deadline_shifter

        # HRS-2: a closure of working days moves the due dates of open cases (deadlines.py).
        register_deadline_shifter(shift_case_deadlines)
        registry.register("todo", todo_items)  # 我的待办: cases at the person's window, denials to decide
        registry.register("facts", conduct_facts)  # overdue cases, breaches of the one-time rule
        registry.register("menu", menu_links)  # the director's center-wide case list

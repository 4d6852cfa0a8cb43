"""Appoint the auditor from the server's console (separation of duties).

The system administrator can neither give the auditor role nor touch the auditor's account
through the web; the installer does it here, on the machine:

    manage.py appoint_auditor shenjiyuan --center county --name 审计员
    manage.py changepassword shenjiyuan        # the auditor's password, later, also on the console

The password is read from the terminal (twice) or from the environment variable named by
``--password-env``. Every step is an audit event.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from servicehall.core import audit
from servicehall.core.errors import DomainError
from servicehall.core.roles import Role
from servicehall.org import services
from servicehall.org.models import Center


class Command(BaseCommand):
    help = "Create or appoint the auditor account (the administrator cannot, by design)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--center", required=True, help="code of the center the auditor audits")
        parser.add_argument("--name", default="审计员")
        parser.add_argument("--password-env", help="read the new account's password from this variable")

    def _password(self, options, user) -> str:
        if options["password_env"]:
            password = os.environ.get(options["password_env"], "")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        return password

    def handle(self, *args, username, center, name, **options):
        center_obj = Center.objects.filter(code=center).first()
        if center_obj is None:
            raise CommandError(f"No center with code {center!r}.")
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=name)
                user.set_password(self._password(options, user))
                user.save()
                audit.record(
                    actor="console",
                    action="user.create",
                    obj=user,
                    after={"username": username, "first_name": name, "by": "console"},
                )
            try:
                services.role_grant(actor=None, user=user, center=center_obj, role=Role.AUDITOR)
            except DomainError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(f"{username} is the auditor of {center_obj.name}.")

"""Install and serve the production configuration, then load one page of every part of it.

    .venv/bin/python scripts/prod_smoke.py                # on a throw-away SQLite file
    DATABASE_URL=postgres://USER[:PASSWORD]@HOST[:PORT]/NAME .venv/bin/python scripts/prod_smoke.py

What docs/deploy.md does, on a scratch copy: ``SERVICEHALL_ENV=production`` with a fresh
``SECRET_KEY`` and ``DEBUG`` off; ``migrate``, the demo center, ``collectstatic`` and
``check --deploy`` (which must report nothing); then gunicorn with ``config/gunicorn.py``. The
requests come as the reverse proxy sends them (``X-Forwarded-Proto: https``). Every page must
answer 200 with the Content-Security-Policy and HSTS, the stylesheets must come from the
manifest, and gunicorn's log must hold no 500 and no traceback. On PostgreSQL a database of
its own (NAME_smoke_PID) is created beside NAME and dropped afterwards.

Exit status 0 when everything held; otherwise each failure is printed and the status is 1.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"

# (who signs in, path): one page per part of the product. None: no sign-in.
PAGES = [
    (None, "/login/"),
    (None, "/admin/login/"),
    (None, "/q/"),  # the citizens' case look-up
    (None, "/c/kaiyuan/"),  # a center's public page
    (None, "/c/kaiyuan/guides/"),
    (None, "/c/xishan/complaint/"),  # the online complaint form
    (None, "/api/v1/docs"),
    ("wangmanshu", "/"),  # the director's home
    ("wangmanshu", "/catalog/kaiyuan/"),
    ("wangmanshu", "/tickets/kaiyuan/kiosk/"),
    ("wangmanshu", "/workdays/"),
    ("wangmanshu", "/supervision/kaiyuan/"),
    ("wangmanshu", "/cases/center/kaiyuan/"),
    ("wangmanshu", "/complaints/kaiyuan/"),
    ("wangmanshu", "/ratings/kaiyuan/satisfaction/"),
    ("wangmanshu", "/duty/kaiyuan/roster/"),
    ("wangmanshu", "/training/kaiyuan/"),
    ("wangmanshu", "/assessment/kaiyuan/"),
    ("chenjianwei", "/visits/"),
    ("chenjianwei", "/cases/mine/"),
    ("chenjianwei", "/training/mine/"),
    ("auditor", "/audit/"),
    ("admin", "/admin/"),
]


class Browser:
    """Just enough of a browser: one cookie jar (Secure cookies included, as the proxy talks
    HTTPS to the user), the proxy's headers, no redirects followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, https: bool = True):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "zh-hans"}
        if https:
            origin = f"https://{HOST}:{self.port}"
            headers |= {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response, content.decode("utf-8", "replace")

    def sign_in(self, username: str, password: str) -> tuple[int, str]:
        self.cookies.clear()
        _response, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            return 0, "no CSRF token on the login page"
        response, _ = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
        )
        return response.status, response.getheader("Location", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    print("$ manage.py", " ".join(args), flush=True)
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )


class Postgres:
    """A scratch database beside the one DATABASE_URL names, on the same server."""

    def __init__(self, url: str):
        import psycopg

        self.psycopg = psycopg
        parts = urlsplit(url)
        self.admin_url = parts._replace(path="/postgres").geturl()
        self.name = f"{parts.path.lstrip('/') or 'servicehall'}_smoke_{os.getpid()}"
        self.url = parts._replace(path="/" + self.name).geturl()

    def _execute(self, sql: str):
        with self.psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}"')
        self._execute(f"CREATE DATABASE \"{self.name}\" ENCODING 'UTF8' TEMPLATE template0")

    def drop(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def check(failures: list[str], condition: bool, message: str):
    print(("  ok   " if condition else "  FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def main() -> int:
    failures: list[str] = []
    var = Path(tempfile.mkdtemp(prefix="servicehall-prod-smoke-"))
    url = os.environ.get("DATABASE_URL", "")
    postgres = Postgres(url) if url.startswith(("postgres://", "postgresql://")) else None
    env = {k: v for k, v in os.environ.items() if k not in ("SERVICEHALL_CLOCK", "DJANGO_DEBUG")}
    env |= {
        "SERVICEHALL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_KEY": secrets.token_urlsafe(32),
        "SERVICEHALL_VAR": str(var),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": postgres.url if postgres else f"sqlite:///{var / 'servicehall.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    password = env.setdefault("DEMO_PASSWORD", "Demo@2026")
    server = None
    log = var / "gunicorn.log"
    try:
        if postgres:
            postgres.create()
            print(f"database {postgres.name} (PostgreSQL)")
        else:
            print("database: a new SQLite file")
        for args in (
            ("migrate", "--noinput", "-v", "0"),
            ("load_demo",),
            ("collectstatic", "--noinput", "-v", "0"),
            ("check", "--deploy", "--fail-level", "WARNING"),
        ):
            done = run(env, *args)
            check(failures, done.returncode == 0, " ".join(args[:2]) + " succeeds")
            if done.returncode != 0:
                print(done.stdout[-3000:] + done.stderr[-3000:])
                return 1
        check(
            failures, (var / "staticfiles" / "staticfiles.json").exists(), "collectstatic wrote its manifest"
        )

        port = free_port()
        with open(log, "w") as out:
            server = subprocess.Popen(
                [
                    GUNICORN,
                    "--config",
                    "config/gunicorn.py",
                    "config.wsgi",
                    "--bind",
                    f"{HOST}:{port}",
                    "--workers",
                    "2",
                    "--access-logfile",
                    "-",
                    "--error-logfile",
                    "-",
                    "--capture-output",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        browser = Browser(port)
        for _ in range(120):
            try:
                if browser.request("GET", "/healthz", https=False)[0].status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None:
                break
            time.sleep(0.5)
        else:
            check(failures, False, "gunicorn answers /healthz within a minute")
            return 1
        check(failures, server.poll() is None, f"gunicorn serves on {HOST}:{port}")
        if server.poll() is not None:
            return 1

        response, _ = browser.request("GET", "/login/", https=False)
        check(
            failures,
            response.status == 301 and response.getheader("Location", "").startswith("https://"),
            "plain HTTP is redirected to HTTPS",
        )
        response, page = browser.request("GET", "/login/")
        csp = response.getheader("Content-Security-Policy", "")
        check(failures, "script-src 'self'" in csp and "unsafe" not in csp, "Content-Security-Policy sent")
        check(failures, "max-age=" in response.getheader("Strict-Transport-Security", ""), "HSTS sent")
        styles = re.findall(r'href="(/static/[^"]+\.css)"', page)
        check(
            failures,
            bool(styles) and all(re.search(r"\.[0-9a-f]{12}\.css$", s) for s in styles),
            "stylesheets named from the manifest",
        )
        for href in styles + re.findall(r'src="(/static/[^"]+\.js)"', page):
            check(failures, browser.request("GET", href)[0].status == 200, f"GET {href} 200")

        signed_in_as = None
        for username, path in PAGES:
            if username != signed_in_as:
                if username is None:
                    browser.cookies.clear()
                else:
                    status, where = browser.sign_in(username, password)
                    check(failures, status == 302, f"{username} signs in ({status} {where})")
                signed_in_as = username
            response, page = browser.request("GET", path)
            where = response.getheader("Location", "")
            if response.status == 302 and where.startswith("/") and not where.startswith("/login/"):
                path = f"{path} -> {where}"  # an index page that opens the current year, say
                response, page = browser.request("GET", where)
                where = response.getheader("Location", "")
            check(
                failures,
                response.status == 200 and "Traceback" not in page,
                f"GET {path} as {username or 'anyone'}: {response.status} {where}".rstrip(),
            )
    finally:
        if server and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if log.exists():
            text = log.read_text(errors="replace")
            errors = [line for line in text.splitlines() if re.search(r'" 5\d\d ', line)]
            check(failures, not errors, "no 5xx in gunicorn's access log")
            check(failures, "Traceback" not in text, "no traceback in gunicorn's log")
            if errors or "Traceback" in text:
                print(text[-6000:])
        if postgres:
            try:
                postgres.drop()
            except Exception as exc:  # noqa: BLE001 - report and go on: the result is what matters
                print(f"could not drop {postgres.name}: {exc}")
        shutil.rmtree(var, ignore_errors=True)
    print(f"prod_smoke: {'FAILED: ' + str(len(failures)) if failures else 'all held'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

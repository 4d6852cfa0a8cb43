"""Security headers: every page carries a Content-Security-Policy that runs only this server's
scripts and styles, no template holds an inline script, style or event handler that policy would
block, and the API docs load nothing from another host."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from servicehall.core.security import DEFAULT_POLICY

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(
    [*(ROOT / "templates").rglob("*.html"), *(ROOT / "servicehall").glob("*/templates/**/*.html")]
)


def directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_the_policy_runs_only_this_servers_scripts_and_styles():
    policy = directives(DEFAULT_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not [
        v for values in policy.values() for v in values if "unsafe" in v or v in ("*", "http:", "https:")
    ]


@pytest.mark.parametrize(
    "path", ["/login/", "/admin/login/", "/q/", "/c/kaiyuan/", "/api/v1/docs", "/healthz"]
)
def test_every_page_carries_the_content_security_policy(client, demo, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Security-Policy"] == DEFAULT_POLICY


def test_debug_error_pages_stay_readable_but_pages_keep_the_policy(client, settings):
    settings.DEBUG = True
    assert "Content-Security-Policy" not in client.get("/no-such-page/")
    assert client.get("/healthz")["Content-Security-Policy"] == DEFAULT_POLICY


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <script> and <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.bodies: list[tuple[str, dict, str]] = []
        self._open: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in ("script", "style"):
            self._open = (tag, attrs)
            self.bodies.append((tag, attrs, ""))

    def handle_data(self, data):
        if self._open and self.bodies:
            tag, attrs, text = self.bodies[-1]
            self.bodies[-1] = (tag, attrs, text + data)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            self._open = None


def inline_code(source: str) -> list[str]:
    """What in one template's HTML the policy would refuse to run or apply."""
    parser = _Tags()
    parser.feed(re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", source, flags=re.S))
    found = []
    for tag, attrs, text in parser.bodies:
        data_only = tag == "script" and attrs.get("type") in ("application/json", "text/template")
        if not attrs.get("src") and text.strip() and not data_only:
            found.append(f"<{tag}> with inline code: {text.strip()[:60]!r}")
    for tag, attrs in parser.tags:
        found += [f"<{tag} {name}=…>" for name in attrs if name.startswith("on") or name == "style"]
        found += [
            f"<{tag} {name}={value!r}>"
            for name, value in attrs.items()
            if value and value.strip().lower().startswith("javascript:")
        ]
    return found


def test_the_template_scanner_finds_inline_scripts_handlers_and_styles():
    assert (
        inline_code('<script src="/static/x.js"></script><script type="application/json">{}</script>') == []
    )
    assert len(inline_code("<script>\n alert(1)\n</script>")) == 1
    assert len(inline_code('<select onchange="this.form.submit()"></select>')) == 1
    assert len(inline_code('<div style="color: red"></div>')) == 1
    assert len(inline_code("<style>p { color: red }</style>")) == 1
    assert len(inline_code('<a href="javascript:void(0)">x</a>')) == 1


def test_no_template_holds_code_the_policy_would_block():
    assert len(TEMPLATES) > 20
    found = {str(t.relative_to(ROOT)): inline_code(t.read_text(encoding="utf-8")) for t in TEMPLATES}
    assert {name: problems for name, problems in found.items() if problems} == {}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_api_docs_load_swagger_ui_from_this_server(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn." not in page and "jsdelivr" not in page and "unpkg" not in page
    links = _Links()
    links.feed(page)
    assert any(url.endswith(".js") for url in links.urls)
    for url in links.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url
        assert url.startswith(settings.STATIC_URL), url
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
    assert inline_code(page) == []

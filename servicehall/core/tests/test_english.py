"""English throughout: every message id has its English, no Chinese words are left outside the
catalogue, and the pages and the API answer in English when asked.

The product's message ids are the Chinese sentences (docs/development.md, "Chinese message ids"),
so a word that never went through ``gettext``/``{% translate %}`` stays Chinese on an English page.
These tests look for such words in three ways: in the catalogues, in the source, and on pages.
"""

import ast
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import trans_real

ROOT = Path(settings.BASE_DIR)
IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


# --- (a) every catalogue is complete ----------------------------------------------------------


def catalogues() -> list[Path]:
    found = sorted(ROOT.glob("locale/*/LC_MESSAGES/django.po"))
    found += sorted(ROOT.glob("servicehall/*/locale/*/LC_MESSAGES/django.po"))
    return found


def entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, plural, every msgstr, flags (obsolete ones left out)."""
    found, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None and not entry["obsolete"] and entry["msgid"]:
                found.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgctxt": None, "strs": {}, "flags": set(), "obsolete": False, "line": 0}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
            field = match.group(1)
            if field.startswith("msgstr"):
                entry["strs"][field] = match.group(2)
            elif field in ("msgid", "msgctxt"):
                entry[field] = match.group(2)
        elif line.startswith('"') and field:
            if field.startswith("msgstr"):
                entry["strs"][field] += line[1:-1]
            elif field in ("msgid", "msgctxt"):
                entry[field] += line[1:-1]
    return found


def test_there_is_an_english_catalogue():
    assert ROOT / "locale/en/LC_MESSAGES/django.po" in catalogues()


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_has_its_english(path):
    lacking = [
        e["msgid"]
        for e in entries(path)
        if "fuzzy" in e["flags"] or not e["strs"] or not all(s.strip() for s in e["strs"].values())
    ]
    assert not lacking, f"{len(lacking)} message(s) without English in {path}: {lacking[:20]}"


def collisions(paths: list[Path]) -> list[str]:
    """The messages (msgid in its msgctxt) given different English by two catalogues: at runtime
    Django merges every catalogue into one and only one of the translations wins."""
    seen: dict[tuple, dict[tuple, list[str]]] = {}
    for path in paths:
        for e in entries(path):
            if "fuzzy" in e["flags"] or not all(s.strip() for s in e["strs"].values()):
                continue
            english = tuple(sorted(e["strs"].items()))
            where = str(path.relative_to(ROOT)).split("/locale/")[0]
            seen.setdefault((e["msgctxt"], e["msgid"]), {}).setdefault(english, []).append(where)
    return [
        f"{msgid!r}" + (f" (context {context!r})" if context is not None else "") + f": {variants}"
        for (context, msgid), variants in seen.items()
        if len(variants) > 1
    ]


def test_the_collision_rule_finds_two_englishes_for_one_message(tmp_path):
    for app, english in (("a", "End"), ("b", "Ended")):
        po = tmp_path / app / "locale/en/LC_MESSAGES/django.po"
        po.parent.mkdir(parents=True)
        po.write_text(f'msgid "结束"\nmsgstr "{english}"\n\nmsgctxt "x"\nmsgid "取消"\nmsgstr "{app}"\n')
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = collisions(sorted(tmp_path.glob("*/locale/en/LC_MESSAGES/django.po")))
    finally:
        ROOT = saved
    assert len(found) == 2 and "'结束'" in found[0] and "context 'x'" in found[1]


def test_one_message_has_one_english_across_catalogues():
    """结束 is End on one page and Ended on another, 取消 Cancel where it means Disqualified: a
    message with two meanings gets a context (pgettext, ``{% translate … context … %}``), one meaning
    one English everywhere."""
    found = collisions([p for p in catalogues() if "/en/" in str(p)])
    assert not found, (
        f"{len(found)} message(s) with different English in different catalogues:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "path", [p for p in catalogues() if "/en/" in str(p)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_english_text_is_left_in_chinese(path):
    """A msgstr copied from its msgid (or half translated) keeps Chinese words: none may."""
    # Words that stay Chinese in English on purpose: a document number and example text that is
    # Chinese data (sheet names of the item catalog's workbook, a window written the Chinese way).
    allowed = re.compile(
        r"国办发明电|事项|申请材料|办理流程|并联审批|号窗口|独立窗口|综合窗口|休|班|低保|申请"
    )
    chinese = [
        (e["msgid"], s)
        for e in entries(path)
        for s in e["strs"].values()
        if IDEOGRAPH.search(allowed.sub("", s))
    ]
    assert not chinese, chinese[:20]


# --- (b) no Chinese words outside the catalogue in templates and messages ----------------------

TEMPLATE_SKIP = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"  # comments
    r"|\{#.*?#\}"
    r"|_\(\s*(\"[^\"]*\"|'[^']*')\s*\)"  # _("…") as a filter or tag argument
    r"|\{%\s*trans(?:late)?\s.*?%\}",  # translated words
    re.S,
)
# A translated block's words, not its opening tag: ``with day=…|date:"Y年n月j日"`` is not translated.
BLOCK_BODY = re.compile(r"(\{%\s*blocktrans(?:late)?\b.*?%\}).*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S)


def templates() -> list[Path]:
    dirs = [ROOT / "templates", *sorted(ROOT.glob("servicehall/*/templates"))]
    return [p for d in dirs for p in sorted(d.rglob("*.html"))]


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_chinese_outside_translate(path):
    blank = lambda m: "\n" * m.group(0).count("\n")  # noqa: E731 - keeps the line numbers
    text = TEMPLATE_SKIP.sub(blank, path.read_text(encoding="utf-8"))
    text = BLOCK_BODY.sub(lambda m: m.group(1) + blank(m), text)
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}"
        for n, line in enumerate(text.splitlines(), 1)
        if IDEOGRAPH.search(line)
    ]
    assert not found, "\n".join(found)


TRANSLATING = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}
# The calls whose message a user reads: the domain errors (API {code, message} and pages), the
# refusals of the rules modules, Django's refusals that the product's error pages show, and the
# messages framework. Their Chinese words must be inside a translating call.
MESSAGE_CALLS = {
    "Invalid",
    "Conflict",
    "Forbidden",
    "NotFound",
    "NotAuthenticated",
    "DomainError",
    "RuleError",
    "CalendarError",
    "PermissionDenied",
    "Http404",
    "BadRequest",
}
MESSAGES = {"success", "error", "info", "warning"}
# A model's labels (verbose_name, help_text, choices) appear on pages, in the admin and in
# exports; their Chinese words must be inside a translating call too.
LABEL_KEYWORDS = {"verbose_name", "verbose_name_plural", "help_text"}


def python_files() -> list[Path]:
    return [
        p
        for p in sorted((ROOT / "servicehall").rglob("*.py"))
        if not {"tests", "migrations", "locale"} & set(p.relative_to(ROOT).parts)
        and not p.name.startswith("demo")  # demo data: names of people, items and places
    ]


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _chinese(node) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(IDEOGRAPH.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_chinese(v) for v in node.values)
    if isinstance(node, ast.IfExp):
        return _chinese(node.body) or _chinese(node.orelse)
    if isinstance(node, ast.BinOp):
        return _chinese(node.left) or _chinese(node.right)
    return False


def untranslated(tree: ast.AST) -> list[tuple[int, str]]:
    """Chinese literals a user reads that no translating call wraps (see MESSAGE_CALLS)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            is_message = name in MESSAGE_CALLS or (
                name in MESSAGES
                and isinstance(node.func, ast.Attribute)
                and _name(node.func.value) == "messages"
            )
            args = list(node.args) if is_message else []
            args += [
                k.value
                for k in node.keywords
                if k.arg in LABEL_KEYWORDS or (is_message and k.arg == "message")
            ]
            found += [(a.lineno, ast.unparse(a)[:100]) for a in args if _chinese(a)]
        elif isinstance(node, ast.ClassDef) and any(
            _name(b) in {"TextChoices", "IntegerChoices"} for b in node.bases
        ):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    found += [(e.lineno, ast.unparse(e)[:100]) for e in statement.value.elts if _chinese(e)]
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in LABEL_KEYWORDS for t in node.targets
        ):  # class Meta: verbose_name = "…"
            if _chinese(node.value):
                found.append((node.lineno, ast.unparse(node.value)[:100]))
    return found


def test_the_source_rule_finds_an_untranslated_message():
    tree = ast.parse(
        'raise Invalid("x", f"没有{a}。")\nraise Invalid("x", gettext("没有。"))\n'
        'messages.success(request, "已保存。")\nname = models.CharField(verbose_name="名称")\n'
        'class K(models.TextChoices):\n    A = "a", "甲"\n    B = "b", _("乙")\n'
    )
    assert sorted(line for line, _ in untranslated(tree)) == [1, 3, 4, 6]


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_messages_and_labels_are_translated(path):
    found = untranslated(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, "\n".join(f"{path.relative_to(ROOT)}:{line}: {text}" for line, text in found)


# --- (c) pages in English: no Chinese word but data -------------------------------------------


class _Text(HTMLParser):
    """The visible text of a page and the attributes a user reads (title, placeholder, aria-label,
    alt, value of a button); scripts and styles left out."""

    READ = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in self.READ and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def data_words() -> list[str]:
    """Every text stored in the database (names of centers, people, items, windows, reasons …):
    data, shown as entered whatever the reader's language; longest first."""
    words = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            words.update(v for v in row if isinstance(v, str) and IDEOGRAPH.search(v))
    for name in apps.get_model("org", "Staff").objects.values_list("name", flat=True):
        words.add(name[:1])  # the staff board's avatar shows a person's first character
    for value in list(words):  # a name is shown masked on public pages (张*丰), and split by lines
        words.update(part.strip() for part in re.split(r"[\n；;、，,]", value) if IDEOGRAPH.search(part))
        if len(value) >= 2:
            words.add(value[0] + "*" * (len(value) - 2) + value[-1] if len(value) > 2 else value[0] + "*")
            words.add(value[0] + "**")  # lists mask every name to its first character (张**)
    return sorted(words, key=len, reverse=True)


CHROME_ALLOWED = {"简体中文"}  # the language switch names each language in that language


def chinese_chrome(html: str, data: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for word in data:
        text = text.replace(word, " ")
    for word in CHROME_ALLOWED:
        text = text.replace(word, " ")
    return sorted(set(IDEOGRAPH.findall(text)))


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """The pages read the compiled catalogues (.mo, not kept in git): compile any that is older
    than its .po, as ``make`` does, so the pages show what the catalogues say."""
    for po in catalogues():
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)  # noqa: S603,S607
    trans_real._translations = {}  # forget catalogues loaded before
    trans_real._default = None


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def kaiyuan_with_a_case(demo, user_named):
    from servicehall.cases import services
    from servicehall.catalog import demo as catalog_demo
    from servicehall.core import clock

    catalog_demo.load()
    with clock.freeze("2026-11-23T09:30"):
        case = services.case_intake(
            actor=user_named("chenjianwei"),
            center=demo,
            item="KY-CL-001",
            applicant=services.Applicant(name="张三丰", id_number="11010519491231002X", phone="13812345678"),
            materials=["M02"],
        )
    return demo, case


def assert_english(response, data):
    assert response.status_code in (200, 403, 404), response.status_code
    html = response.content.decode()
    assert '<html lang="en"' in html
    left = chinese_chrome(html, data)
    assert not left, f"Chinese words on the English page {response.request['PATH_INFO']}: {left}"


def test_public_pages_in_english(english, kaiyuan_with_a_case):
    center, _ = kaiyuan_with_a_case
    data = data_words()
    for url in (
        f"/c/{center.code}/",
        f"/c/{center.code}/guides/",
        f"/c/{center.code}/guides/KY-CL-001/",
        f"/c/{center.code}/staff/",
        f"/c/{center.code}/screen/",
        "/q/",
        "/login/",
    ):
        assert_english(english.get(url), data)


def test_staff_pages_in_english(english, kaiyuan_with_a_case, user_named):
    center, case = kaiyuan_with_a_case
    data = data_words()
    english.force_login(user_named("wangmanshu"))
    for url in (
        "/",
        f"/cases/{case.number}/",
        f"/supervision/{center.code}/",
        "/visits/",
        "/tickets/",
        f"/catalog/{center.code}/",
        "/password/",
    ):
        assert_english(english.get(url), data)
    english.force_login(user_named("chenjianwei"))
    for url in ("/", "/cases/new/", "/cases/mine/", "/tickets/"):
        assert_english(english.get(url), data)


FULL_WIDTH_BY_ENGLISH = re.compile(r"[A-Za-z0-9)][（）：，]|[（）：，][A-Za-z0-9(]")


def full_width_by_english(html: str) -> list[str]:
    """Full-width punctuation touching English text: punctuation left outside the translation."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", "", html, flags=re.S)
    return [text[max(m.start() - 20, 0) : m.end() + 20] for m in FULL_WIDTH_BY_ENGLISH.finditer(text)]


def test_full_width_punctuation_is_inside_the_translation(english, kaiyuan_with_a_case, user_named):
    """「（30 November 2026）」, 「，Statutory maximum」: the brackets and commas of a Chinese phrase
    belong to the translated text, so that the English page reads (…) and , as English does."""
    from servicehall.cases.models import Case, Visit
    from servicehall.core import clock
    from servicehall.org.models import Staff, Window

    center, case = kaiyuan_with_a_case
    Case.objects.filter(pk=case.pk).update(provisional=True)
    Visit.objects.create(
        center=center,
        officer=Staff.objects.get(user__username="chenjianwei"),
        at=clock.now(),
        day=clock.today(),
        channel=Visit.Channel.VISIT,
        category=Visit.Category.CONSULTATION,
        matter="咨询",
        outcome=Visit.Outcome.GUIDED,
        target_window=Window.objects.filter(center=center).order_by("number").first(),
    )
    english.force_login(user_named("wangmanshu"))
    for url in ("/", f"/cases/{case.number}/", "/visits/"):
        found = full_width_by_english(english.get(url).content.decode())
        assert not found, f"{url}: {found}"


def test_error_pages_in_english(english, demo, user_named):
    data = data_words()
    assert_english(english.get("/no-such-page/"), data)
    english.force_login(user_named("chenjianwei"))
    assert_english(english.get("/audit/"), data)  # 403: only auditors


def test_the_language_switch_names_both_languages_in_either_language(client, english, demo):
    for c in (client, english):
        html = c.get("/login/").content.decode()
        assert ">English<" in html and ">简体中文<" in html


# --- (d) the API answers in the request's language ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/centers/nowhere", 404),  # a domain NotFound with a value in it
        ("/api/v1/me/todo", 401),  # the authentication refusal
    ],
)
def test_api_refusals_in_english(client, demo, bearer, path, status):
    headers = bearer("wangmanshu") if status != 401 else {}
    answer = client.get(path, HTTP_ACCEPT_LANGUAGE="en", headers=headers)
    assert answer.status_code == status
    message = answer.json()["message"]
    assert not IDEOGRAPH.search(message.replace("nowhere", "")), message
    chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans", headers=headers).json()["message"]
    assert IDEOGRAPH.search(chinese), chinese


def test_a_rules_refusal_in_english(client, kaiyuan_with_a_case, bearer):
    """A refusal written in a rules module (no Django there) is translated where it is answered."""
    _, case = kaiyuan_with_a_case
    headers = bearer("chenjianwei")
    answer = client.post(
        f"/api/v1/cases/{case.number}/extend",
        {"due_date": "2026-12-31", "reason": "more time"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        headers=headers,
    )
    assert answer.status_code in (400, 409), answer.content
    assert not IDEOGRAPH.search(answer.json()["message"]), answer.json()


def test_input_errors_in_english(client, demo, bearer):
    answer = client.post(
        "/api/v1/auth/token", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert not IDEOGRAPH.search(answer.json()["message"]), answer.json()


REQUIREMENT_ID = r"\b(?:ANA|ARC|ASM|CAS|CAT|CMP|DUT|EVA|HRS|INQ|LAD|ORG|PAR|QUE|REF|SEC|SUP|TRN)-\d+\b"


def test_openapi_descriptions_name_no_requirement_id(client):
    schema = client.get("/api/v1/openapi.json").content.decode()
    ids = sorted(set(re.findall(REQUIREMENT_ID, schema)))
    assert not ids, ids


def test_the_schema_loses_requirement_ids_but_keeps_its_words():
    from servicehall.core.api import without_requirement_ids

    schema = {
        "paths": {
            "/x": {"post": {"description": "CAS-5: extend to a new date (CAS-5, CAS-6).", "tags": ["CAS-5"]}}
        }
    }
    assert without_requirement_ids(schema)["paths"]["/x"]["post"]["description"] == "extend to a new date."


@pytest.mark.parametrize("path", [*templates(), *catalogues()], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_requirement_id_on_a_page(path):
    text = (
        TEMPLATE_SKIP.sub("", path.read_text(encoding="utf-8"))
        if path.suffix == ".html"
        else path.read_text()
    )
    if path.suffix == ".po":  # what a reader sees: the English, not the references in comments
        text = "\n".join(line for line in text.splitlines() if line.startswith(("msgstr", '"')))
    assert not re.findall(REQUIREMENT_ID, text)

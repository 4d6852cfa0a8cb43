"""Fill empty msgstr entries of a .po file from a JSON map {msgid: translation}.

Usage: python scripts/fill_po.py locale/en/LC_MESSAGES/django.po translations.json
Only single-line msgids are handled (ours are short UI strings); existing translations are kept.
"""

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr ""\n(?!")')


def fill(po_text: str, translations: dict[str, str]) -> tuple[str, int]:
    count = 0

    def replace(match):
        nonlocal count
        msgid = match.group(1)
        if msgid and msgid in translations:
            count += 1
            return f'msgid "{msgid}"\nmsgstr "{translations[msgid]}"\n'
        return match.group(0)

    return ENTRY.sub(replace, po_text), count


if __name__ == "__main__":
    po, table = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    text, n = fill(po.read_text(encoding="utf-8"), table)
    po.write_text(text, encoding="utf-8")
    print(f"{n} entries filled")

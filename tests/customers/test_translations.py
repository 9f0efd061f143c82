"""Every string of the customers app and of the root catalog is translated, and no other catalog hides it."""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = [ROOT / "customers/locale/zh_Hans/LC_MESSAGES/django.po", ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"]
ENTRY = re.compile(r'^(msgctxt "(?P<ctx>.*)"\n)?msgid (?P<id>(?:".*"\n)+)(msgid_plural (?:".*"\n)+)?'
                   r'msgstr(?:\[0\])? (?P<str>(?:".*"\n?)+)', re.M)


def unquote(lines: str) -> str:
    return "".join(eval(line) for line in lines.strip().splitlines())  # noqa: S307 (PO string literals)


def entries(path):
    text = path.read_text(encoding="utf-8")
    for m in ENTRY.finditer(text):
        msgid = unquote(m.group("id"))
        if msgid:
            yield msgid, m.group("ctx"), unquote(m.group("str")), text[max(0, m.start() - 200):m.start()]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_chinese_translation(path):
    missing = [msgid for msgid, _ctx, msgstr, _before in entries(path) if not msgstr]
    assert not missing, f"untranslated in {path}: {missing}"
    assert "#, fuzzy" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_other_catalog_hides_our_translations(path):
    wrong = []
    with translation.override("zh-hans"):
        for msgid, ctx, msgstr, _before in entries(path):
            if "%" in msgid or ctx:
                continue
            got = translation.gettext(msgid)
            if got != msgstr and not (path != CATALOGS[-1] and got == _root_translation(msgid)):
                wrong.append((msgid, got, msgstr))
    assert not wrong, f"shown instead of our translation (use a more specific msgid): {wrong}"


def _root_translation(msgid):
    # the root catalog (LOCALE_PATHS) deliberately wins over app catalogs
    for root_id, _ctx, root_str, _b in entries(CATALOGS[-1]):
        if root_id == msgid:
            return root_str
    return None

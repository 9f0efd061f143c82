"""Every catalog says what the page shows.

Django merges the catalogs of all installed apps into one: for a msgid found in several, the
root catalog (LOCALE_PATHS) wins, then the app listed first in INSTALLED_APPS (third-party apps
such as django.contrib.admin come before ours). So one English msgid can have only one
translation: where two of our catalogs translate it differently, one of them is silently wrong
on its own pages ("Grade" shown as 等级 on the complaint list instead of 客户等级). Where the
meanings really differ, the msgid needs a context (pgettext / {% translate ... context ... %}).
"""

from __future__ import annotations

import ast
import gettext
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
CATALOG_DIRS = ["core", "customers", "complaints", "workorders", "tickets", "outages", "grading", "reports", "."]
LANGUAGES = ["zh_Hans", "en"]


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    @property
    def text(self) -> str:
        return self.msgstr.get(0, "")


def parse_po(path: Path) -> list[Entry]:
    """The live (not obsolete) entries of a .po file, header excluded."""
    entries, entry, target = [], Entry(), None

    def flush():
        nonlocal entry, target
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry, target = Entry(), None

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue  # comments, references, previous msgids, obsolete entries (#~)
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(target, int):
                entry.msgstr[target] += value
            else:
                setattr(entry, target, getattr(entry, target) + value)
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                target = int(keyword[7:-1]) if "[" in keyword else 0
                entry.msgstr[target] = value
            else:
                target = keyword
                setattr(entry, keyword, value)
    flush()
    return [e for e in entries if e.msgid]


def catalogs(language: str) -> dict[str, list[Entry]]:
    return {app: parse_po(ROOT / app / "locale" / language / "LC_MESSAGES/django.po") for app in CATALOG_DIRS}


def _name(app: str) -> str:
    return "locale/" if app == "." else f"{app}/locale/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_catalogs_translate_the_same_msgid_differently(language):
    seen: dict[tuple, dict[str, str]] = defaultdict(dict)
    for app, entries in catalogs(language).items():
        for e in entries:
            if "fuzzy" not in e.flags and e.text:
                seen[e.key][_name(app)] = e.text
    clashes = {f"{ctx + ' | ' if ctx else ''}{msgid}": by_app for (ctx, msgid), by_app in seen.items()
               if len(set(by_app.values())) > 1}
    assert not clashes, (
        "the same msgid translated differently in two catalogs (only one can show; use the same "
        f"translation, or a context where the meanings differ): {clashes}")


@pytest.mark.parametrize("app", CATALOG_DIRS, ids=_name)
def test_every_string_has_a_chinese_translation(app):
    entries = catalogs("zh_Hans")[app]
    assert not [e.msgid for e in entries if "fuzzy" in e.flags], "fuzzy entries are not compiled: check them"
    assert not [e.msgid for e in entries if not all(e.msgstr.values())], "untranslated"


@pytest.mark.parametrize("app", CATALOG_DIRS, ids=_name)
def test_what_the_page_shows_is_what_the_catalog_says(app):
    """Also catches third-party catalogs (admin's "History" 历史, DRF's "Filters" 过滤器) hiding ours."""
    wrong = []
    with translation.override("zh-hans"):
        for e in catalogs("zh_Hans")[app]:
            if e.msgid_plural is not None:
                shown = (translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1) if e.msgctxt
                         else translation.ngettext(e.msgid, e.msgid_plural, 1))
            else:
                shown = translation.pgettext(e.msgctxt, e.msgid) if e.msgctxt else translation.gettext(e.msgid)
            if shown != e.text:
                wrong.append((e.msgctxt, e.msgid, e.text, shown))
    assert not wrong, f"(context, msgid, ours, shown instead): {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app", CATALOG_DIRS, ids=_name)
def test_compiled_catalog_matches_the_po_file(app, language):
    """`make messages` compiles every catalog; a .po edited without it changes nothing on a page."""
    base = ROOT / app / "locale" / language / "LC_MESSAGES/django"
    with open(f"{base}.mo", "rb") as fh:
        compiled = {k: v for k, v in gettext.GNUTranslations(fh)._catalog.items() if k != ""}
    expected = {}
    for e in parse_po(Path(f"{base}.po")):
        if "fuzzy" in e.flags or not e.text:
            continue
        msgid = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        if e.msgid_plural is None:
            expected[msgid] = e.text
        else:
            expected.update({(msgid, n): text for n, text in e.msgstr.items()})
    differs = {k: (compiled.get(k), text) for k, text in expected.items() if compiled.get(k) != text}
    extra = sorted(set(compiled) - set(expected), key=str)
    assert not differs and not extra, f"stale .mo (run `make messages`): (compiled, .po) {differs}; only compiled: {extra}"

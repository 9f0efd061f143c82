"""The content security policy (SPEC §13) allows no inline script or style: every template keeps
its JavaScript and CSS in static files, wired by data attributes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def template_files():
    yield from (ROOT / "templates").rglob("*.html")
    for app_templates in ROOT.glob("*/templates"):
        if app_templates.parent.name not in {".venv", "var", "node_modules"}:
            yield from app_templates.rglob("*.html")


def test_templates_have_no_inline_script_or_style():
    files = list(template_files())
    assert len(files) > 10
    found = [f"{path.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}: {what}"
             for path in files for text in [path.read_text(encoding="utf-8")]
             for pattern, what in INLINE for m in pattern.finditer(text)]
    assert found == []

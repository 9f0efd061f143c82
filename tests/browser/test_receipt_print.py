"""The 80 mm receipt prints whole (SPEC §8, issue 15 item 8): printed to PDF by Chromium on an
80 mm page, every character of every line of the receipt is in the PDF's text (pdftotext), on one
page 80 mm wide; the receipt carries the number, kind, deadlines, the shortened complaint text,
the callback phone and the hotline. The PDF rendered to PNG (pdftoppm) lands in var/screens/."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from tests.browser.conftest import login
from tests.browser.test_desk_journeys import SCREENS
from tests.complaints.factories import ComplaintFactory
from tests.customers.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = ("本户自三月起每月电费比去年同期高出近一倍，家中用电习惯没有变化，怀疑电能表计量不准，"
        "曾两次致电95598未获答复，要求供电所上门校验电能表并书面说明电费计算依据，同时退还多收的电费。"
        "另外抄表员抄表时间不固定，希望今后提前告知，并在营业厅公示抄表日程和电价政策，方便客户核对每月电费。")


def _pdf_tools():
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")):
        pytest.skip("needs poppler-utils (pdftotext, pdftoppm, pdfinfo): apt-get install poppler-utils")


def test_the_80mm_receipt_prints_whole(new_page, users, station):
    _pdf_tools()
    customer = CustomerFactory(station=station, name="城东五金机电有限公司", kind="commercial",
                               contact_name="赵建华", phone="13912345678")
    complaint = ComplaintFactory(station=station, customer=customer, complainant_name="赵建华",
                                 complainant_phone="13912345678", description=TEXT, received_at=timezone.now(),
                                 received_by=users["counter"])
    page = new_page(1280, 800)
    login(page, "counter1")
    page.goto(f"{page.base_url}/complaints/{complaint.number}/receipt/?paper=80mm")
    receipt = page.locator("#receipt")
    lines = [line.strip() for line in receipt.inner_text().splitlines() if line.strip()]
    shown = "\n".join(lines)
    assert complaint.number in shown and "95598" in shown and "13912345678" in shown
    assert TEXT[:40] in shown and TEXT not in shown  # shortened, not the whole text
    assert "投诉" in page.inner_text("#receipt dl")  # the kind
    # the clerk by name, never the username; every time in one format (no seconds)
    assert users["counter"].get_full_name() in shown and users["counter"].username not in shown
    assert not re.search(r"\d{2}:\d{2}:\d{2}", shown)
    assert len(re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", shown)) >= 3

    page.emulate_media(media="print")
    SCREENS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENS / "receipt-80mm.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    width_pt = float(re.search(r"Page size:\s+([\d.]+) x", info).group(1))
    assert abs(width_pt - 80 / 25.4 * 72) < 1.5, info  # 80 mm
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    for line in lines:
        want = re.sub(r"\s+", "", line)
        if re.search(r"[\u4e00-\u9fff]", want):
            missing = [ch for ch in want if ch not in flat]
            assert not missing, f"{line!r}: {missing} not in the PDF"
            assert want in flat, f"{line!r} is not whole in the PDF"
    # nothing of the page around the receipt is printed
    assert "退出" not in flat and "打印（A4）" not in flat

    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(SCREENS / "receipt-80mm")],
                   check=True)
    assert (SCREENS / "receipt-80mm.png").stat().st_size > 10_000


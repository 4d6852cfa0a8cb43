"""Printed notices: real PDFs, read back with pdftotext and rendered with pdftoppm."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from servicehall.core.clock import TZ
from servicehall.core.pdf import Notice, render

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

SAMPLE = Notice(
    title="一次性告知单",
    center_name="开元街道便民服务中心",
    number="开元告〔2026〕第0007号",
    fields=[
        ("申请人", "张*"),
        ("申请事项", "残疾人证新办"),
        ("受理窗口", "5号窗口 残联"),
        ("承诺时限", "10个工作日"),
        ("法定依据", "《残疾人残疾分类和分级》（GB/T 26341-2010）"),
    ],
    lists=[
        ("需补充的材料", ["居民户口簿原件及复印件1份", "近期免冠一寸彩色照片3张", "二级以上医院诊断证明"])
    ],
    paragraphs=["材料补齐后即予正式受理。如有疑问请致电 0595-22100012。"],
    case_number="KY-2026-000123",
    query_code="7QK4M2",
    query_hint="凭办件编号和查询码在中心网站或大厅查询机查询办理进度。",
    issued_at=dt.datetime(2026, 11, 23, 9, 41, tzinfo=TZ),
    handler="陈建伟",
)


def _need(tool):
    if not shutil.which(tool):
        pytest.fail(f"{tool} missing: `make test` installs poppler-utils")


def test_cas_3_notice_is_a4_two_copies_with_every_line_readable(tmp_path):
    _need("pdftotext")
    path = tmp_path / "notice.pdf"
    path.write_bytes(render(SAMPLE))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info and "(A4)" in info
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in [
        "一次性告知单",
        "第一联",
        "第二联",
        "申请人留存",
        "窗口存档",
        "居民户口簿原件及复印件1份",
        "近期免冠一寸彩色照片3张",
        "二级以上医院诊断证明",
        "KY-2026-000123",
        "7QK4M2",
        "审批专用章",
        "2026年11月23日",
    ]:
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansSC" in fonts and " yes " in fonts  # embedded


def test_cas_10_the_same_notice_renders_the_same_bytes():
    assert render(SAMPLE) == render(SAMPLE)


def test_notice_renders_to_png_for_a_look():
    _need("pdftoppm")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "notice-sample.pdf"
    pdf.write_bytes(render(SAMPLE))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(ARTIFACTS / "notice-sample")],
        check=True,
    )
    assert (ARTIFACTS / "notice-sample-1.png").stat().st_size > 10_000

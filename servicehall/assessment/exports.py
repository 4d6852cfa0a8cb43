"""Excel workbooks (the month, the year for the performance bonus) and the awards notice."""

from openpyxl import Workbook

from servicehall.core import clock, pdf, xlsx

PARTS = (
    ("discipline", "工作纪律(30)"),
    ("service", "服务质量(20)"),
    ("cases", "办件管理(20)"),
    ("online", "网上办理(20)"),
    ("rating", "服务对象评议(10)"),
)


def month_workbook(m, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = m.period
    ws.append(
        [
            f"{m.center.name} {m.year}年{m.month}月 窗口工作人员考评（细则 {m.version}）",
            "已发布" if m.publication else "未发布（实时）",
        ]
    )
    ws.append(
        [
            "名次",
            "姓名",
            "用户名",
            "窗口",
            *[n for _, n in PARTS],
            "加分",
            "总分",
            "取消评优资格",
            "评价数",
            "满意数",
        ]
    )
    for r in rows:
        ws.append(
            [
                r.rank,
                r.person.name,
                r.person.username,
                r.person.window,
                *[float(r.parts[c]) for c, _ in PARTS],
                float(r.bonus),
                float(r.total),
                "是" if r.disqualified else "否",
                r.ratings,
                r.satisfied,
            ]
        )
    return xlsx.to_bytes(wb)


def year_workbook(center, year: int, standings) -> bytes:
    """ASM-7: the annual result (the average of the person's monthly totals) for the bonus."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(year)
    ws.append([f"{center.name} {year}年度考评结果（绩效奖发放依据，年度得分为各月总分的平均值）"])
    ws.append(["名次", "姓名", "窗口", "年度得分", "考评月数", "取消评先评优资格"])
    for i, s in enumerate(standings, 1):
        ws.append([i, s.name, s.window, float(s.score), s.months, "是" if s.disqualified else "否"])
    return xlsx.to_bytes(wb)


def awards_pdf(center, a) -> bytes:
    """The notice of commendation (通报表扬) of the quarter's or year's awards."""
    now = clock.now()
    notice = pdf.Notice(
        title="通报表扬",
        center_name=center.name,
        number=f"{a.label}评比",
        fields=[("评比期间", a.label), ("评比依据", "001 三(一)4：月考评、季考评、年终总评")],
        issued_at=now,
        lists=[
            ("流动红旗窗口", [f"{w}（{s} 分）" for w, s, _ in a.windows] or ["（无）"]),
            ("工作标兵", [f"{s.name}（{s.window}，{s.score} 分）" for s in a.workers] or ["（无）"]),
        ],
        paragraphs=[
            "根据各月考评结果，经考评组评定，现对上述窗口和工作人员予以通报表扬。",
            "季度得分为本季度各月总分的平均值；窗口得分为该窗口工作人员得分的平均值。"
            "本年度被投诉查实、被通报批评或媒体曝光、有不廉洁行为或其他较严重违纪违规行为者不参加评选。",
        ],
        copies=("",),
        seal_text="考评组",
    )
    return pdf.render(notice)

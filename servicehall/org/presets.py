"""Policy presets: one per seed regulation (requirements.md, "Policy presets").

Where a seed is silent the preset takes the system default, which is the strictest value any
seed sets. Every value stays editable per center.
"""

SYSTEM_DEFAULT = {
    # HRS-1: system default hours 8:30–12:00 and 14:00–17:30, the same all year.
    "winter_am_start": "08:30",
    "winter_am_end": "12:00",
    "winter_pm_start": "14:00",
    "winter_pm_end": "17:30",
    "summer_am_start": "08:30",
    "summer_am_end": "12:00",
    "summer_pm_start": "14:00",
    "summer_pm_end": "17:30",
    "summer_from": "05-01",
    "summer_to": "09-30",
    "brief_absence_minutes": 10,  # QUE-5: strictest of 000 (15) and 004 (10)
    "absence_counts_as_late": True,  # 004 art.17(1)
    "leave_notice_days": 1,  # DUT-2 (000 一.2)
    "complaint_answer_days": 5,  # CMP-4 (001, 002)
    "committed_ratio_max": "0.50",  # CAT-3 (003 art.13): committed ≤ 50 % of statutory
    "referral_decision_days": 3,  # REF-2 (002 七(三)3)
    "revisit_below_level": 3,  # EVA-3: revisit 100 % of ratings at 3 (基本满意, 1 = 非常满意) or worse
    "hotline_sample_percent": 5,  # EVA-4
    "assessment_rulebook": "shexi-2022",  # ASM-2: the 001 100-point table
    "training_hours_per_year": 30,  # TRN-2
    "monthly_training_session": True,  # TRN-1
    "priority_run_limit": 3,  # QUE-2 fairness: after 3 priority calls, one normal ticket
    "backfill_tolerance_minutes": 30,  # CAS-1: an intake time older than this needs a reason
    "backfill_max_workdays": 5,  # CAS-1: a receipt more than 5 working days ago cannot be back-filled
    "lunch_appointments": True,  # HRS-3 (001 一(六)3)
    "holiday_appointments": True,  # HRS-3 (000 二.7; 001 一(六)2)
    "green_channel_wait_minutes": 10,  # QUE-2: a green-channel ticket waiting longer is flagged
    "denial_escalation_to": "中心主任",  # CAS-6: who a denial is escalated to
    "duty_early_minutes": 5,  # DUT-4 (001 四(一)2): the day's duty staff come 5–10 minutes early
}

PRESETS = {
    # 000 晋江市公共法律服务中心窗口管理制度 (2019)
    "jinjiang-2019": {
        "title": "晋江市公共法律服务中心窗口管理制度（2019）",
        "winter_am_start": "08:00",
        "winter_am_end": "12:00",
        "winter_pm_start": "14:30",
        "winter_pm_end": "17:30",
        "summer_am_start": "08:00",
        "summer_am_end": "12:00",
        "summer_pm_start": "15:00",
        "summer_pm_end": "18:00",
        # 一.第一条: 8:00–12:00, 14:30–17:30 (summer 15:00–18:00)
        "brief_absence_minutes": 15,  # 一.第三条: up to 15 min a "请稍候" sign; longer, a backup covers
        "absence_counts_as_late": False,  # 一.第三条 reports and covers; it names no lateness
        "leave_notice_days": 1,  # 一.第二条: 提前一天报备
        "holiday_appointments": True,  # 二.第七条
    },
    # 001 社溪镇便民服务中心管理制度 (2022)
    "shexi-2022": {
        "title": "社溪镇便民服务中心管理制度（2022）",
        # Hours: the seed sets none (system default).
        "complaint_answer_days": 5,  # 三(二)3(2): 受理之日起五个工作日内答复
        "assessment_rulebook": "shexi-2022",  # 三(一): the 100-point table
        "monthly_training_session": True,  # 四(二)2: 每月开展一次集中学习培训
        "lunch_appointments": True,  # 一(六)3
        "holiday_appointments": True,  # 一(六)2
    },
    # 002 西山镇公共法律服务工作站管理制度
    "xishan": {
        "title": "西山镇公共法律服务工作站管理制度",
        "winter_am_start": "09:00",
        "winter_am_end": "12:00",
        "winter_pm_start": "13:30",
        "winter_pm_end": "17:00",
        "summer_am_start": "09:00",
        "summer_am_end": "12:00",
        "summer_pm_start": "13:30",
        "summer_pm_end": "17:00",  # 一(四)1: 周一至周五 9:00-12:00, 13:30-17:00, all year
        "complaint_answer_days": 5,  # 八(五)3–5: 5个工作日内答复
        "referral_decision_days": 3,  # 七(三)3: 3日内确定是否受理
        "revisit_below_level": 3,  # 十二(四): 100 % of 基本满意 (3 on 1 = 非常满意 … 5) and 不满意
        "hotline_sample_percent": 5,  # 十二(五): 抽访率不得低于5%
        "training_hours_per_year": 30,  # 十(二): 每人每年集中学习不少于30学时
    },
    # 003 肇庆市县级行政服务中心运行指引 (2012)
    "zhaoqing-2012": {
        "title": "肇庆市县级行政服务中心运行指引（2012）",
        "committed_ratio_max": "0.50",  # art.13: 办结时限比法定时限提速50%以上
    },
    # 004 开元街道便民服务中心管理制度 (2020)
    "kaiyuan-2020": {
        "title": "开元街道便民服务中心管理制度（2020）",
        "winter_am_start": "08:00",
        "winter_am_end": "12:00",
        "winter_pm_start": "14:30",
        "winter_pm_end": "17:30",
        "summer_am_start": "08:00",
        "summer_am_end": "12:00",
        "summer_pm_start": "15:00",
        "summer_pm_end": "18:00",
        # art.13(九): summer 8:00–12:00, 15:00–18:00; winter 8:00–12:00, 14:30–17:30
        "brief_absence_minutes": 10,  # art.17(1): 中途离岗超10分钟且未安排人员顶岗的，按迟到处理
        "absence_counts_as_late": True,  # art.17(1)
    },
}


def preset_values(name: str) -> dict:
    """Every policy value of a preset: the system default overlaid with the seed's own values."""
    if name not in PRESETS:
        raise KeyError(name)
    values = {**SYSTEM_DEFAULT, **PRESETS[name]}
    values.pop("title")
    return values

"""ORG-1 … ORG-7 through the services: what is allowed, what is refused, and that refusals change nothing."""

import datetime as dt

import pytest

from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.models import AuditEvent
from servicehall.org import services
from servicehall.org.models import Center, Policy, Post, RoleAssignment, Staff


def test_org_1_centers_form_a_tree(demo):
    county = Center.objects.get(code="county")
    community = Center.objects.get(code="xiangfeng")
    assert demo.parent == county and community.parent == demo
    assert [demo.level, county.level, community.level] == ["town", "county", "community"]


def test_org_1_center_is_created_from_a_preset(demo, user_named):
    admin = user_named("admin")
    center = services.center_create(
        actor=admin,
        code="xishan",
        name="西山镇公共法律服务工作站",
        level="town",
        preset="xishan",
        parent=demo.parent,
    )
    assert center.policy.preset == "xishan"
    assert center.policy.winter_pm_start == dt.time(13, 30)
    assert AuditEvent.objects.filter(action="center.create", center_code="xishan").exists()


def test_org_1_unknown_preset_is_refused_and_nothing_is_saved(demo, user_named):
    count = Center.objects.count()
    with pytest.raises(Invalid) as exc:
        services.center_create(
            actor=user_named("admin"), code="nowhere", name="x", level="town", preset="atlantis", parent=demo
        )
    assert exc.value.code == "unknown_preset" and "kaiyuan-2020" in exc.value.message
    assert Center.objects.count() == count


def test_org_1_window_staff_cannot_create_centers(demo, user_named):
    with pytest.raises(Forbidden):
        services.center_create(
            actor=user_named("chenshaoli"),
            code="x1",
            name="x",
            level="community",
            preset="kaiyuan-2020",
            parent=demo,
        )


def test_policy_change_is_audited_with_before_and_after(demo, user_named):
    services.policy_apply_preset(actor=user_named("wangmanshu"), center=demo, preset="jinjiang-2019")
    policy = Policy.objects.get(center=demo)
    assert policy.preset == "jinjiang-2019" and policy.brief_absence_minutes == 15
    event = AuditEvent.objects.filter(action="policy.update").latest("id")
    assert event.before["brief_absence_minutes"] == 10 and event.after["brief_absence_minutes"] == 15


def test_policy_unknown_setting_is_refused(demo, user_named):
    with pytest.raises(Invalid, match="未知的制度设置"):
        services.policy_update(actor=user_named("wangmanshu"), center=demo, changes={"free_lunch": True})


def test_policy_window_staff_cannot_change_it(demo, user_named):
    with pytest.raises(Forbidden):
        services.policy_update(actor=user_named("chenshaoli"), center=demo, changes={"leave_notice_days": 3})
    assert Policy.objects.get(center=demo).leave_notice_days == 1


def test_org_2_window_kinds_and_departments(demo):
    window = demo.windows.get(number=6)
    assert window.kind == "independent" and [d.name for d in window.departments.all()] == ["街道司法所"]


def _staff(center, username, name="新同事"):
    return services.staff_create(
        actor=None, center=center, username=username, password="Demo@2026", name=name
    )


def test_org_3_second_a_post_holder_on_the_same_day_is_refused(demo):
    window = demo.windows.get(number=1)
    newcomer = _staff(demo, "xintongshi")
    posts = Post.objects.count()
    with pytest.raises(Conflict) as exc:
        services.post_assign(actor=None, window=window, staff=newcomer, kind="A", start=dt.date(2025, 3, 1))
    assert exc.value.code == "post_taken"
    assert Post.objects.count() == posts


def test_org_5_posting_change_within_two_years_without_approval_is_refused(demo, user_named):
    window = demo.windows.get(number=1)
    newcomer = _staff(demo, "xintongshi")
    events = AuditEvent.objects.count()
    with pytest.raises(Invalid) as exc:
        services.post_assign(
            actor=user_named("wangmanshu"),
            window=window,
            staff=newcomer,
            kind="A",
            start=dt.date(2026, 12, 1),
        )
    assert exc.value.code == "posting_change_needs_approval" and "陈少丽" in exc.value.message
    assert Post.objects.get(window=window, kind="A", end__isnull=True).staff.name == "陈少丽"
    assert AuditEvent.objects.count() == events


def test_org_5_posting_change_with_approval_keeps_history(demo, user_named):
    director = user_named("wangmanshu")
    window = demo.windows.get(number=1)
    newcomer = _staff(demo, "xintongshi")
    approval = services.posting_approval_record(
        actor=director,
        center=demo,
        approved_by=Staff.objects.get(user=director),
        approved_on=dt.date(2026, 11, 20),
        reason="陈少丽调任街道党政办内勤",
        document="开元便民〔2026〕12号",
    )
    services.post_assign(
        actor=director, window=window, staff=newcomer, kind="A", start=dt.date(2026, 12, 1), approval=approval
    )
    history = list(Post.objects.filter(window=window, kind="A").order_by("start"))
    assert [(p.staff.name, p.end) for p in history] == [("陈少丽", dt.date(2026, 11, 30)), ("新同事", None)]
    assert history[0].approval == approval


def test_org_5_after_two_years_no_approval_is_needed(demo):
    window = demo.windows.get(number=2)
    newcomer = _staff(demo, "xintongshi")
    services.post_assign(actor=None, window=window, staff=newcomer, kind="B", start=dt.date(2027, 3, 1))
    assert Post.objects.get(window=window, kind="B", end__isnull=True).staff == newcomer


def test_org_5_approval_must_come_from_a_leader(demo):
    clerk = Staff.objects.get(user__username="chenshaoli")
    with pytest.raises(Invalid, match="不是本中心的领导"):
        services.posting_approval_record(
            actor=None, center=demo, approved_by=clerk, approved_on=dt.date(2026, 11, 20), reason="调整"
        )


def test_org_6_staff_paid_by_department_assessed_by_center(demo):
    staff = Staff.objects.get(user__username="xieshanhong")
    assert staff.department.name == "街道司法所" and staff.center == demo


def test_org_7_roles_per_center_reach_the_centers_below(demo, user_named):
    from servicehall.org import access

    director = user_named("wangmanshu")
    community = Center.objects.get(code="xiangfeng")
    assert access.has_role(director, community, "director")
    assert not access.has_role(director, demo.parent, "director")
    assert access.has_role(user_named("admin"), demo, "sysadmin")


def test_org_7_administrator_cannot_also_be_auditor(demo, user_named):
    with pytest.raises(Conflict) as exc:
        services.role_grant(actor=None, user=user_named("admin"), center=demo.parent, role="auditor")
    assert exc.value.code == "role_separation"
    assert not RoleAssignment.objects.filter(user__username="admin", role="auditor").exists()


def test_sec_1_staff_account_needs_a_strong_password(demo):
    with pytest.raises(Invalid) as exc:
        services.staff_create(actor=None, center=demo, username="weak", password="12345678", name="弱")
    assert exc.value.code == "weak_password"
    assert not Staff.objects.filter(name="弱").exists()


def test_sec_2_business_records_are_voided_not_deleted(demo, login):
    post = Post.objects.first()
    assert login("admin").post(f"/admin/org/post/{post.pk}/delete/").status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()


def test_sec_2_a_mistaken_posting_is_voided_with_a_reason_and_kept(demo, user_named):
    director = user_named("wangmanshu")
    window = demo.windows.get(number=7)
    post = Post.objects.get(window=window, kind="B", end__isnull=True)
    with pytest.raises(Invalid, match="原因"):
        services.post_void(actor=director, post=post, reason=" ")
    services.post_void(actor=director, post=post, reason="录入错误")
    post.refresh_from_db()
    assert post.is_void and post.void_reason == "录入错误" and post.voided_by == director
    from servicehall.org.selectors import windows_with_holders

    seventh = next(w for w in windows_with_holders(demo, dt.date(2026, 11, 23)) if w.number == 7)
    assert seventh.holder_b is None and seventh.holder_a.name == "吴国豪"


def test_org_4_staff_carry_what_the_public_board_shows(demo):
    staff = Staff.objects.get(user__username="wuguohao")
    assert (staff.name, staff.title, staff.department.name) == ("吴国豪", "办事员", "街道城管办")
    assert staff.duties and staff.commitment and staff.phone and staff.badge_number
    assert demo.complaint_phone and "意见箱" in demo.complaint_channels

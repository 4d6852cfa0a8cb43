"""Writing the catalog: versions, material codes, policy checks, authorisation, access, audit."""

from decimal import Decimal

import pytest

from servicehall.catalog import selectors, services
from servicehall.catalog.models import Item, ItemVersion
from servicehall.catalog.rules import COMMITTED, ItemDraft, MaterialDraft, ParticipantDraft, StepDraft
from servicehall.core import clock
from servicehall.core.errors import Conflict, Forbidden, Invalid, NotFound
from servicehall.core.models import AuditEvent
from servicehall.org import services as org_services


def new_draft(**changes) -> ItemDraft:
    values = {
        "code": "T-001",
        "name": "残疾人辅助器具申请",
        "department": "canlian",
        "kind": COMMITTED,
        "statutory_days": 20,
        "committed_days": 10,
        "materials": [MaterialDraft(name="申请表", form="original"), MaterialDraft(name="残疾人证")],
        "steps": [StepDraft("受理"), StepDraft("审核", days=5)],
    }
    return ItemDraft(**(values | changes))


def test_cat_5_every_change_is_a_new_version_with_who_when_why(demo, user_named):
    director = user_named("wangmanshu")
    with clock.freeze("2026-03-02T09:00"):
        item = services.item_create(actor=director, center=demo, draft=new_draft())
    with clock.freeze("2026-04-01T10:00"):
        v2 = services.item_update(
            actor=director, item=item, draft=new_draft(committed_days=8), reason="区审改办通知提速"
        )
    item.refresh_from_db()
    assert item.current == v2 and v2.number == 2
    assert (v2.created_by, v2.reason) == (director, "区审改办通知提速")
    assert clock.local(v2.created_at).date().isoformat() == "2026-04-01"
    v1 = selectors.version_of(item, 1)
    assert (v1.committed_days, v1.reason) == (10, "新设事项")
    assert [m.name for m in v1.materials.all()] == ["申请表", "残疾人证"]
    assert [v.number for v in selectors.versions(item)] == [2, 1]


def test_cat_5_no_change_makes_no_version(demo, user_named):
    director = user_named("wangmanshu")
    item = services.item_create(actor=director, center=demo, draft=new_draft())
    codes = [m.code for m in item.current.materials.all()]
    same = new_draft(
        materials=[MaterialDraft(name="申请表", code=codes[0]), MaterialDraft(name="残疾人证", code=codes[1])]
    )
    assert services.item_update(actor=director, item=item, draft=same, reason="复核") is None
    assert ItemVersion.objects.filter(item=item).count() == 1


def test_material_codes_are_stable_and_never_reused(demo, user_named):
    director = user_named("wangmanshu")
    item = services.item_create(actor=director, center=demo, draft=new_draft())
    assert [m.code for m in item.current.materials.all()] == ["M01", "M02"]
    # drop M02, add a new material: it gets M03, not M02 again
    services.item_update(
        actor=director,
        item=item,
        draft=new_draft(materials=[MaterialDraft(name="申请表", code="M01"), MaterialDraft(name="照片")]),
        reason="调整材料",
    )
    item.refresh_from_db()
    assert [(m.code, m.name) for m in item.current.materials.all()] == [("M01", "申请表"), ("M03", "照片")]


def test_a_sample_form_stays_when_a_change_does_not_mention_it(demo, user_named, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    director = user_named("wangmanshu")
    upload = SimpleUploadedFile("form.pdf", b"%PDF-1.4 sample", content_type="application/pdf")
    item = services.item_create(
        actor=director, center=demo, draft=new_draft(materials=[MaterialDraft(name="申请表", sample=upload)])
    )
    stored = item.current.materials.get().sample.name
    assert stored.startswith("catalog/samples/") and (tmp_path / stored).exists()
    services.item_update(
        actor=director,
        item=item,
        draft=new_draft(committed_days=9, materials=[MaterialDraft(name="申请表", code="M01")]),
        reason="提速",
    )
    item.refresh_from_db()
    assert item.current.materials.get().sample.name == stored
    services.item_update(
        actor=director,
        item=item,
        draft=new_draft(committed_days=9, materials=[MaterialDraft(name="申请表", code="M01", sample="")]),
        reason="样表作废",
    )
    item.refresh_from_db()
    assert item.current.materials.get().sample.name == ""


def test_cat_3_the_service_refuses_a_too_long_committed_limit_and_saves_nothing(demo, user_named):
    with pytest.raises(Invalid) as exc:
        services.item_create(actor=user_named("wangmanshu"), center=demo, draft=new_draft(committed_days=11))
    assert exc.value.code == "committed_limit_too_long"
    assert "不得超过 10 个工作日" in exc.value.message
    assert not Item.objects.exists() and not AuditEvent.objects.filter(action__startswith="catalog").exists()


def test_cat_3_a_center_without_the_ratio_accepts_any_limit_up_to_the_statutory_one(demo, user_named):
    org_services.policy_update(actor=None, center=demo, changes={"committed_ratio_max": None})
    item = services.item_create(
        actor=user_named("wangmanshu"), center=demo, draft=new_draft(committed_days=20)
    )
    assert item.current.committed_days == 20


def test_cat_7_authorised_windows_must_take_the_items_department(demo, user_named):
    director = user_named("wangmanshu")
    with pytest.raises(Invalid) as exc:
        services.item_create(actor=director, center=demo, draft=new_draft(windows=[6]))
    assert exc.value.code == "window_not_serving_department"
    with pytest.raises(Invalid) as exc:
        services.item_create(actor=director, center=demo, draft=new_draft(windows=[99]))
    assert exc.value.code == "unknown_window"
    item = services.item_create(actor=director, center=demo, draft=new_draft(windows=[5]))
    version = selectors.guide(demo, item.code)
    canlian, sifa = demo.windows.get(number=5), demo.windows.get(number=6)
    assert selectors.is_authorised(version, canlian) and not selectors.is_authorised(version, sifa)
    assert selectors.handling_windows(version) == [canlian]


def test_cat_6_parallel_approval_names_participants_and_their_days(demo, user_named):
    item = services.item_create(
        actor=user_named("wangmanshu"),
        center=demo,
        draft=new_draft(participants=[ParticipantDraft("街道党政办", 5)]),
    )
    version = selectors.guide(demo, item.code)
    assert [(p.department.code, p.days) for p in version.participants.all()] == [("dangzheng", 5)]
    with pytest.raises(Invalid) as exc:
        services.item_create(
            actor=user_named("wangmanshu"),
            center=demo,
            draft=new_draft(code="T-002", participants=[ParticipantDraft("canlian", 5)]),
        )
    assert exc.value.code == "participant_is_lead"


def test_cat_8_a_legal_service_with_a_fee_is_refused(demo, user_named):
    draft = new_draft(
        department="sifa",
        legal_service=True,
        fee_amount=Decimal("50"),
        fee_basis="x",
        fee_approval_document="y",
    )
    with pytest.raises(Invalid) as exc:
        services.item_create(actor=user_named("wangmanshu"), center=demo, draft=draft)
    assert exc.value.code == "legal_service_must_be_free"


def test_sec_4_a_fee_change_leaves_a_version_and_an_audit_event(demo, user_named):
    director = user_named("wangmanshu")
    draft = new_draft(
        fee_amount=Decimal("10"), fee_basis="《条例》第三十五条", fee_approval_document="物价批复"
    )
    item = services.item_create(actor=director, center=demo, draft=draft)
    draft.fee_amount = Decimal("12.50")
    services.item_update(actor=director, item=item, draft=draft, reason="物价局调价")
    event = AuditEvent.objects.filter(action="catalog.item.update").get()
    assert (event.before["fee_amount"], event.after["fee_amount"]) == ("10.00", "12.50")
    assert event.actor == director and event.after["reason"] == "物价局调价"
    assert [v.fee_amount for v in ItemVersion.objects.filter(item=item).order_by("number")] == [
        Decimal("10.00"),
        Decimal("12.50"),
    ]


def test_unknown_department_and_field_lengths_are_refused(demo, user_named):
    with pytest.raises(Invalid) as exc:
        services.item_create(
            actor=user_named("wangmanshu"), center=demo, draft=new_draft(department="税务所")
        )
    assert exc.value.code == "unknown_department"
    with pytest.raises(Invalid) as exc:
        services.item_create(actor=user_named("wangmanshu"), center=demo, draft=new_draft(name="长" * 101))
    assert exc.value.code == "invalid_field" and "name" in exc.value.fields


def test_duplicate_item_code_is_a_conflict(demo, user_named):
    services.item_create(actor=user_named("wangmanshu"), center=demo, draft=new_draft())
    with pytest.raises(Conflict):
        services.item_create(actor=user_named("wangmanshu"), center=demo, draft=new_draft())


def test_a_change_needs_a_reason_and_keeps_the_code(demo, user_named):
    item = services.item_create(actor=user_named("wangmanshu"), center=demo, draft=new_draft())
    with pytest.raises(Invalid) as exc:
        services.item_update(
            actor=user_named("wangmanshu"), item=item, draft=new_draft(committed_days=5), reason=" "
        )
    assert exc.value.code == "reason_required"
    with pytest.raises(Invalid) as exc:
        services.item_update(
            actor=user_named("wangmanshu"), item=item, draft=new_draft(code="T-999"), reason="x"
        )
    assert exc.value.code == "code_cannot_change"


def test_a_department_head_edits_only_their_own_departments_items(demo, user_named):
    head = user_named("caiwenkeng")  # 劳保所所长
    item = services.item_create(actor=head, center=demo, draft=new_draft(department="laobao"))
    assert item.current.created_by == head
    with pytest.raises(Forbidden):
        services.item_create(actor=head, center=demo, draft=new_draft(code="T-002"))
    with pytest.raises(Forbidden):  # moving the item to another department needs both
        services.item_update(actor=head, item=item, draft=new_draft(department="canlian"), reason="划转")


def test_window_staff_cannot_edit_the_catalog(demo, user_named):
    with pytest.raises(Forbidden):
        services.item_create(actor=user_named("chenjianwei"), center=demo, draft=new_draft())
    assert not Item.objects.exists()


def test_a_withdrawn_item_leaves_the_catalog_but_its_versions_stay(demo, user_named):
    director = user_named("wangmanshu")
    item = services.item_create(actor=director, center=demo, draft=new_draft())
    version = item.current
    services.item_void(actor=director, item=item, reason="依法取消")
    assert not selectors.items_of(demo).exists()
    with pytest.raises(NotFound):
        selectors.get_item(demo, item.code)
    assert selectors.version_of(item, 1) == version  # a case on it still reads its guide
    assert AuditEvent.objects.filter(action="catalog.item.void", after__void_reason="依法取消").exists()
    with pytest.raises(Conflict):
        services.item_void(actor=director, item=item, reason="again")


def test_withdrawing_needs_a_reason_and_the_right(demo, user_named):
    item = services.item_create(actor=user_named("wangmanshu"), center=demo, draft=new_draft())
    with pytest.raises(Invalid):
        services.item_void(actor=user_named("wangmanshu"), item=item, reason=" ")
    with pytest.raises(Forbidden):
        services.item_void(
            actor=user_named("caiwenkeng"), item=item, reason="x"
        )  # head of another department
    item.refresh_from_db()
    assert not item.is_void

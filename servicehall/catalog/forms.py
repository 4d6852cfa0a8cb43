"""The staff page's forms: an item, and its materials, steps and participants as formsets.

The forms only check types; the catalog rules (the same as the API's and the Excel import's)
run in the service, and their problems are put back on the fields they name.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import STEP_ROLE_CHOICES, ItemVersion, Material
from servicehall.catalog.rules import ItemDraft, MaterialDraft, ParticipantDraft, StepDraft

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class Styled:
    """Bootstrap classes on every widget."""

    small = False

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm" if self.small else "form-select"
            else:
                css = "form-control form-control-sm" if self.small else "form-control"
            widget.attrs["class"] = css


class ItemForm(Styled, forms.Form):
    code = forms.CharField(label=_("事项编码"), max_length=40)
    name = forms.CharField(label=_("事项名称"), max_length=100)
    aliases = forms.CharField(
        label=_("搜索关键词"),
        max_length=200,
        required=False,
        help_text=_("群众常用的叫法，用顿号分隔，如：低保、低保申请"),
    )
    department = forms.ChoiceField(label=_("实施科室"))
    kind = forms.ChoiceField(label=_("办件类型"), choices=ItemVersion.Kind.choices)
    statutory_days = forms.IntegerField(
        label=_("法定时限（工作日）"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("法律未规定的留空"),
    )
    committed_days = forms.IntegerField(
        label=_("承诺时限（工作日）"),
        required=False,
        min_value=0,
        max_value=999,
        help_text=_("即办件填 0 或留空"),
    )
    windows = forms.TypedMultipleChoiceField(
        label=_("授权办理窗口"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    authorisation_document = forms.CharField(label=_("授权委托书"), max_length=200, required=False)
    legal_service = forms.BooleanField(label=_("公共法律服务事项（一律免费）"), required=False)
    fee_amount = forms.DecimalField(
        label=_("收费标准（元）"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    fee_basis = forms.CharField(label=_("收费依据"), widget=TEXTAREA, required=False)
    fee_approval_document = forms.CharField(label=_("物价批复文件"), max_length=200, required=False)
    legal_basis = forms.CharField(label=_("设定依据"), widget=TEXTAREA, required=False)
    conditions = forms.CharField(label=_("受理条件"), widget=TEXTAREA, required=False)
    quantity_limits = forms.CharField(label=_("数量限制"), widget=TEXTAREA, required=False)
    contact = forms.CharField(label=_("咨询电话"), max_length=100, required=False)
    reason = forms.CharField(label=_("修改原因"), max_length=300, required=False)

    def __init__(self, *args, departments, windows, editing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.code, d.name) for d in departments]
        self.fields["windows"].choices = [(w.number, f"{w.number}号窗口 {w.name}") for w in windows]
        if editing:
            self.fields["code"].disabled = True
            self.fields["reason"].required = True
        self.style()


class MaterialForm(Styled, forms.Form):
    small = True

    code = forms.CharField(
        label=_("材料编码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("自动")}),
    )
    name = forms.CharField(label=_("材料名称"), max_length=200)
    form = forms.ChoiceField(
        label=_("原件/复印件"), choices=Material.Form.choices, initial=Material.Form.ORIGINAL
    )
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=99, initial=1)
    required = forms.BooleanField(label=_("必需"), required=False, initial=True)
    condition = forms.CharField(label=_("适用情形"), max_length=300, required=False)
    notes = forms.CharField(label=_("备注"), max_length=300, required=False)
    sample = forms.FileField(label=_("示范文本"), required=False)
    remove_sample = forms.BooleanField(label=_("删除示范文本"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class StepForm(Styled, forms.Form):
    small = True

    name = forms.CharField(label=_("环节"), max_length=60)
    description = forms.CharField(label=_("办理内容"), max_length=300, required=False)
    days = forms.IntegerField(label=_("时限（工作日）"), min_value=0, max_value=999, initial=0)
    role = forms.ChoiceField(
        label=_("审批人员"), required=False, choices=[("", _("默认（首环节窗口，其后科室负责人）"))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [self.fields["role"].choices[0], *STEP_ROLE_CHOICES]
        self.style()


class ParticipantForm(Styled, forms.Form):
    small = True

    department = forms.ChoiceField(label=_("协办科室"))
    days = forms.IntegerField(label=_("时限（工作日）"), min_value=1, max_value=999)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—")] + [(d.code, d.name) for d in departments]
        self.style()


MaterialFormSet = forms.formset_factory(MaterialForm, extra=2, can_delete=True)
StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True)
ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=1, can_delete=True)


def kept(formset) -> list[tuple[int, dict]]:
    """(form index, cleaned data) of the rows kept: existing rows not deleted, new rows filled in."""
    initial = formset.initial_form_count()
    return [
        (i, f.cleaned_data)
        for i, f in enumerate(formset.forms)
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and (i < initial or f.has_changed())
    ]


def _sample(row: dict):
    if row.get("sample"):
        return row["sample"]
    return "" if row.get("remove_sample") else None


def draft_from(item_form: ItemForm, materials, steps, participants) -> ItemDraft:
    d = item_form.cleaned_data
    return ItemDraft(
        code=d["code"],
        name=d["name"],
        aliases=d["aliases"],
        department=d["department"],
        kind=d["kind"],
        statutory_days=d["statutory_days"],
        committed_days=d["committed_days"],
        legal_service=d["legal_service"],
        legal_basis=d["legal_basis"],
        conditions=d["conditions"],
        quantity_limits=d["quantity_limits"],
        contact=d["contact"],
        fee_amount=d["fee_amount"] or 0,
        fee_basis=d["fee_basis"],
        fee_approval_document=d["fee_approval_document"],
        windows=list(d["windows"]),
        authorisation_document=d["authorisation_document"],
        materials=[
            MaterialDraft(
                code=r["code"],
                name=r["name"],
                form=r["form"],
                copies=r["copies"],
                required=r["required"],
                condition=r["condition"],
                notes=r["notes"],
                sample=_sample(r),
            )
            for _i, r in kept(materials)
        ],
        steps=[
            StepDraft(name=r["name"], description=r["description"], days=r["days"], role=r.get("role") or "")
            for _i, r in kept(steps)
        ],
        participants=[
            ParticipantDraft(department=r["department"], days=r["days"]) for _i, r in kept(participants)
        ],
    )


def initial_from(version: ItemVersion) -> tuple[dict, list[dict], list[dict], list[dict]]:
    """A version as the forms' initial data (materials keep their codes)."""
    item = {
        "code": version.item.code,
        "name": version.name,
        "aliases": version.aliases,
        "department": version.department.code,
        "kind": version.kind,
        "statutory_days": version.statutory_days,
        "committed_days": version.committed_days,
        "windows": [w.number for w in version.windows.all()],
        "authorisation_document": version.authorisation_document,
        "legal_service": version.legal_service,
        "fee_amount": version.fee_amount,
        "fee_basis": version.fee_basis,
        "fee_approval_document": version.fee_approval_document,
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "quantity_limits": version.quantity_limits,
        "contact": version.contact,
    }
    materials = [
        {
            "code": m.code,
            "name": m.name,
            "form": m.form,
            "copies": m.copies,
            "required": m.required,
            "condition": m.condition,
            "notes": m.notes,
        }
        for m in version.materials.all()
    ]
    steps = [
        {"name": s.name, "description": s.description, "days": s.days, "role": s.role}
        for s in version.steps.all()
    ]
    participants = [{"department": p.department.code, "days": p.days} for p in version.participants.all()]
    return item, materials, steps, participants

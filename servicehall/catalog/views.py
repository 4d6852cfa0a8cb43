"""Staff pages of the catalog (login required):

/catalog/<center>/                              items, search, export and import
/catalog/<center>/new/                          a new item (director, administrator, department head)
/catalog/<center>/export.xlsx                   the catalog as Excel (anyone with a role in the center)
/catalog/<center>/import/                       import a workbook (director, administrator)
/catalog/<center>/items/<item>/                 edit an item: a new version with a reason
/catalog/<center>/items/<item>/void/            withdraw the item (POST, with a reason)
/catalog/<center>/items/<item>/history/         every version: who, when, why, what changed (CAT-5)
/catalog/<center>/items/<item>/history/<n>/     one version as its guide read then
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.catalog import excel, forms, rules, selectors, services
from servicehall.catalog.models import Material
from servicehall.core import clock, xlsx
from servicehall.core.errors import DomainError, NotFound
from servicehall.org import access
from servicehall.org.models import Department, Window
from servicehall.org.selectors import get_center

ROWS = {
    "materials": gettext_lazy("申请材料"),
    "steps": gettext_lazy("办理流程"),
    "participants": gettext_lazy("并联审批"),
}


def _center_for(user, code: str):
    """The center, if the user holds any role there (403 otherwise, 404 when unknown)."""
    try:
        center = get_center(code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if not access.roles_in(user, center):
        raise PermissionDenied(_("您在「%(center)s」没有任何角色。") % {"center": center.name})
    return center


def _item(center, item_code: str):
    try:
        return selectors.get_item(center, item_code)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_GET
def item_list(request, code: str):
    center = _center_for(request.user, code)
    q = request.GET.get("q", "").strip()[:100]
    items = list(selectors.search(selectors.items_of(center), q))
    editable = {
        d.pk for d in Department.objects.filter(center=center) if services.can_edit(request.user, center, d)
    }
    roles = access.roles_in(request.user, center)
    return render(
        request,
        "catalog/item_list.html",
        {
            "center": center,
            "items": items,
            "q": q,
            "editable": editable,
            "can_import": bool(roles & set(services.IMPORTERS)),
        },
    )


def _forms(request, center, initial=None, editing=False):
    departments = list(Department.objects.filter(center=center).order_by("id"))
    if not services.can_edit(request.user, center):
        departments = [d for d in departments if services.can_edit(request.user, center, d)]
    windows = list(Window.objects.filter(center=center).order_by("number"))
    item_i, materials_i, steps_i, participants_i = initial or ({}, [], [], [])
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    return (
        forms.ItemForm(data[0], initial=item_i, departments=departments, windows=windows, editing=editing),
        forms.MaterialFormSet(*data, initial=materials_i, prefix="materials"),
        forms.StepFormSet(data[0], initial=steps_i, prefix="steps"),
        forms.ParticipantFormSet(
            data[0], initial=participants_i, prefix="participants", form_kwargs={"departments": departments}
        ),
    )


def _put_back(problems, item_form, formsets) -> None:
    """Show each rule problem on the field it names (materials.2.condition → row 3's condition)."""
    for p in problems:
        parts = p.field.split(".")
        if len(parts) == 1 and parts[0] in item_form.fields:
            item_form.add_error(parts[0], p.message)
        elif len(parts) == 3 and parts[0] in formsets:
            rows = forms.kept(formsets[parts[0]])
            index = int(parts[1])
            form = formsets[parts[0]].forms[rows[index][0]] if index < len(rows) else None
            if form is not None and parts[2] in form.fields:
                form.add_error(parts[2], p.message)


def _edit(request, center, *, item=None):
    initial = forms.initial_from(selectors.guide(center, item.code)) if item else None
    item_form, materials, steps, participants = _forms(request, center, initial, editing=item is not None)
    formsets = {"materials": materials, "steps": steps, "participants": participants}
    status, problems = 200, []
    if request.method == "POST":
        if all(f.is_valid() for f in (item_form, materials, steps, participants)):
            draft = forms.draft_from(item_form, materials, steps, participants)
            reason = item_form.cleaned_data["reason"]
            try:
                if item is None:
                    item = services.item_create(
                        actor=request.user, center=center, draft=draft, reason=reason or services.FIRST_REASON
                    )
                    messages.success(request, _("已新设事项「%(name)s」。") % {"name": draft.name})
                elif (
                    version := services.item_update(actor=request.user, item=item, draft=draft, reason=reason)
                ) is None:
                    messages.info(request, _("内容没有变化，未生成新版本。"))
                else:
                    messages.success(request, _("已保存为第 %(n)d 版。") % {"n": version.number})
                return redirect("catalog:edit", center.code, item.code)
            except DomainError as exc:
                status = exc.status
                if exc.status == 403:
                    raise PermissionDenied(exc.message) from None
                problems = services.problems(services.Lookup(center), draft) or [
                    rules.Problem("", exc.code, exc.message)
                ]
                _put_back(problems, item_form, formsets)
        else:
            status = 400
    return render(
        request,
        "catalog/item_edit.html",
        {
            "center": center,
            "item": item,
            "form": item_form,
            "formsets": formsets,
            "problems": problems,
            "sample_codes": _sample_codes(item),
        },
        status=status,
    )


def _sample_codes(item) -> set[str]:
    if item is None:
        return set()
    return set(
        Material.objects.filter(version_id=item.current_id).exclude(sample="").values_list("code", flat=True)
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request, code: str):
    center = _center_for(request.user, code)
    if not services.can_edit(request.user, center) and not any(
        services.can_edit(request.user, center, d) for d in Department.objects.filter(center=center)
    ):
        raise PermissionDenied(_("只有中心主任、系统管理员和科室负责人可以新设事项。"))
    return _edit(request, center)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, code: str, item_code: str):
    center = _center_for(request.user, code)
    item = _item(center, item_code)
    if not services.can_edit(request.user, center, item.current.department):
        raise PermissionDenied(_("您不能编辑该事项：只有中心主任、系统管理员和本科室负责人可以编辑。"))
    return _edit(request, center, item=item)


@login_required
@require_POST
def item_void(request, code: str, item_code: str):
    center = _center_for(request.user, code)
    item = _item(center, item_code)
    try:
        services.item_void(actor=request.user, item=item, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
        return redirect("catalog:edit", center.code, item.code)
    messages.success(request, _("已停用事项「%(name)s」。") % {"name": item.current.name})
    return redirect("catalog:items", center.code)


@login_required
@require_GET
def history(request, code: str, item_code: str):
    center = _center_for(request.user, code)
    item = _item(center, item_code)
    versions = selectors.versions(item)
    contents = [selectors.content(v) for v in versions]
    rows = []
    for i, v in enumerate(versions):
        older = contents[i + 1] if i + 1 < len(contents) else None
        fields = rules.changed_fields(older, contents[i]) if older else []
        labels = [str(ROWS.get(f) or v._meta.get_field(f).verbose_name) for f in fields]
        added, removed, changed = (
            rules.material_changes(older["materials"], contents[i]["materials"]) if older else ([], [], [])
        )
        rows.append({"v": v, "fields": labels, "added": added, "removed": removed, "changed": changed})
    return render(
        request,
        "catalog/history.html",
        {
            "center": center,
            "item": item,
            "rows": rows,
            "can_edit": services.can_edit(request.user, center, item.current.department),
        },
    )


@login_required
@require_GET
def version_view(request, code: str, item_code: str, number: int):
    center = _center_for(request.user, code)
    item = _item(center, item_code)
    try:
        version = selectors.version_of(item, number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return render(
        request,
        "catalog/version.html",
        {"center": center, "item": item, "v": version, "handling": selectors.handling_windows(version)},
    )


@login_required
@require_GET
def export(request, code: str):
    center = _center_for(request.user, code)
    return xlsx.response(excel.export(center), f"catalog-{center.code}-{clock.local():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request, code: str):
    center = _center_for(request.user, code)
    if not access.has_role(request.user, center, *services.IMPORTERS):
        raise PermissionDenied(_("只有中心主任和系统管理员可以导入事项目录。"))
    context = {"center": center, "errors": [], "counts": None, "reason": ""}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        context["reason"] = reason = request.POST.get("reason", "").strip()[:300]
        if upload is None:
            context["errors"], status = [_("请选择要导入的 Excel 文件（.xlsx）。")], 400
        elif not reason:
            context["errors"], status = [_("请填写导入原因（将记入每个事项的版本历史）。")], 400
        else:
            try:
                counts, errors = excel.import_file(
                    actor=request.user, center=center, file=upload, reason=reason
                )
            except DomainError as exc:
                counts, errors = None, [exc.message]
            context["counts"], context["errors"] = counts, [str(e) for e in errors]
            status = 400 if errors else 200
    return render(request, "catalog/import.html", context, status=status)

"""Public pages, no login (CAT-4, ORG-4). Mounted at the site root:

/c/<center>/                                   center home: today's hours, windows and what each takes,
                                               complaint phone and channels
/c/<center>/guides/?q=                         guide list, searched by name, department or pinyin initials
/c/<center>/guides/<item>/                     printable service guide (A4), the item's current version
/c/<center>/guides/<item>/samples/<material>   a material's sample form
/c/<center>/staff/                             staff board (name, photo, title, duties, commitment, phone)
/c/<center>/staff/<id>/photo                   a staff photo
/c/<center>/screen/?page=&seconds=             hall screen: large type, rotates through the guides
"""

import os

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from servicehall.catalog import selectors as catalog
from servicehall.core import clock
from servicehall.core.errors import NotFound
from servicehall.org.models import Center, Staff
from servicehall.org.selectors import get_center
from servicehall.public import selectors

GUIDES_PER_PAGE = 30
SLIDES_PER_PAGE = 20
SLIDE_SECONDS = 12  # ?seconds= sets another pace for a screen, from 3 to 120


def _center(code: str) -> Center:
    try:
        return get_center(code)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _page(request, items, per_page: int):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@require_GET
def center_home(request, code: str):
    center = _center(code)
    today = clock.today()
    return render(
        request,
        "public/home.html",
        {
            "center": center,
            "hours": selectors.today_hours(center, today),
            "windows": selectors.windows_with_items(center),
        },
    )


@require_GET
def guide_list(request, code: str):
    center = _center(code)
    q = request.GET.get("q", "").strip()[:100]
    page = _page(request, catalog.search(catalog.items_of(center), q), GUIDES_PER_PAGE)
    return render(request, "public/guide_list.html", {"center": center, "q": q, "page": page})


@require_GET
def guide_detail(request, code: str, item_code: str):
    center = _center(code)
    try:
        version = catalog.guide(center, item_code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return render(
        request,
        "public/guide.html",
        {"center": center, "item": version.item, "v": version, "handling": catalog.handling_windows(version)},
    )


@require_GET
def sample(request, code: str, item_code: str, material_code: str):
    center = _center(code)
    try:
        version = catalog.guide(center, item_code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    material = next((m for m in version.materials.all() if m.code == material_code), None)
    if material is None or not material.sample:
        raise Http404(gettext("该材料没有示范文本。"))
    try:
        handle = material.sample.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("示范文本文件缺失。")) from None
    filename = f"{version.name}-{material.name}{os.path.splitext(material.sample.name)[1]}"
    return FileResponse(handle, as_attachment=False, filename=filename)


@require_GET
def staff_board(request, code: str):
    center = _center(code)
    board = selectors.staff_board(center, clock.today())
    return render(request, "public/staff.html", {"center": center, "staff": board})


@require_GET
def staff_photo(request, code: str, staff_id: int):
    center = _center(code)
    person = Staff.objects.filter(center=center, pk=staff_id, active=True).first()
    if person is None or not person.photo:
        raise Http404(gettext("没有照片。"))
    try:
        return FileResponse(person.photo.open("rb"))
    except FileNotFoundError:
        raise Http404(gettext("照片文件缺失。")) from None


def _seconds(text) -> int:
    try:
        return min(max(int(text), 3), 120)
    except (TypeError, ValueError):
        return SLIDE_SECONDS


def _center_time() -> dict:
    """The center's time for the screen's clock: the moment (ms since the epoch) and the center's
    offset from UTC, so the page ticks on from the server's time in the center's zone, whatever
    zone the screen's browser is set to."""
    now = clock.local()
    return {
        "now": now,
        "epoch_ms": int(now.timestamp() * 1000),
        "offset_minutes": int(now.utcoffset().total_seconds() // 60),
    }


@require_GET
def hall_screen(request, code: str):
    center = _center(code)
    items = catalog.items_of(center).prefetch_related("current__materials")
    page = _page(request, items, SLIDES_PER_PAGE)
    windows = selectors.windows_by_department(center)
    for item in page:
        item.windows = windows.get(item.current.department_id, [])
    return render(
        request,
        "public/screen.html",
        {
            "center": center,
            "page": page,
            "next_page": page.next_page_number() if page.has_next() else 1,
            "seconds": _seconds(request.GET.get("seconds")),
            **_center_time(),
        },
    )

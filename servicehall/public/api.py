"""Public reads, no login (CAT-4, ORG-4): the same content as the public pages.

GET /api/v1/public/centers/{code}/items?q=        the catalog, searchable like the guide list
GET /api/v1/public/centers/{code}/items/{item}    one guide (the current version), all of CAT-1
GET /api/v1/public/centers/{code}/staff           the staff board and the complaint channels
"""

from django.urls import reverse
from ninja import Router, Schema

from servicehall.catalog import selectors as catalog
from servicehall.catalog.api import guide_out
from servicehall.core import clock
from servicehall.org.selectors import get_center
from servicehall.public import selectors

router = Router(tags=["public"], auth=None)


class ItemSummaryOut(Schema):
    code: str
    name: str
    department: str
    kind: str
    kind_label: str
    statutory_days: int | None
    committed_days: int
    free: bool
    version: int
    url: str


class PostOut(Schema):
    window: int
    window_name: str
    post: str


class StaffOut(Schema):
    name: str
    title: str
    department: str | None
    duties: str
    commitment: str
    phone: str
    photo_url: str | None
    posts: list[PostOut]


class StaffBoardOut(Schema):
    center: str
    complaint_phone: str
    complaint_channels: str
    staff: list[StaffOut]


@router.get("/centers/{code}/items", response=list[ItemSummaryOut])
def items(request, code: str, q: str = ""):
    """The center's items in force; ``q`` matches name, department, code or pinyin initials (cjrz)."""
    center = get_center(code)
    return [
        {
            "code": item.code,
            "name": item.current.name,
            "department": item.current.department.name,
            "kind": item.current.kind,
            "kind_label": item.current.get_kind_display(),
            "statutory_days": item.current.statutory_days,
            "committed_days": item.current.committed_days,
            "free": item.current.is_free,
            "version": item.current.number,
            "url": reverse("public:guide", args=[center.code, item.code]),
        }
        for item in catalog.search(catalog.items_of(center), q)
    ]


@router.get("/centers/{code}/items/{item_code}", response=dict)
def item(request, code: str, item_code: str):
    """One service guide: the item's current version, materials, steps, fee, windows."""
    center = get_center(code)
    return guide_out(center, catalog.guide(center, item_code))


@router.get("/centers/{code}/staff", response=StaffBoardOut)
def staff(request, code: str):
    """ORG-4: name, photo, title, duties, commitment and phone of each person; the complaint channels."""
    center = get_center(code)
    return {
        "center": center.name,
        "complaint_phone": center.complaint_phone,
        "complaint_channels": center.complaint_channels,
        "staff": [
            {
                "name": s.name,
                "title": s.title,
                "department": s.department.name if s.department_id else None,
                "duties": s.duties,
                "commitment": s.commitment,
                "phone": s.phone,
                "photo_url": reverse("public:staff_photo", args=[center.code, s.pk]) if s.photo else None,
                "posts": [
                    {"window": p.window.number, "window_name": p.window.name, "post": p.kind}
                    for p in s.posts.all()
                ],
            }
            for s in selectors.staff_board(center, clock.today())
        ],
    }

"""Every app's API router, mounted under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from servicehall.cases.api import router as cases_router
from servicehall.catalog.api import router as catalog_router
from servicehall.core.api import api
from servicehall.core.todo_api import router as todo_router
from servicehall.org.accounts_api import router as accounts_router
from servicehall.org.api import router as org_router
from servicehall.public.api import router as public_router
from servicehall.tickets.api import router as tickets_router
from servicehall.workdays.api import router as workdays_router

api.add_router("", org_router)
api.add_router("", accounts_router)
api.add_router("", workdays_router)
api.add_router("", tickets_router)
api.add_router("", catalog_router)
api.add_router("/public", public_router)
api.add_router("", cases_router)
api.add_router("", todo_router)

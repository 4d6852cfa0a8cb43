"""Every app's API router, mounted under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from servicehall.assessment.api import router as assessment_router
from servicehall.cases.api import router as cases_router
from servicehall.catalog.api import router as catalog_router
from servicehall.complaints.api import public_router as complaints_public_router
from servicehall.complaints.api import router as complaints_router
from servicehall.core.api import api
from servicehall.core.todo_api import router as todo_router
from servicehall.duty.api import router as duty_router
from servicehall.org.accounts_api import router as accounts_router
from servicehall.org.api import router as org_router
from servicehall.parallel.api import router as parallel_router
from servicehall.public.api import router as public_router
from servicehall.ratings.api import router as ratings_router
from servicehall.tickets.api import router as tickets_router
from servicehall.training.api import router as training_router
from servicehall.workdays.api import router as workdays_router

api.add_router("", org_router)
api.add_router("", accounts_router)
api.add_router("", workdays_router)
api.add_router("", tickets_router)
api.add_router("", catalog_router)
api.add_router("/public", public_router)
api.add_router("", cases_router)
api.add_router("", todo_router)
api.add_router("", parallel_router)
api.add_router("", complaints_router)
api.add_router("", ratings_router)
api.add_router("", duty_router)
api.add_router("", training_router)
api.add_router("", assessment_router)
api.add_router("/public", complaints_public_router)

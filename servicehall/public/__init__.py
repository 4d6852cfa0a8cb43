"""Public disclosure without login (CAT-4, ORG-4): pages under /c/<center>/ (see ``views``) and
the same content under /api/v1/public/centers/{code}/ (see ``api``)."""

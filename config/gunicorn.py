"""gunicorn settings for every way the app is served: ``make demo``, the benchmarks and
production (docs/deploy.md). Command-line options (bind, workers) add to these."""

import os

# The app is loaded once, in the master: a worker that dies (or is recycled by --max-requests)
# is forked back ready in milliseconds, instead of importing Django again for a second or more
# while the queue waits on the workers left.
preload_app = True


def post_fork(server, worker):
    """The master opens no database connection (nothing queries at start-up); should one ever
    be open, a child must not share it."""
    from django.db import connections

    connections.close_all()


# Each worker serves up to this many requests at once, one per thread (gunicorn's gthread
# worker): while one request waits on the database — on PostgreSQL a commit waits for its
# write-ahead log to reach the disk — another runs its Python, and commits that wait together
# share one flush. Every thread has its own database connection.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

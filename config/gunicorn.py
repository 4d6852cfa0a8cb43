"""gunicorn settings for every way the app is served: ``make demo``, the benchmarks and
production (docs/deploy.md). Command-line options (bind, workers) add to these."""

# The app is loaded once, in the master: a worker that dies (or is recycled by --max-requests)
# is forked back ready in milliseconds, instead of importing Django again for a second or more
# while the queue waits on the workers left.
preload_app = True


def post_fork(server, worker):
    """The master opens no database connection (nothing queries at start-up); should one ever
    be open, a child must not share it."""
    from django.db import connections

    connections.close_all()

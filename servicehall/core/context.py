from servicehall.core import clock


def servicehall(request):
    return {"clock_now": clock.local(), "clock_shifted": clock.is_shifted()}

"""Duty roster, leave, clock-ins and attendance (DUT-1 … DUT-5)."""

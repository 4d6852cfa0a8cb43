"""Training: the regulation as pure functions (no Django)."""

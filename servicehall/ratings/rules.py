"""评价与回访: the regulation as pure functions (no Django)."""

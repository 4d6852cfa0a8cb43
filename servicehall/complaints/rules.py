"""投诉处理: the regulation as pure functions (no Django)."""

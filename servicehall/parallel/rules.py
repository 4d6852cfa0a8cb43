"""并联审批: the regulation as pure functions (no Django)."""

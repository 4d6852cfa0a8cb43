"""值班请假与考勤: the regulation as pure functions (no Django)."""

"""考核评比: the regulation as pure functions (no Django)."""

"""Catalog fixtures: the demo center with its demo catalog."""

import pytest


@pytest.fixture
def catalog(demo):
    """The Kaiyuan center with its demo catalog loaded (25 items across its seven windows)."""
    from servicehall.catalog import demo as catalog_demo

    catalog_demo.load()
    return demo

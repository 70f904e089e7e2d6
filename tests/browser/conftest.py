"""The browser tests' Chromium, one a module."""

from support.browser import browser  # noqa: F401 - the fixture

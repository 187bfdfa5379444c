"""Passive, reusable widgets: they receive data and render it, never do I/O."""

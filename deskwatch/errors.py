"""The one error type the CLI turns into a one-line message and an exit status."""

from __future__ import annotations


class DeskwatchError(Exception):
    """A failure the user can act on. ``str(error)`` is one line: what is wrong, what to do."""

    exit_code = 1

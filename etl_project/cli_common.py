"""What the `etl-project` commands share: the error a user can fix, and the date arguments."""
from __future__ import annotations

import argparse
from datetime import date


class UsageError(Exception):
    """A mistake in how a command was called: one line on stderr and exit status 2."""


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None

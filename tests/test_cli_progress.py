"""`etl-project run`'s progress: a rich bar in a terminal, plain lines in a pipe or a log."""
from __future__ import annotations

import io

from etl_project.cli_progress import PartitionProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out, err = io.StringIO(), io.StringIO()
    with PartitionProgress(3, stream=out, errors=err) as progress:
        progress.partition("2025-11-10: 6 articles")
        progress.failed("2025-11-11: FAILED (run r1)")
        progress.partition("2025-11-12: 7 articles [x]")
    assert out.getvalue().splitlines() == ["[######              ] 1/3 2025-11-10: 6 articles",
                                           "[####################] 3/3 2025-11-12: 7 articles [x]"]
    assert err.getvalue() == "[2/3] 2025-11-11: FAILED (run r1)\n"
    assert "\x1b" not in out.getvalue()


def test_a_rich_bar_in_a_terminal_with_each_partition_above_it():
    term = Terminal()
    with PartitionProgress(2, stream=term) as progress:
        assert progress.live
        progress.partition("2025-11-10: 6 articles [bold]")
        progress.partition("2025-11-11: 5 articles")
    text = term.getvalue()
    assert "1/2 2025-11-10: 6 articles [bold]" in text  # printed as it is, not read as markup
    assert "2/2 2025-11-11: 5 articles" in text
    assert "partitions" in text and "2/2" in text

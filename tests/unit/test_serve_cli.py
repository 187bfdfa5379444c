"""``deskwatch serve`` refuses to open the dashboard to the network unless told to."""

from __future__ import annotations

import pytest

from deskwatch.cli import main
from deskwatch.commands.serve import ServeUsageError, check_bind, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"])
def test_loopback_addresses(host: str):
    assert is_loopback(host)
    assert check_bind(host, "8000", allow_remote=False) == 8000


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "wall.example.com"])
def test_a_remote_bind_needs_the_flag(host: str):
    assert not is_loopback(host)
    with pytest.raises(ServeUsageError, match="--allow-remote"):
        check_bind(host, "8000", allow_remote=False)
    assert check_bind(host, "8000", allow_remote=True) == 8000


@pytest.mark.parametrize("port", ["0", "65536", "http", ""])
def test_bad_ports(port: str):
    with pytest.raises(ServeUsageError, match="--port"):
        check_bind("127.0.0.1", port, allow_remote=False)


def test_cli_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]):
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no authentication" in err[0] and "--allow-remote" in err[0]

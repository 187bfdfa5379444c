"""``deskwatch serve`` refuses to open the dashboard to the network unless told to."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_a_port_in_use_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # found by the issue-16 audit: "unexpected error: OSError: [Errno 98] error while attempting
    # to bind on address ..." (and gaierror for an unknown --host with --allow-remote)
    import deskwatch.commands.serve as serve

    class Child:  # the collect child is not what this test is about
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.stopped = False

        def terminate(self) -> None:
            self.stopped = True

        def wait(self, timeout: float) -> int:
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", Child)
    config = tmp_path / "c.toml"
    config.write_text('[zendesk]\nurl = "http://127.0.0.1:9"\n[zendesk.auth]\naccess_token = "t"\n')
    config.chmod(0o600)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--config", str(config), "--state-dir", str(tmp_path / "s"),
                     "--port", str(port)])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1] == (
        f"deskwatch: cannot serve on 127.0.0.1:{port} (address already in use); pick another "
        "--port, or a --host this machine has"
    )
    assert not any("Traceback" in line or "unexpected error" in line for line in err)


@settings(max_examples=200, deadline=None)
@given(
    host=st.text(max_size=20)
    | st.sampled_from(
        ["127.0.0.1", "::1", "[::1]", "0.0.0.0", "::", "a\nb", "\x00", "[", "::ffff:127.0.0.1"]
    ),
    port=st.text(max_size=8) | st.integers(-(2**70), 2**70).map(str),
    allow=st.booleans(),
)
def test_fuzz_serve_flags_are_a_port_or_one_usage_line(host: str, port: str, allow: bool) -> None:
    try:
        number = check_bind(host, port, allow_remote=allow)
    except ServeUsageError as exc:
        assert exc.exit_code == 2 and str(exc)  # the CLI prints it on one line, escaped
        return
    assert 1 <= number <= 65535
    assert allow or is_loopback(host)

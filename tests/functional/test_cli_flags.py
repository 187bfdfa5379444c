"""Bad command-line flags and configs through ``deskwatch.cli.main``: one line on stderr,
exit 2, never a traceback; every command checks the whole config (issue 16)."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskwatch.cli import main

ACCOUNT = '[zendesk]\nurl = "http://127.0.0.1:9"\n[zendesk.auth]\naccess_token = "tok-123456"\n'


def config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "c.toml"
    path.write_text(ACCOUNT + extra)
    path.chmod(0o600)
    return path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse usage errors and --help
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.rstrip("\n")


def export_args(tmp_path: Path, *args: str) -> list[str]:
    return ["export", "--no-sync", "--config", str(config(tmp_path)), "--state-dir",
            str(tmp_path / "state"), *args]  # fmt: skip


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("9999-12-31T23:59:59+00:00", "is out of range; use a time from 2000 to 2099"),
        ("9999-12-31T23:59:59-01:00", "is out of range"),
        ("0001-01-01T00:00:00+01:00", "is out of range"),
        ("1970-01-01", "is out of range"),
        ("2026-13-01", "is not an ISO 8601 time"),
        ("yesterday\nnoon", 'yesterday\\nnoon" is not an ISO 8601 time'),
        ("", "is not an ISO 8601 time"),
    ],
)
def test_bad_now_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], now: str, expected: str
) -> None:
    code, err = cli(capsys, *export_args(tmp_path, "--now", now))
    assert code == 2
    assert expected in one_line(err) and one_line(err).startswith("deskwatch: --now ")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--now"], "argument --now: expected one argument"),
        (["--output", "."], "--output . is a directory"),
        (["--output", "/"], "--output / is a directory; pass a file name, e.g. /kpis.json"),
        (["--output", "/nonexistent-dir/k.json"], "the directory /nonexistent-dir does not exist"),
    ],
)
def test_bad_export_flags_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, err = cli(capsys, *export_args(tmp_path, *args))
    assert code == 2
    assert expected in one_line(err)


def test_a_directory_as_config_says_it_is_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("export", "check", "run"):
        code, err = cli(capsys, command, "--config", str(tmp_path))
        assert code == 2
        assert one_line(err) == (
            f"deskwatch: config error: {tmp_path}: is a directory, not a config file; "
            f"pass the file's path (e.g. {tmp_path / 'config.toml'})"
        )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('[display]\ntheme = "nrod"\n', 'display.theme: found "nrod"'),
        ('[keys]\nrefresh = "q"\n', 'keys.refresh: "q" is already bound to quit'),
        ("[poll]\nlive = nan\n", "poll.live: found nan"),
        ('[zendesk.auth]\nmethod = "api_tokn"\n', "zendesk.auth.method"),
    ],
)
@pytest.mark.parametrize("command", ["export", "check", "run", "collect", "serve"])
def test_every_command_checks_the_whole_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, extra: str, expected: str
) -> None:
    path = config(tmp_path, extra.replace("[zendesk.auth]\n", ""))
    if extra.startswith("[zendesk.auth]"):
        path.write_text(ACCOUNT.replace("[zendesk.auth]\n", '[zendesk.auth]\nmethod = "x"\n'))
    args = [command, "--config", str(path), "--state-dir", str(tmp_path / "s")]
    code, err = cli(capsys, *(args + (["--no-sync"] if command == "export" else [])))
    assert code == 2
    line = one_line(err)
    assert line.startswith(f"deskwatch: config error: {path}: ")
    assert (expected if "method" not in expected else "zendesk.auth.method: found") in line
    assert not (tmp_path / "s").exists()  # nothing ran: no state dir created


# --- fuzz ---------------------------------------------------------------------------------

flag_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=string.digits + "-+:TZ.", max_size=30),
    st.sampled_from(["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00", "nan", "-1", ""]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    now=st.one_of(st.none(), flag_text),
    fmt=st.one_of(st.none(), st.sampled_from(["json", "csv", "parquet", "xml", ""])),
    output=st.one_of(st.none(), st.text(alphabet=string.ascii_letters + "./ \n", max_size=12)),
    extra=st.lists(st.sampled_from(["--wall", "--no-sync", "-o", "--x", "--", "-h"]), max_size=2),
    filters=st.lists(
        st.tuples(st.sampled_from(["--group", "--brand", "--channel"]), flag_text), max_size=2
    ),
)
def test_fuzz_export_flags_exit_0_or_one_line(
    now: str | None,
    fmt: str | None,
    output: str | None,
    extra: list[str],
    filters: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        args = ["export", "--no-sync", "--config", str(config(root)), "--state-dir",
                str(root / "state")]  # fmt: skip
        if now is not None:
            args += ["--now", now]
        if fmt is not None:
            args += ["--format", fmt]
        if output is not None:
            args += ["--output", str(root / "out" / output)]
        (root / "out").mkdir()
        args += extra
        args += [f"{flag}={value}" for flag, value in filters]
        import contextlib
        import io

        err = io.StringIO()
        with (
            contextlib.redirect_stderr(err),
            contextlib.redirect_stdout(io.TextIOWrapper(io.BytesIO())),
        ):
            try:
                code = main(args)
            except SystemExit as exc:
                code = int(exc.code or 0)
        text = err.getvalue()
        assert "Traceback" not in text and "unexpected error" not in text, text
        if code != 0:
            assert code == 2, text
            assert text.count("\n") == 1 and text.endswith("\n"), text


SIM_FLAGS = ["--port", "--seed", "--speed", "--history-days", "--plan", "--faults", "--fault",
             "--token", "--tickets", "--calls", "--timezone", "--page-size"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(flags=st.lists(st.tuples(st.sampled_from(SIM_FLAGS), flag_text), max_size=4))
def test_fuzz_sim_flags_are_options_or_one_usage_line(flags: list[tuple[str, str]]) -> None:
    """Every ``deskwatch sim`` flag value is checked before the simulator starts."""
    from deskwatch.cli import build_parser
    from deskwatch.commands.sim import SimUsageError, options

    argv = ["sim"] + [f"{flag}={value}" for flag, value in flags]
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        assert exc.code == 2
        return
    try:
        options(args)
    except SimUsageError as exc:
        assert exc.exit_code == 2 and str(exc)


@settings(max_examples=100, deadline=None)
@given(value=flag_text, integer=st.booleans())
def test_fuzz_demo_numbers(value: str, integer: bool) -> None:
    from deskwatch.commands.demo import DemoUsageError, _parse

    try:
        number = _parse(value, "--speed", integer=integer, high=100_000)
    except DemoUsageError as exc:
        assert exc.exit_code == 2 and str(exc)
        return
    assert 0 <= number <= 100_000

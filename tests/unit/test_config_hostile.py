"""Hostile config files (issue 16): each is one ConfigError line naming the key and the fix,
never a traceback, never a Python repr; plus a hypothesis fuzz of the loader."""

from __future__ import annotations

import math
import string
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskwatch.config import DEFAULT_KEYS, ConfigError, build_config, declared_keys, load_config
from deskwatch.config.keys import is_key

GOOD = '[zendesk]\nsubdomain = "acme"\n[zendesk.auth]\naccess_token = "tok-SECRET-123"\n'


def write(tmp_path: Path, data: str | bytes, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    path.chmod(mode)
    return path


def one_line(exc: pytest.ExceptionInfo[ConfigError]) -> str:
    message = str(exc.value)
    assert message.isprintable(), message
    assert "datetime." not in message and "Traceback" not in message
    return message


def error_of(tmp_path: Path, data: str | bytes, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, data), env or {})
    return one_line(info)


def test_invalid_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.encode() + b'[account]\ntimezone = "Europe/\xff"\n')
    assert message.endswith("not valid UTF-8 (byte 0xff on line 6); save the file as UTF-8")


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode()), {})
    assert cfg.zendesk.subdomain == "acme"


def test_arrays_nested_5000_deep_are_refused_in_one_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + "[escalation]\ntags = " + "[" * 5000 + "]" * 5000)
    assert "nested too deeply" in message


def test_an_array_nested_less_deep_is_just_not_a_list_of_strings(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + "[escalation]\ntags = " + "[" * 200 + "]" * 200)
    assert "escalation.tags: found an array, expected a list of strings" in message


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    assert "larger than 1024 KiB" in error_of(tmp_path, GOOD + "#" * (1 << 20))


FLOAT_KEYS = [key for key, f in declared_keys() if f.type in ("float", float)]


def test_every_float_key_is_covered() -> None:
    assert set(FLOAT_KEYS) == {
        "poll.live", "poll.incremental", "poll.reference", "display.rotate_seconds",
        "targets.first_reply_minutes", "targets.full_resolution_minutes", "targets.csat",
        "targets.answer_seconds", "budget.share", "budget.exports_per_minute",
        "targets.wait_seconds",
        "targets.hold_seconds", "targets.wrap_up_seconds", "targets.quality",
        "cost.monthly_support_cost",
        "alerts.renotify_minutes", "alerts.hysteresis",
    }  # fmt: skip


#: 0 means "no target" / "off" for these (any other value below their range is refused)
ZERO_IS_OFF = {
    "targets.wait_seconds", "targets.hold_seconds", "targets.wrap_up_seconds", "targets.quality",
    "cost.monthly_support_cost",
}  # fmt: skip


@pytest.mark.parametrize("key", FLOAT_KEYS)
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan", "1e-300", "1e300", "0.0"])
def test_nan_inf_and_absurd_numbers_are_refused_for_every_float(
    tmp_path: Path, key: str, value: str
) -> None:
    if key == "targets.csat" and value in ("1e-300", "0.0"):
        return  # a satisfaction target of 0 is odd, not absurd: every score meets it
    if key == "alerts.hysteresis" and value in ("1e-300", "0.0"):
        return  # no hysteresis: a rule resolves as soon as it is back under its threshold
    section, name = key.split(".")
    if key in ZERO_IS_OFF and value == "0.0":
        cfg = load_config(write(tmp_path, f"{GOOD}[{section}]\n{name} = 0.0\n"), {})
        assert getattr(getattr(cfg, section), name) == 0.0  # off, not an error
        return
    message = error_of(tmp_path, f"{GOOD}[{section}]\n{name} = {value}\n")
    shown = value.lstrip("+") if "nan" in value or "inf" in value else repr(float(value))
    assert f"{key}: found {shown}, expected a number " in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[poll]\nlive = 0.5", "poll.live: found 0.5, expected a number from 1 to 86400 (seconds)"),
        ("[poll]\nreference = 1e9", "poll.reference: found 1000000000.0, expected a number from 1"),
        ("[display]\nrotate_seconds = 0", "display.rotate_seconds: found 0, expected a number"),
        ("[budget]\nshare = 0", "budget.share: found 0, expected a number from 0.01 to 1"),
        ("[budget]\nshare = 1.5", "budget.share: found 1.5, expected a number from 0.01 to 1"),
        ("[targets]\ncsat = -0.1", "targets.csat: found -0.1, expected a number from 0 to 1"),
        ("[targets]\nanswer_seconds = 0", "targets.answer_seconds: found 0, expected a number"),
        ("[sync]\nhistory_days = 9223372036854775807", "sync.history_days: found 92233720368"),
        ("[poll]\nlive = 2024-01-01", "poll.live: found the date 2024-01-01, expected a number"),
        (
            "[poll]\nlive = 2024-01-01T10:00:00Z",
            "poll.live: found the date-time 2024-01-01T10:00:00+00:00, expected a number",
        ),
        ("[poll]\nlive = 10:00:00", "poll.live: found the time 10:00:00, expected a number"),
        ("[poll]\nlive = [1, 2]", "poll.live: found an array, expected a number"),
        ("[poll]\nlive = {a = 1}", "poll.live: found a table, expected a number"),
        (
            "[account]\ntimezone = 2024-01-01",
            "account.timezone: found the date 2024-01-01, expected an IANA time zone name",
        ),
        ('[poll]\n"a\\nb" = 1', "poll.a\\nb: unknown key"),
        ('[poll]\nlive = "a\\nb\\u2028"', 'poll.live: found "a\\nb\\u2028", expected a number'),
        ('["x\\ty"]\na = 1', "[x\\ty]: unknown section"),
    ],
)
def test_bad_values_are_shown_as_toml_never_as_python_reprs(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert expected in error_of(tmp_path, GOOD + text)


def test_a_long_value_is_cut_in_the_message(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + f'[kpis]\ntime_basis = "{"x" * 5000}"')
    assert len(message) < 400 and "…" in message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://host/api/v2",
            'zendesk.url: found "http://host/api/v2", expected the account\'s base URL '
            'without /api/v2, e.g. "http://host"',
        ),
        ("https://acme.zendesk.com/api/v2/", 'without /api/v2, e.g. "https://acme.zendesk.com"'),
        ("https://acme.zendesk.com/api/v2/tickets", "without /api/v2"),
        (
            "http://acme.zendesk.com",
            'zendesk.url: found "http://acme.zendesk.com", expected an https:// URL: plain http '
            "would send the credentials in clear text (it is allowed only for loopback: "
            '127.0.0.0/8, ::1, localhost); use "https://acme.zendesk.com"',
        ),
        ("http://10.1.2.3:8080", 'use "https://10.1.2.3:8080"'),
        ("http://127.0.0.1.evil.example", "expected an https:// URL"),
        ("https://user:hunter2@acme.zendesk.com", 'found "https://***@acme.zendesk.com"'),
        ("https://acme.zendesk.com?x=1", "no ?query or #fragment"),
        ("https://acme.zendesk.com:99999", "expected a base URL such as"),
        ("https://[::1", "expected a base URL such as"),
        ("https://", "expected a base URL such as"),
    ],
)
def test_urls_that_would_misroute_or_leak_the_token_are_refused(
    tmp_path: Path, url: str, expected: str
) -> None:
    message = error_of(tmp_path, GOOD.replace('subdomain = "acme"', f'url = "{url}"'))
    assert expected in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.zendesk.com",
        "https://proxy.example/zendesk/",
        "http://127.0.0.1:8765",
        "http://127.3.4.5",
        "http://[::1]:8765",
        "http://localhost:8765/",
    ],
)
def test_https_and_loopback_http_urls_are_accepted(tmp_path: Path, url: str) -> None:
    cfg = load_config(write(tmp_path, GOOD.replace('subdomain = "acme"', f'url = "{url}"')), {})
    assert cfg.zendesk.base_url == url.rstrip("/")


def test_plain_http_from_the_environment_is_refused_too(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD, {"ZENDESK_URL": "http://acme.zendesk.com"})
    assert message.startswith("ZENDESK_URL (for zendesk.url): found")
    assert 'use "https://acme.zendesk.com"' in message


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (
            'refresh = "q"',
            'keys.refresh: "q" is already bound to quit; pick another key, or '
            'remap quit too (e.g. quit = "f9")',
        ),
        ('quit = "r"', 'keys.quit: "r" is already bound to refresh'),
        ('refresh = "x"\npause = "x"', 'keys.pause: "x" is already bound to refresh'),
        ('refresh = "="', 'keys.refresh: "equals_sign" is already bound to interval.up'),
        ('help = "tab"', 'keys.help: "tab" is already bound to dashboard.next'),
        ('refresh = "ctrl+q"', 'keys.refresh: "ctrl+q" is reserved by Textual'),
        ('refresh = "ctrl+c"', 'keys.refresh: "ctrl+c" is reserved by Textual'),
        ('refresh = "f 5"', 'keys.refresh: found "f 5", expected keys such as "r,f5"'),
        ('refresh = ","', 'keys.refresh: found ",", expected keys such as "r,f5"'),
        ("refresh = 5", 'keys.refresh: found 5, expected a string of keys such as "r,f5"'),
        ('refesh = "f5"', 'keys.refesh: unknown binding id; did you mean "refresh"?'),
        ('quit = "esc"', 'keys.quit: found "esc": "esc" is not a key Textual knows; did you mean'),
        ('quit = "ctrl+ctrl+x"', "is not a key Textual knows"),
        ('quit = "f25"', "is not a key Textual knows"),
        ('quit = "hyper+"', "is not a key Textual knows"),
        ('wall = "ctrl+="\nquit = "ctrl+equals_sign"', 'keys.quit: "ctrl+equals_sign" is already'),
    ],
)
def test_key_conflicts_and_bad_keys_are_errors(tmp_path: Path, keys: str, expected: str) -> None:
    path = write(tmp_path, GOOD + "[keys]\n" + keys)
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert one_line(info) == f"{path}: {expected}" or expected in one_line(info)


def test_swapping_two_keys_and_taking_back_a_freed_key_are_fine(tmp_path: Path) -> None:
    text = GOOD + '[keys]\nrefresh = "q"\nquit = "r,ctrl+q"\npause = "p,space"\nwall = "="\n'
    text += 'interval.up = "plus"\nhelp = "?,ctrl++,ctrl+/,shift+f1,Q"\n'
    cfg = load_config(write(tmp_path, text), {})
    assert cfg.keys == {
        "refresh": "q", "quit": "r,ctrl+q", "pause": "p,space", "wall": "equals_sign",
        "interval.up": "plus", "help": "question_mark,ctrl+plus,ctrl+slash,shift+f1,Q",
    }  # fmt: skip


def test_the_theme_is_checked_by_the_config_layer(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + '[display]\ntheme = "dracla"')
    assert 'display.theme: found "dracla", expected a built-in Textual theme; did you mean ' in (
        message
    )
    assert '"dracula"?' in message


def test_a_directory_given_as_the_config_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, {})
    message = one_line(info)
    assert message == (
        f"{tmp_path}: is a directory, not a config file; pass the file's path "
        f"(e.g. {tmp_path / 'config.toml'})"
    )
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(None, {"DESKWATCH_CONFIG": str(tmp_path)})


def test_an_unreadable_or_odd_path_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / ("x" * 300) / "c.toml", {})
    assert "cannot read: File name too long" in one_line(info)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "a\nb.toml", {})
    assert "a\\nb.toml: config file not found" in one_line(info)


def test_a_file_as_the_state_dir_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + f'[state]\ndir = "{tmp_path / "config.toml"}"')
    with pytest.raises(ConfigError, match=r"state\.dir: .* is a file, expected a directory"):
        load_config(path, {})
    with pytest.raises(ConfigError, match=r"^--state-dir: .* is a file, expected a directory"):
        load_config(write(tmp_path, GOOD), {}, state_dir=path)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (0o600, None),
        (0o400, None),
        (0o700, None),
        (0o710, None),  # executable by the group: nothing to read, nothing to change
        (0o701, None),
        (0o640, "is readable by its group (mode 640); run: chmod 600"),
        (0o604, "is readable by others (mode 604); run: chmod 600"),
        (0o644, "is readable by its group and others (mode 644)"),
        (0o660, "is readable by its group (mode 660)"),
        (0o620, "is writable by its group (mode 620): they could redirect deskwatch"),
        (0o602, "is writable by others (mode 602)"),
        (0o622, "is writable by its group and others (mode 622)"),
    ],
)
def test_permission_warnings_say_exactly_what_others_can_do(
    tmp_path: Path, mode: int, expected: str | None
) -> None:
    cfg = load_config(write(tmp_path, GOOD, mode=mode), {})
    if expected is None:
        assert cfg.warnings == ()
    else:
        assert len(cfg.warnings) == 1 and expected in cfg.warnings[0]
        assert "tok-SECRET-123" not in cfg.warnings[0]


def test_no_permission_warning_without_a_secret_in_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[zendesk]\nsubdomain = "acme"\n', mode=0o644)
    assert load_config(path, {"ZENDESK_OAUTH_TOKEN": "t"}).warnings == ()


# --- fuzz ---------------------------------------------------------------------------------

KEYS = [key for key, _ in declared_keys()]
SECTIONS = sorted({key.rsplit(".", 1)[0] for key in KEYS} | {"keys"})

scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.sampled_from(["", "q", "r,f5", "UTC", "http://x/api/v2", "oauth", "api_token", "nord"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
names = st.one_of(st.sampled_from(KEYS), st.text(max_size=12))


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 6))):
        key = draw(names)
        section, _, name = key.rpartition(".")
        section = section or draw(st.sampled_from([*SECTIONS, "pol", ""]))
        table: Any = doc
        for part in [p for p in section.split(".") if p]:
            nxt = table.setdefault(part, {})
            if not isinstance(nxt, dict):
                break
            table = nxt
        else:
            table[name] = draw(values)
    if draw(st.booleans()):
        doc[draw(st.sampled_from(SECTIONS))] = draw(values)
    return doc


def check_message(message: str) -> None:
    assert message and message.isprintable(), message
    assert len(message) < 1000
    for repr_marker in ("datetime.", "Decimal(", "object at"):
        assert repr_marker not in message, message


@settings(max_examples=150, deadline=None)
@given(doc=documents(), require=st.booleans())
def test_fuzz_build_config_is_a_config_or_one_config_error_line(
    doc: dict[str, Any], require: bool
) -> None:
    try:
        cfg = build_config(doc, {}, require_account=require)
    except ConfigError as exc:
        check_message(str(exc))
        return
    for value in (cfg.poll.live, cfg.poll.incremental, cfg.display.rotate_seconds):
        assert math.isfinite(value) and value >= 1
    assert 0 < cfg.budget.share <= 1


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {math.inf: "inf", -math.inf: "-inf"}.get(
            value, "nan" if value != value else repr(value)
        )
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode().replace('"', '\\"') + '"'
    return str(value)


lines = st.one_of(
    st.builds(lambda s: f"[{s}]", st.sampled_from([*SECTIONS, "zendesk.auth", "pol"])),
    st.builds(lambda k, v: f"{k.rpartition('.')[2]} = {_toml_value(v)}", names, scalars),
    st.text(alphabet=string.printable, max_size=20),
    st.binary(max_size=12).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["[", "]]", "a = [[[[", 'x = """', "\x00", "\ufeff", "a.b.c = 1"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(lines, max_size=8),
    raw=st.binary(max_size=8),
    mode=st.sampled_from([0o600, 0o644, 0o620, 0o710]),
)
def test_fuzz_load_config_from_toml_ish_bytes(parts: list[str], raw: bytes, mode: int) -> None:
    data = ("\n".join(parts)).encode("utf-8", "surrogateescape") + raw
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.toml"
        path.write_bytes(data)
        path.chmod(mode)
        try:
            cfg = load_config(path, {"ZENDESK_OAUTH_TOKEN": "t"}, require_account=False)
        except ConfigError as exc:
            check_message(str(exc))
            return
        for warning in cfg.warnings:
            check_message(warning)


@settings(max_examples=100, deadline=None)
@given(
    var=st.sampled_from(
        ["ZENDESK_URL", "ZENDESK_SUBDOMAIN", "ZENDESK_OAUTH_TOKEN", "ZENDESK_EMAIL"]
    ),
    value=st.text(min_size=1, max_size=40),
)
def test_fuzz_environment_values(var: str, value: str) -> None:
    try:
        build_config({"zendesk": {"subdomain": "acme"}}, {var: value})
    except ConfigError as exc:
        check_message(str(exc))
        assert str(exc).startswith(f"{var} (for ") or "missing" in str(exc)
        if var == "ZENDESK_OAUTH_TOKEN":
            assert value not in str(exc) or len(value) < 4


key_values = st.lists(
    st.one_of(
        st.sampled_from(["q", "r", "=", "+", "ctrl+q", "f5", "escape", "esc", "shift+tab", "?"]),
        st.text(max_size=6),
    ),
    min_size=1,
    max_size=3,
).map(",".join)


@settings(max_examples=150, deadline=None)
@given(table=st.dictionaries(st.sampled_from([*DEFAULT_KEYS, "refesh"]), key_values, max_size=4))
def test_fuzz_keys_table_is_a_conflict_free_keymap_or_one_line(table: dict[str, str]) -> None:
    try:
        cfg = build_config({"keys": table}, {}, require_account=False)
    except ConfigError as exc:
        check_message(str(exc))
        return
    bound = [key for bid, default in DEFAULT_KEYS.items()
             for key in cfg.keys.get(bid, default).split(",")]  # fmt: skip
    assert len(bound) == len(set(bound))  # no key left bound twice
    assert all(is_key(key) for key in bound)

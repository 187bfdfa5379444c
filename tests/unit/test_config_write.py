"""Saving the filter to the config: only [filters] changes (comments, order, other tables
kept), ids get their names as comments, the result loads back to the same filter, the file's
mode and a symlink are kept; a file that cannot be written is one line and stays untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deskwatch.config import ConfigError, FiltersConfig, load_config
from deskwatch.config.write import save_filters

CONFIG = """\
# my deskwatch setup
[zendesk]
subdomain = "acme"   # the account

[filters]
# only the money people
groups = ["Billing"]
channels = ["email"]

[poll]
live = 15  # seconds
"""


ENV = {"ZENDESK_OAUTH_TOKEN": "t0ken"}


def write(tmp_path: Path, text: str = CONFIG, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_only_the_filters_change_and_it_loads_back(tmp_path: Path) -> None:
    path = write(tmp_path)
    save_filters(path, FiltersConfig((11, 12), (21,), ()), {11: "Billing", 12: "Support"})
    text = path.read_text("utf-8")
    assert text.startswith('# my deskwatch setup\n[zendesk]\nsubdomain = "acme"   # the account')
    assert "# only the money people" in text and "live = 15  # seconds" in text
    assert "groups = [11, 12] # Billing, Support" in text
    assert "channels" not in text  # emptied: its key goes
    cfg = load_config(path, env=ENV)
    assert cfg.filters == FiltersConfig((11, 12), (21,), ())
    assert cfg.poll.live == 15 and cfg.zendesk.subdomain == "acme"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_table_is_added_when_there_is_none_and_cleared_keys_go(tmp_path: Path) -> None:
    path = write(tmp_path, '[zendesk]\nsubdomain = "acme"\n', mode=0o640)
    save_filters(path, FiltersConfig((), (), ("web", "email")))
    assert load_config(path, env=ENV).filters.channels == ("web", "email")
    save_filters(path, FiltersConfig())
    assert load_config(path, env=ENV).filters == FiltersConfig()
    assert path.read_text("utf-8").startswith('[zendesk]\nsubdomain = "acme"\n')
    assert os.stat(path).st_mode & 0o777 == 0o640


def test_a_symlinked_config_is_written_where_it_points(tmp_path: Path) -> None:
    real = write(tmp_path)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    save_filters(link, FiltersConfig(("Support",)))
    assert link.is_symlink()
    assert load_config(real, env=ENV).filters.groups == ("Support",)


def test_a_read_only_file_is_one_line_and_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, mode=0o400)
    if os.geteuid() == 0:  # root may write anything: pretend to be a user
        monkeypatch.setattr("deskwatch.config.write.os.access", lambda *a, **k: False)
    with pytest.raises(ConfigError) as err:
        save_filters(path, FiltersConfig((11,)))
    assert "not writable" in str(err.value) and "\n" not in str(err.value)
    assert "groups = [11]" in str(err.value)  # what to add by hand
    assert path.read_text("utf-8") == CONFIG


def test_a_directory_it_cannot_write_in_is_one_line_and_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path)

    def refuse(*args: object, **kw: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("deskwatch.config.write.os.open", refuse)
    with pytest.raises(ConfigError) as err:
        save_filters(path, FiltersConfig((11,)))
    assert "cannot save the filter: Permission denied" in str(err.value)
    assert "\n" not in str(err.value)
    assert path.read_text("utf-8") == CONFIG


def test_no_config_file_says_what_to_add_by_hand() -> None:
    with pytest.raises(ConfigError, match=r'by hand: groups = \["Billing"\]'):
        save_filters(None, FiltersConfig(("Billing",)))


def test_a_file_deskwatch_would_refuse_is_never_written(tmp_path: Path) -> None:
    path = write(tmp_path, "[poll]\nlive = 0\n")  # out of range: refused as it is
    with pytest.raises(ConfigError):
        save_filters(path, FiltersConfig((), (), ("web",)))
    assert path.read_text("utf-8") == "[poll]\nlive = 0\n"

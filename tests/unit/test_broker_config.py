"""``[broker]``: a NATS URL or nothing; the files it names must exist; the URL's password never
shows up in the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskwatch.config import ConfigError, build_config
from deskwatch.live.broker import LocalBroker
from deskwatch.live.nats_broker import NatsBroker
from deskwatch.live.roles import make_broker


def config(tmp_path: Path, **broker: str):
    data = {"zendesk": {"url": "https://acme.zendesk.com"}, "broker": broker}
    return build_config(data, env={}, require_account=False, state_dir=tmp_path)


@pytest.mark.parametrize("url", ["http://broker:4222", "nats://", "broker:4222", "nats://h:99999"])
def test_a_broker_url_that_is_not_nats_is_one_line(tmp_path: Path, url: str):
    with pytest.raises(ConfigError, match=r"broker\.url: .*expected a NATS URL"):
        config(tmp_path, url=url)


def test_no_url_is_this_host(tmp_path: Path):
    assert isinstance(make_broker(config(tmp_path)), LocalBroker)


def test_a_nats_url_names_the_broker_without_its_password(tmp_path: Path):
    broker = make_broker(config(tmp_path, url="nats://deskwatch:s3cret@broker.example:4222"))
    assert isinstance(broker, NatsBroker)
    assert broker.name == "nats://broker.example:4222"
    assert broker.bucket.startswith("deskwatch-acme-zendesk-com-")


def test_missing_credentials_or_tls_files_are_config_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"broker\.credentials"):
        make_broker(config(tmp_path, url="nats://b:4222", credentials=str(tmp_path / "no.creds")))
    with pytest.raises(ConfigError, match=r"broker\.tls"):
        make_broker(config(tmp_path, url="tls://b:4222", tls_ca=str(tmp_path / "no-ca.pem")))

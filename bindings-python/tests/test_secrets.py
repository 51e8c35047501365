"""Secrets never print: every secret-holding object — registry credentials, credential-helper replies,
docker config merge outcomes, errors raised while holding credentials, clients built from the AWS chain — is
driven through every way it can be printed or logged (repr, str, f-string, format, logging, pickle, vars/dir,
to_dict, json.dumps), and the secret must never appear. Only the explicit ``.password`` / ``.stdout`` show it.
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ecr_core
from conftest import unique

SECRET = "s3cr3t-value-that-must-not-print"
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
BEFORE_MOTO_EXPIRY = "2014-12-31T12:00:00Z"
MOTO_PASSWORD = "123456789012-auth-token"


def renderings(obj: object, caplog: pytest.LogCaptureFixture) -> Iterator[str]:
    """Every way `obj` can be turned into text by accident."""
    yield repr(obj)
    yield str(obj)
    yield f"{obj}"
    yield f"{obj!r}"
    yield "{}".format(obj)
    yield "%s %r" % (obj, obj)
    yield repr([obj, {"k": obj}])
    yield " ".join(dir(obj))
    yield repr(getattr(obj, "__dict__", {}))
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        yield json.dumps(to_dict())
    yield json.dumps({"value": obj}, default=str)
    logger = logging.getLogger("ecr_core.test_secrets")
    with caplog.at_level(logging.DEBUG, logger="ecr_core.test_secrets"):
        logger.info("creds %s", obj)
        logger.warning("creds %r", obj)
        logger.error("creds", extra={"payload": obj})
        try:
            raise RuntimeError(obj)
        except RuntimeError:
            logger.exception("failed with %s", obj)
    yield caplog.text
    caplog.clear()


def assert_never_shown(obj: object, secret: str, caplog: pytest.LogCaptureFixture) -> None:
    for text in renderings(obj, caplog):
        assert secret not in text, text
    with pytest.raises(TypeError, match="pickle"):
        pickle.dumps(obj)
    with pytest.raises(TypeError):
        copy.copy(obj)


def creds(password: str = SECRET) -> ecr_core.auth.RegistryCredentials:
    return ecr_core.auth.RegistryCredentials(HOST, "AWS", password, "2030-01-01T00:00:00Z", region="us-east-1")


def test_credentials_redacted_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    c = creds()
    assert_never_shown(c, SECRET, caplog)
    # The base64 forms are secrets too.
    for text in renderings(c, caplog):
        assert c.docker_auth() not in text
    assert "password=<redacted>" in repr(c)
    assert c.password == SECRET  # the one explicit way


def test_helper_reply_redacted(caplog: pytest.LogCaptureFixture, emulator: dict[str, str]) -> None:
    client = ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    auth = ecr_core.auth.Authenticator(client, assume_now=BEFORE_MOTO_EXPIRY)
    out = auth.run_helper("get", HOST)
    assert MOTO_PASSWORD in out.stdout  # explicit
    assert_never_shown(out, MOTO_PASSWORD, caplog)
    live = auth.credentials(HOST)
    assert_never_shown(live, MOTO_PASSWORD, caplog)
    for text in renderings(auth, caplog):
        assert MOTO_PASSWORD not in text


def test_docker_config_outcomes_hold_no_secret(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    c = creds()
    outcome = ecr_core.auth.write_docker_config(tmp_path / "config.json", HOST, c)
    merged, merge_outcome = ecr_core.auth.merge_auth_entry({"credsStore": "desktop"}, HOST, c)
    for value in (outcome, merge_outcome):
        for text in renderings(value, caplog):
            assert SECRET not in text and c.docker_auth() not in text
    # The merged document holds the entry by design (it is what gets written), as base64 only.
    assert merged["auths"][HOST]["auth"] == c.docker_auth()
    assert SECRET not in json.dumps(merged)
    assert SECRET not in (tmp_path / "config.json").read_text()


def test_errors_raised_while_holding_credentials(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    c = creds()
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    errors: list[ecr_core.EcrError] = []
    for call in (
        lambda: ecr_core.auth.write_docker_config(not_a_dir / "config.json", HOST, c),
        lambda: ecr_core.auth.merge_auth_entry({"auths": [1]}, HOST, c),
        lambda: ecr_core.auth.merge_auth_entry({}, "not a host!", c),
    ):
        with pytest.raises(ecr_core.EcrError) as info:
            call()
        errors.append(info.value)
    for err in errors:
        args: Any = err.args
        for text in (repr(err), str(err), f"{err}", repr(args), json.dumps(vars(err), default=str)):
            assert SECRET not in text and c.docker_auth() not in text
        with caplog.at_level(logging.ERROR):
            logging.getLogger("t").exception("boom", exc_info=err)
        assert SECRET not in caplog.text
        caplog.clear()


def test_expired_token_error_does_not_show_the_token(
    emulator: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    client = ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    with pytest.raises(ecr_core.RefusedError) as info:
        ecr_core.auth.Authenticator(client).credentials(HOST)
    err = info.value
    for text in (repr(err), str(err), repr(err.args), json.dumps(vars(err), default=str)):
        assert MOTO_PASSWORD not in text


def test_verify_report_never_holds_registry_password(emulator: dict[str, str]) -> None:
    client = ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    name = unique("py-secret")
    client.create_repository(name)
    v = client.verify_push(f"{HOST}/{name}:v1", digest="sha256:" + "a" * 64, registry_credentials=creds(),
                           registry_url=emulator["LOCAL_REGISTRY_URL"])
    assert SECRET not in json.dumps(v)


def test_client_repr_never_shows_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SECRET + "-token")
    client = ecr_core.EcrClient(region="us-east-1", endpoint_url="http://127.0.0.1:9")
    aclient = ecr_core.AsyncEcrClient(region="us-east-1")
    auth = ecr_core.auth.Authenticator(client)
    aauth = ecr_core.auth.AsyncAuthenticator(aclient)
    for obj in (client, aclient, auth, aauth):
        for text in (repr(obj), str(obj), f"{obj!r}"):
            assert SECRET not in text


def test_image_config_env_values_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    blob = json.dumps({"os": "linux", "architecture": "amd64",
                       "config": {"User": "10001", "Env": ["PATH=/usr/bin", f"API_TOKEN={SECRET}"]}})
    config = ecr_core.verify.ImageConfig.parse(blob)
    assert_never_shown(config, SECRET, caplog)
    finding = ecr_core.verify.check_secrets(config)
    assert finding["ok"] is False and SECRET not in json.dumps(finding)
    assert config.env_names == ["PATH", "API_TOKEN"]
    assert f"API_TOKEN={SECRET}" in config.env  # the one explicit way


def test_registry_client_never_shows_its_credentials(caplog: pytest.LogCaptureFixture) -> None:
    for cls in (ecr_core.verify.RegistryClient, ecr_core.verify.AsyncRegistryClient):
        reg = cls(HOST, url="http://127.0.0.1:9", credentials=creds())
        for text in renderings(reg, caplog):
            assert SECRET not in text and creds().docker_auth() not in text


def test_explicit_client_credentials_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    for cls in (ecr_core.EcrClient, ecr_core.AsyncEcrClient):
        client = cls(region="us-east-1", endpoint_url="http://127.0.0.1:9", access_key_id="AKIAEXPLICIT",
                     secret_access_key=SECRET, session_token=SECRET + "-token")
        for text in renderings(client, caplog):
            assert SECRET not in text

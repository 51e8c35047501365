"""Secret redaction scaffold.

ecr_core exposes no secret-holding type yet (the auth capability's credentials object will be the first;
its tests belong here: ``repr``/``str`` must never show the password). What can be checked today: a
client built from the AWS chain never shows the credentials it loaded.
"""

from __future__ import annotations

import pytest

import ecr_core

SECRET = "s3cr3t-value-that-must-not-print"


def test_client_repr_never_shows_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SECRET + "-token")
    client = ecr_core.EcrClient(region="us-east-1", endpoint_url="http://127.0.0.1:9")
    aclient = ecr_core.AsyncEcrClient(region="us-east-1")
    for text in (repr(client), str(client), repr(aclient), str(aclient)):
        assert SECRET not in text

"""Registry credentials from the AWS credential chain, cached until shortly before expiry, as docker logins,
docker config entries or credential-helper replies."""

from ._native import (
    AsyncAuthenticator,
    Authenticator,
    DiskCache,
    HelperOutput,
    RefreshPolicy,
    RegistryCredentials,
    check_credential_policy,
    default_docker_config_path,
    helper_version_line,
    is_long_lived,
    merge_auth_entry,
    registry_hosts,
    registry_region,
    write_docker_config,
)

__all__ = [
    "AsyncAuthenticator",
    "Authenticator",
    "DiskCache",
    "HelperOutput",
    "RefreshPolicy",
    "RegistryCredentials",
    "check_credential_policy",
    "default_docker_config_path",
    "helper_version_line",
    "is_long_lived",
    "merge_auth_entry",
    "registry_hosts",
    "registry_region",
    "write_docker_config",
]

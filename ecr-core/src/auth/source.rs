//! Which credential provider of the AWS chain supplied the credentials, whether they are temporary, and
//! the optional policy that refuses long-lived static keys (a common rule for CI: only short-lived credentials).
//!
//! The source is read from the credential-feature list the `aws-config` providers attach to the
//! credentials (`AwsCredentialFeature`), because `Credentials` has no public provider-name getter.
//! "Long-lived" means an access key id starting `AKIA` (an IAM user's key) or no session token at all;
//! environment variables are NOT long-lived by themselves: CI OIDC role assumption exports temporary
//! keys with `AWS_SESSION_TOKEN`. Nothing here keeps or prints the access key id.

use std::fmt;

use aws_credential_types::Credentials;
use aws_credential_types::credential_feature::AwsCredentialFeature;
use aws_credential_types::provider::ProvideCredentials as _;
use aws_types::SdkConfig;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, error_chain};
use crate::time::Timestamp;

/// The credential provider that supplied the AWS credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CredentialSource {
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`) environment variables.
    Environment,
    /// Static keys in a shared profile (`~/.aws/credentials` or `~/.aws/config`).
    Profile,
    /// A role assumed with STS (`role_arn` in a profile, or an explicit assume-role provider).
    AssumeRole,
    /// OIDC web identity (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, EKS IRSA, CI OIDC).
    WebIdentity,
    /// IAM Identity Center (SSO).
    Sso,
    /// A `credential_process` command.
    Process,
    /// The ECS / EKS Pod Identity container credentials endpoint.
    Container,
    /// The EC2 instance metadata service (an instance role).
    InstanceMetadata,
    /// The console `aws login` session.
    Login,
    /// Credentials given in code (e.g. `EcrClientBuilder::credentials`).
    Explicit,
    /// The provider could not be identified.
    Unknown,
}

impl CredentialSource {
    /// A short stable name (`environment`, `profile`, `assume-role`, ...).
    pub fn name(self) -> &'static str {
        match self {
            CredentialSource::Environment => "environment",
            CredentialSource::Profile => "profile",
            CredentialSource::AssumeRole => "assume-role",
            CredentialSource::WebIdentity => "web-identity",
            CredentialSource::Sso => "sso",
            CredentialSource::Process => "credential-process",
            CredentialSource::Container => "container",
            CredentialSource::InstanceMetadata => "instance-metadata",
            CredentialSource::Login => "login",
            CredentialSource::Explicit => "explicit",
            CredentialSource::Unknown => "unknown",
        }
    }

    /// Where a person should look, in words.
    pub fn description(self) -> &'static str {
        match self {
            CredentialSource::Environment => "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
            CredentialSource::Profile => "static keys in a shared profile (~/.aws/credentials or ~/.aws/config)",
            CredentialSource::AssumeRole => "an STS assumed role",
            CredentialSource::WebIdentity => "an OIDC web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)",
            CredentialSource::Sso => "IAM Identity Center (SSO)",
            CredentialSource::Process => "a credential_process command",
            CredentialSource::Container => "the container credentials endpoint (ECS / EKS Pod Identity)",
            CredentialSource::InstanceMetadata => "the EC2 instance role (IMDS)",
            CredentialSource::Login => "an `aws login` console session",
            CredentialSource::Explicit => "credentials passed in code",
            CredentialSource::Unknown => "an unidentified credential provider",
        }
    }

    /// Classifies from the features the providers attached (most specific wins).
    pub(crate) fn from_features(features: &[AwsCredentialFeature]) -> Self {
        use AwsCredentialFeature as F;
        let has = |wanted: &[F]| features.iter().any(|f| wanted.contains(f));
        if has(&[F::CredentialsSso, F::CredentialsProfileSso]) {
            CredentialSource::Sso
        } else if has(&[
            F::CredentialsProfileStsWebIdToken,
            F::CredentialsEnvVarsStsWebIdToken,
            F::CredentialsStsAssumeRoleWebId,
        ]) {
            CredentialSource::WebIdentity
        } else if has(&[
            F::CredentialsStsAssumeRole,
            F::CredentialsStsAssumeRoleSaml,
            F::CredentialsProfileSourceProfile,
            F::CredentialsStsFederationToken,
            F::CredentialsStsSessionToken,
        ]) {
            CredentialSource::AssumeRole
        } else if has(&[F::CredentialsProcess, F::CredentialsProfileProcess]) {
            CredentialSource::Process
        } else if has(&[F::CredentialsHttp]) {
            CredentialSource::Container
        } else if has(&[F::CredentialsImds]) {
            CredentialSource::InstanceMetadata
        } else if has(&[F::CredentialsLogin, F::CredentialsProfileLogin]) {
            CredentialSource::Login
        } else if has(&[F::CredentialsEnvVars]) {
            CredentialSource::Environment
        } else if has(&[F::CredentialsProfile, F::CredentialsProfileNamedProvider]) {
            CredentialSource::Profile
        } else if has(&[F::CredentialsCode]) {
            CredentialSource::Explicit
        } else {
            CredentialSource::Unknown
        }
    }

    /// Classifies credentials: features first, then the provider name of credentials built in code.
    pub(crate) fn of(creds: &Credentials) -> Self {
        let from_features = creds
            .get_property::<Vec<AwsCredentialFeature>>()
            .map(|f| Self::from_features(f))
            .unwrap_or(CredentialSource::Unknown);
        if from_features != CredentialSource::Unknown {
            return from_features;
        }
        // `Credentials` exposes its provider name only through Debug; only the name is looked at.
        let debug = format!("{creds:?}");
        let named = |name: &str| debug.contains(&format!("provider_name: \"{name}\""));
        if named("EnvironmentVariable") {
            CredentialSource::Environment
        } else if named("ProfileFile") {
            CredentialSource::Profile
        } else if named("ecr-core-explicit") {
            CredentialSource::Explicit
        } else {
            CredentialSource::Unknown
        }
    }
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// What kind of access key the credentials carry (from its documented prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AccessKeyKind {
    /// `AKIA...`: a long-term IAM user (or root) key.
    LongTerm,
    /// `ASIA...`: temporary STS credentials.
    Temporary,
    /// Any other prefix (emulators, test keys).
    Other,
}

/// What is known about the AWS credentials in use, without any secret or key id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwsIdentity {
    /// The provider that supplied them.
    pub source: CredentialSource,
    /// The access key id's kind.
    pub access_key_kind: AccessKeyKind,
    /// True when a session token is present.
    pub has_session_token: bool,
    /// When the credentials expire, when the provider says.
    #[serde(default, with = "crate::time::flexible_opt")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub expires_at: Option<Timestamp>,
}

impl AwsIdentity {
    /// Describes `creds`.
    pub(crate) fn of(creds: &Credentials) -> Self {
        let key = creds.access_key_id();
        let access_key_kind = if key.starts_with("AKIA") {
            AccessKeyKind::LongTerm
        } else if key.starts_with("ASIA") {
            AccessKeyKind::Temporary
        } else {
            AccessKeyKind::Other
        };
        Self {
            source: CredentialSource::of(creds),
            access_key_kind,
            has_session_token: creds.session_token().is_some_and(|t| !t.is_empty()),
            expires_at: creds.expiry().map(Timestamp::from),
        }
    }

    /// Reads an identity back from its JSON form (`source`, `accessKeyKind`, `hasSessionToken`, optional
    /// `expiresAt`), as [`Serialize`] writes it; a bad field is an [`Error::InvalidArgument`] naming it
    /// (`identity.source`, ...).
    pub fn from_value(value: &serde_json::Value) -> Result<Self> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." {
                "identity".to_owned()
            } else {
                format!("identity.{path}")
            };
            Error::invalid(field, e.into_inner().to_string())
        })
    }

    /// True for long-lived static keys: an `AKIA` key id, or no session token.
    pub fn is_long_lived(&self) -> bool {
        self.access_key_kind == AccessKeyKind::LongTerm || !self.has_session_token
    }
}

/// Which AWS credentials the authenticator accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CredentialPolicy {
    /// Any credentials the chain finds (the default).
    #[default]
    AllowAny,
    /// Only temporary credentials (roles, SSO, OIDC); long-lived static keys fail with
    /// [`Error::LongLivedCredentials`] naming their source.
    RequireTemporary,
}

impl CredentialPolicy {
    /// Checks an identity against the policy.
    pub fn check(self, identity: &AwsIdentity) -> Result<()> {
        if self == CredentialPolicy::RequireTemporary && identity.is_long_lived() {
            let why = if identity.access_key_kind == AccessKeyKind::LongTerm {
                "an AKIA (IAM user) access key"
            } else {
                "keys without a session token"
            };
            return Err(Error::LongLivedCredentials {
                source_name: format!("{} ({}): {why}", identity.source.name(), identity.source.description()),
            });
        }
        Ok(())
    }
}

/// Resolves the AWS credentials of an SDK configuration through its provider chain.
pub(crate) async fn resolve_credentials(sdk: &SdkConfig) -> Result<Credentials> {
    let provider = sdk.credentials_provider().ok_or_else(|| Error::NoCredentials {
        message: "the AWS configuration has no credentials provider".to_owned(),
    })?;
    provider.provide_credentials().await.map_err(|e| Error::NoCredentials {
        message: error_chain(&e),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn creds(key: &str, token: Option<&str>, features: &[AwsCredentialFeature]) -> Credentials {
        let mut c = Credentials::new(key, "secret-value-xyz", token.map(str::to_owned), None, "test");
        for f in features {
            c.get_property_mut_or_default::<Vec<AwsCredentialFeature>>()
                .push(f.clone());
        }
        c
    }

    #[test]
    fn classifies_sources_from_features() {
        use AwsCredentialFeature as F;
        let cases = [
            (vec![F::CredentialsEnvVars], CredentialSource::Environment),
            (vec![F::CredentialsProfile], CredentialSource::Profile),
            (
                vec![F::CredentialsProfile, F::CredentialsStsAssumeRole],
                CredentialSource::AssumeRole,
            ),
            (vec![F::CredentialsProfile, F::CredentialsSso], CredentialSource::Sso),
            (vec![F::CredentialsProfileStsWebIdToken], CredentialSource::WebIdentity),
            (
                vec![F::CredentialsProfile, F::CredentialsProcess],
                CredentialSource::Process,
            ),
            (vec![F::CredentialsHttp], CredentialSource::Container),
            (vec![F::CredentialsImds], CredentialSource::InstanceMetadata),
            (vec![], CredentialSource::Unknown),
        ];
        for (features, want) in cases {
            assert_eq!(CredentialSource::from_features(&features), want, "{features:?}");
        }
        let explicit = Credentials::new("k", "s", None, None, "ecr-core-explicit");
        assert_eq!(CredentialSource::of(&explicit), CredentialSource::Explicit);
    }

    #[test]
    fn policy_refuses_static_keys_and_names_the_source_without_the_key() {
        let policy = CredentialPolicy::RequireTemporary;
        let akia = creds(
            "AKIAIOSFODNN7EXAMPLE",
            Some("tok"),
            &[AwsCredentialFeature::CredentialsEnvVars],
        );
        let err = policy.check(&AwsIdentity::of(&akia)).unwrap_err();
        assert_eq!(err.code(), "LongLivedCredentials");
        let text = format!("{err} {err:?}");
        assert!(text.contains("environment"), "{text}");
        assert!(
            !text.contains("AKIAIOSFODNN7EXAMPLE") && !text.contains("secret-value-xyz"),
            "{text}"
        );

        let no_token = creds("ABCD", None, &[AwsCredentialFeature::CredentialsProfile]);
        let err = policy.check(&AwsIdentity::of(&no_token)).unwrap_err();
        assert!(err.to_string().contains("profile"), "{err}");

        // CI OIDC exports temporary keys as env vars with a session token: accepted.
        let oidc_env = creds(
            "ASIAXXXXXXXXEXAMPLE",
            Some("session"),
            &[AwsCredentialFeature::CredentialsEnvVars],
        );
        policy.check(&AwsIdentity::of(&oidc_env)).unwrap();
        CredentialPolicy::AllowAny.check(&AwsIdentity::of(&akia)).unwrap();
    }

    #[test]
    fn an_identity_reads_back_from_its_json_and_bad_fields_are_named() {
        let id = AwsIdentity {
            source: CredentialSource::Process,
            access_key_kind: AccessKeyKind::Temporary,
            has_session_token: true,
            expires_at: None,
        };
        let json = serde_json::to_value(&id).unwrap();
        assert_eq!(AwsIdentity::from_value(&json).unwrap(), id);
        for (field, bad) in [
            ("source", serde_json::json!("credential_process")),
            ("accessKeyKind", serde_json::json!("forever")),
            ("hasSessionToken", serde_json::json!("yes")),
            ("expiresAt", serde_json::json!("soon")),
        ] {
            let mut v = json.clone();
            v[field] = bad;
            match AwsIdentity::from_value(&v).unwrap_err() {
                Error::InvalidArgument { what, .. } => assert_eq!(what, format!("identity.{field}")),
                other => panic!("{other:?}"),
            }
        }
        assert!(AwsIdentity::from_value(&serde_json::json!("sso")).is_err());
    }
}

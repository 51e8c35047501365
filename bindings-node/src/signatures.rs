//! Signature verification on `EcrClient` (part of the verify capability): `verifySignatures`, as the
//! `verify_signatures` program runs it, resolving to a `verify.SignatureDecision` with the program's renderings.

use std::collections::BTreeMap;

use ecr_core::Error as CoreError;
use ecr_core::verify::RegistryAuth;
use ecr_core::verify::signatures::{SignatureDecision as CoreDecision, VerifySignaturesSpec, verify_signatures_with};
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::auth::RegistryCredentials;
use crate::client::EcrClient;
use crate::conversions::json;
use crate::errors::guard;
use crate::tasks::{self, Hook};

/// The signature gate's decision: `passed`, every requirement and every signature checked, and the
/// `verify_signatures` program's renderings.
#[napi(namespace = "verify")]
pub struct SignatureDecision {
    decision: CoreDecision,
}

#[napi(namespace = "verify")]
impl SignatureDecision {
    /// Whether every requirement of the policy is met.
    #[napi(getter)]
    pub fn passed(&self) -> bool {
        self.decision.passed
    }

    /// The pinned digest the decision is about.
    #[napi(getter)]
    pub fn digest(&self) -> String {
        self.decision.digest.clone()
    }

    /// Every requirement on every manifest (`subject`, `platform`, `requirement`, `status`, `satisfiedBy`,
    /// `reason`, `message`).
    #[napi(getter, ts_return_type = "SignatureRequirement[]")]
    pub fn requirements(&self, env: &Env) -> Result<Value> {
        guard(env, || json(&self.decision.requirements))
    }
}

crate::reports::report_methods!(
    SignatureDecision,
    decision,
    ecr_core::verify::signatures::report,
    "verify",
    "SignatureReport"
);

/// Options of `EcrClient.verifySignatures` (the `verify_signatures` program's flags).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct VerifySignaturesOptions {
    /// The pinned digest, when the image reference has none (when both are given they must agree).
    pub digest: Option<String>,
    /// Trusted public keys: the name the policy uses → PEM text.
    pub keys: Option<BTreeMap<String, String>>,
    /// A Sigstore `trusted_root.json` or PEM CA certificates, as text (keyless cosign, Notation).
    pub trusted_root: Option<String>,
    /// Where to speak the registry protocol instead of `https://HOST` (e.g. `http://127.0.0.1:5000`).
    pub registry_url: Option<String>,
    /// Also ask ECR's ListImageReferrers (default true; false for a registry that is not ECR).
    pub ecr_referrers: Option<bool>,
    /// Also report ECR's managed-signing status (a pre-check, never taken as proof; default false).
    pub signing_status: Option<bool>,
}

/// The spec of `verifySignatures(image, policy, options)`; `policy` is an object or JSON text.
fn spec(
    image: String,
    policy: Value,
    o: VerifySignaturesOptions,
) -> std::result::Result<VerifySignaturesSpec, CoreError> {
    let policy = match policy {
        Value::String(text) => serde_json::from_str(&text).map_err(|e| CoreError::invalid("policy", e.to_string()))?,
        other => other,
    };
    Ok(VerifySignaturesSpec {
        image,
        digest: o.digest,
        policy: ecr_core::types::from_json(policy, "policy")?,
        keys: o.keys.unwrap_or_default(),
        trusted_root: o.trusted_root,
        registry_url: o.registry_url,
        ecr_referrers: o.ecr_referrers.unwrap_or(true),
        signing_status: o.signing_status.unwrap_or(false),
    })
}

#[napi]
impl EcrClient {
    /// Verifies the signatures and attestations of a pinned image against `policy`, as the
    /// `verify_signatures` program does: cosign (legacy `.sig` tags and Sigstore bundles, a PEM key or a
    /// keyless certificate chained to `trustedRoot`), Notation / AWS Signer envelopes and DSSE in-toto
    /// attestations, found through ECR's ListImageReferrers, the registry's referrers API and the fallback
    /// tags. `image` is `HOST/REPO@sha256:...` (or give `options.digest`); `credentials` (registry
    /// credentials) default to one GetAuthorizationToken call. Resolves with a `verify.SignatureDecision`; a
    /// failed verification is a decision with `passed` false, never a rejection.
    #[napi(
        ts_args_type = "image: string, policy: SignaturePolicyInput | string, options?: VerifySignaturesOptions | null, credentials?: auth.RegistryCredentials | null",
        ts_return_type = "Promise<verify.SignatureDecision>"
    )]
    pub fn verify_signatures<'env>(
        &self,
        env: &'env Env,
        image: String,
        policy: Value,
        options: Option<VerifySignaturesOptions>,
        credentials: Option<&RegistryCredentials>,
    ) -> Result<PromiseRaw<'env, SignatureDecision>> {
        let mut request = guard(env, || {
            Ok(spec(image, policy, options.unwrap_or_default())?.into_request(RegistryAuth::Anonymous)?)
        })?;
        let auth = credentials.map(|c| RegistryAuth::from(&c.inner));
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            request.registry.auth = match auth {
                Some(a) => a,
                None => c.registry_auth().await?,
            };
            let decision = verify_signatures_with(Some(&c), &request).await?;
            Ok(SignatureDecision { decision })
        })
    }
}

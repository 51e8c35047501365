//! Signature verification on both clients (part of the verify capability): `verify_signatures`, as the
//! `verify_signatures` program runs it, resolving to a `SignatureDecision` with the program's renderings.

use std::collections::BTreeMap;

use ecr_core::Error;
use ecr_core::verify::RegistryAuth;
use ecr_core::verify::signatures::{
    SignatureDecision, VerifySignaturesRequest, VerifySignaturesSpec, verify_signatures_with,
};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::auth::PyRegistryCredentials;
use crate::conversions::{from_py, to_py};
use crate::errors::{Failure, guard};
use crate::tasks::{Op, client_methods};

/// The signature gate's decision: `.passed`, every requirement and every signature checked, and the
/// `verify_signatures` program's renderings.
#[pyclass(name = "SignatureDecision", module = "ecr_core", frozen)]
pub(crate) struct PySignatureDecision {
    decision: SignatureDecision,
}

#[pymethods]
impl PySignatureDecision {
    /// Whether every requirement of the policy is met.
    #[getter]
    fn passed(&self) -> bool {
        self.decision.passed
    }

    /// The pinned digest the decision is about.
    #[getter]
    fn digest(&self) -> &str {
        &self.decision.digest
    }

    /// Every requirement on every manifest, as dicts (`subject`, `platform`, `requirement`, `status`,
    /// `satisfiedBy`, `reason`, `message`).
    #[getter]
    fn requirements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.decision.requirements))
    }

    /// Every signature and attestation checked, verified or rejected with its reason, as dicts.
    #[getter]
    fn evidence<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.decision.evidence))
    }

    fn __repr__(&self) -> String {
        format!(
            "SignatureDecision(passed={}, digest={:?}, requirements={})",
            if self.decision.passed { "True" } else { "False" },
            self.decision.digest,
            self.decision.requirements.len()
        )
    }
}

crate::reports::report_methods!(
    PySignatureDecision,
    decision,
    ecr_core::verify::signatures::report,
    "verify_signatures"
);

/// A verification request and the registry credentials the caller gave (`None`: one GetAuthorizationToken
/// call when it runs).
struct SignatureArgs {
    request: VerifySignaturesRequest,
    auth: Option<RegistryAuth>,
}

/// A policy argument: a dict in the policy's JSON shape, or JSON text.
fn policy_arg(policy: &Bound<'_, PyAny>) -> Result<serde_json::Value, Error> {
    match policy.cast::<PyString>() {
        Ok(text) => {
            let text = text.to_cow().map_err(|e| Error::invalid("policy", e.to_string()))?;
            serde_json::from_str(&text).map_err(|e| Error::invalid("policy", e.to_string()))
        }
        Err(_) => from_py(policy, "policy"),
    }
}

#[allow(clippy::too_many_arguments)]
fn signature_args(
    image: String,
    policy: &Bound<'_, PyAny>,
    digest: Option<String>,
    keys: BTreeMap<String, String>,
    trusted_root: Option<String>,
    registry_url: Option<String>,
    registry_credentials: Option<&PyRegistryCredentials>,
    ecr_referrers: bool,
    signing_status: bool,
) -> Result<SignatureArgs, Error> {
    let spec = VerifySignaturesSpec {
        image,
        digest,
        policy: ecr_core::types::from_json(policy_arg(policy)?, "policy")?,
        keys,
        trusted_root,
        registry_url,
        ecr_referrers,
        signing_status,
    };
    Ok(SignatureArgs {
        request: spec.into_request(RegistryAuth::Anonymous)?,
        auth: registry_credentials.map(|c| RegistryAuth::from(&c.inner)),
    })
}

async fn verify_op(client: ecr_core::EcrClient, a: SignatureArgs) -> Result<PySignatureDecision, Failure> {
    let mut request = a.request;
    request.registry.auth = match a.auth {
        Some(auth) => auth,
        None => client.registry_auth().await?,
    };
    let decision = verify_signatures_with(Some(&client), &request).await?;
    Ok(PySignatureDecision { decision })
}

client_methods! {
    /// Verifies the signatures and attestations of a pinned image against `policy`, as the
    /// `verify_signatures` program does: cosign (legacy `.sig` tags and Sigstore bundles, a PEM key or a
    /// keyless certificate chained to `trusted_root`), Notation / AWS Signer envelopes and DSSE in-toto
    /// attestations, found through ECR's ListImageReferrers (`ecr_referrers`), the registry's referrers API
    /// and the fallback tags. `image` is `HOST/REPO@sha256:...` (or give `digest`); `policy` a dict or
    /// JSON text (`signers`, `attestations`, `scope`, `onMissing`, ...); `keys` maps the key names the policy
    /// uses to PEM public keys; `trusted_root` is a Sigstore `trusted_root.json` or PEM CA certificates, as
    /// text; `signing_status` also reports ECR's managed-signing status (never taken as proof).
    /// `registry_credentials` default to one GetAuthorizationToken call. Returns a `SignatureDecision`;
    /// a failed verification is a decision with `passed` false, never an exception.
    #[pyo3(signature = (image, policy, *, digest=None, keys=BTreeMap::new(), trusted_root=None, registry_url=None,
        registry_credentials=None, ecr_referrers=true, signing_status=false))]
    #[allow(clippy::too_many_arguments)]
    fn verify_signatures(
        &self,
        py,
        image: String,
        policy: &Bound<'_, PyAny>,
        digest: Option<String>,
        keys: BTreeMap<String, String>,
        trusted_root: Option<String>,
        registry_url: Option<String>,
        registry_credentials: Option<&PyRegistryCredentials>,
        ecr_referrers: bool,
        signing_status: bool,
    ) -> PySignatureDecision {
        let args = signature_args(
            image,
            policy,
            digest,
            keys,
            trusted_root,
            registry_url,
            registry_credentials,
            ecr_referrers,
            signing_status,
        )
        .map_err(Failure::from)?;
        Ok(Op::new(move |c| verify_op(c, args)))
    }
}

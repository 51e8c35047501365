//! `reference`: typed image references and registry hosts, and the grammar checks.
//!
//! [`ImageReference`] and [`RegistryHost`] wrap the core's values: a JS user reads camelCase getters and
//! calls builder methods (`withTag`, `withFips`, ...) instead of re-parsing strings; invalid input throws
//! `code: "InvalidReference"` naming what is wrong and where.

use ecr_core::reference::{ImageReference as CoreReference, RegistryHost as CoreHost};
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::guard;

/// `equals`, `toString` and `toJSON` of a class wrapping a core value that displays as its text.
macro_rules! text_value_methods {
    ($class:ident) => {
        #[napi(namespace = "reference")]
        impl $class {
            /// Whether `other` is the same value.
            #[napi]
            pub fn equals(&self, other: &$class) -> bool {
                self.0 == other.0
            }

            /// The value as text.
            #[napi(js_name = "toString")]
            pub fn to_text(&self) -> String {
                self.0.to_string()
            }

            /// The value as text (what `JSON.stringify` writes).
            #[napi(js_name = "toJSON")]
            pub fn to_json(&self) -> String {
                self.0.to_string()
            }
        }
    };
}

/// A valid ECR image reference (`HOST/REPOSITORY[:TAG][@sha256:DIGEST]`); immutable; `toString()` gives the
/// reference back exactly.
#[napi(namespace = "reference")]
pub struct ImageReference(CoreReference);

/// A valid ECR registry host (private, FIPS, dual-stack or ECR Public); immutable; `toString()` gives the
/// host back exactly.
#[napi(namespace = "reference")]
pub struct RegistryHost(CoreHost);

/// Parses an image reference; throws `code: "InvalidReference"` naming what is wrong and where.
#[napi(namespace = "reference")]
pub fn parse_reference(env: &Env, text: String) -> Result<ImageReference> {
    ImageReference::parse(env, text)
}

/// Options of `RegistryHost.private`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RegistryHostOptions {
    /// The FIPS endpoint (`dkr.ecr-fips`).
    pub fips: Option<bool>,
    /// The dual-stack endpoint (`dkr-ecr.<region>.on.aws`).
    pub dual_stack: Option<bool>,
}

#[napi(namespace = "reference")]
impl ImageReference {
    /// Parses an image reference (the same as `parseReference`).
    #[napi(factory)]
    pub fn parse(env: &Env, text: String) -> Result<Self> {
        guard(env, || Ok(Self(text.parse()?)))
    }

    /// The registry host.
    #[napi(getter)]
    pub fn host(&self) -> RegistryHost {
        RegistryHost(self.0.host().clone())
    }

    /// The repository name (`team/app`; for ECR Public `<alias>/<name>`).
    #[napi(getter)]
    pub fn repository(&self) -> String {
        self.0.repository().to_owned()
    }

    /// The tag, or `null`.
    #[napi(getter)]
    pub fn tag(&self) -> Option<String> {
        self.0.tag().map(str::to_owned)
    }

    /// The digest (`sha256:<64 hex>`), or `null`.
    #[napi(getter)]
    pub fn digest(&self) -> Option<String> {
        self.0.digest().map(str::to_owned)
    }

    /// `HOST/REPOSITORY`, the repository URI ECR reports.
    #[napi(getter)]
    pub fn repository_uri(&self) -> String {
        self.0.repository_uri()
    }

    /// The ECR image id (`{ imageDigest, imageTag }`, whichever the reference has), or `null`.
    #[napi(ts_return_type = "ImageId | null")]
    pub fn image_id(&self) -> Value {
        serde_json::to_value(self.0.image_id()).unwrap_or(Value::Null)
    }

    /// This reference with `tag` instead of its tag (the digest is kept).
    #[napi]
    pub fn with_tag(&self, env: &Env, tag: String) -> Result<Self> {
        guard(env, || Ok(Self(self.0.clone().with_tag(&tag)?)))
    }

    /// This reference with `digest` instead of its digest (the tag is kept).
    #[napi]
    pub fn with_digest(&self, env: &Env, digest: String) -> Result<Self> {
        guard(env, || Ok(Self(self.0.clone().with_digest(&digest)?)))
    }

    /// This reference without its tag.
    #[napi]
    pub fn without_tag(&self) -> Self {
        Self(self.0.clone().without_tag())
    }

    /// This reference without its digest.
    #[napi]
    pub fn without_digest(&self) -> Self {
        Self(self.0.clone().without_digest())
    }
}

text_value_methods!(ImageReference);

#[napi(namespace = "reference")]
impl RegistryHost {
    /// Parses a registry host (`123456789012.dkr.ecr.us-east-1.amazonaws.com`, `public.ecr.aws`, ...).
    #[napi(factory)]
    pub fn parse(env: &Env, text: String) -> Result<Self> {
        guard(env, || Ok(Self(text.parse()?)))
    }

    /// The private registry host of an account in a region.
    #[napi(factory)]
    pub fn private(
        env: &Env,
        registry_id: String,
        region: String,
        options: Option<RegistryHostOptions>,
    ) -> Result<Self> {
        let o = options.unwrap_or_default();
        guard(env, || {
            Ok(Self(CoreHost::private(&registry_id, &region).and_then(|h| {
                h.with_fips(o.fips.unwrap_or(false))
                    .with_dual_stack(o.dual_stack.unwrap_or(false))
            })?))
        })
    }

    /// The ECR Public host `public.ecr.aws`.
    #[napi(factory)]
    pub fn public() -> Self {
        Self(CoreHost::public())
    }

    /// The host of a server URL as Docker hands it to credential helpers
    /// (`[https://]host[:port][/path][?query]`); user info and other schemes are refused.
    #[napi(factory)]
    pub fn from_server_url(env: &Env, url: String) -> Result<Self> {
        guard(env, || Ok(Self(CoreHost::from_server_url(&url)?)))
    }

    /// `"private"` or `"public"`.
    #[napi(getter, ts_return_type = "'private' | 'public'")]
    pub fn kind(&self) -> String {
        self.0.kind().as_str().to_owned()
    }

    /// The account id of a private host, else `null`.
    #[napi(getter)]
    pub fn registry_id(&self) -> Option<String> {
        self.0.registry_id().map(str::to_owned)
    }

    /// The region of a private host, else `null`.
    #[napi(getter)]
    pub fn region(&self) -> Option<String> {
        self.0.region().map(str::to_owned)
    }

    /// Whether this is a FIPS endpoint.
    #[napi(getter)]
    pub fn fips(&self) -> bool {
        self.0.fips()
    }

    /// Whether this is a dual-stack (IPv4 + IPv6) endpoint.
    #[napi(getter)]
    pub fn dual_stack(&self) -> bool {
        self.0.dual_stack()
    }

    /// The DNS suffix of a private host (`amazonaws.com`, `on.aws`, ...), else `null`.
    #[napi(getter)]
    pub fn dns_suffix(&self) -> Option<String> {
        self.0.dns_suffix().map(str::to_owned)
    }

    /// The `https://HOST` server URL.
    #[napi(getter)]
    pub fn server_url(&self) -> String {
        self.0.server_url()
    }

    /// This host with its FIPS endpoint switched on or off (public hosts have none and are unchanged).
    #[napi]
    pub fn with_fips(&self, on: bool) -> Self {
        Self(self.0.clone().with_fips(on))
    }

    /// This host in its dual-stack form or back; refused for a partition without dual-stack hosts.
    #[napi]
    pub fn with_dual_stack(&self, env: &Env, on: bool) -> Result<Self> {
        guard(env, || Ok(Self(self.0.clone().with_dual_stack(on)?)))
    }
}

text_value_methods!(RegistryHost);

// --- grammar checks ---

/// Checks a repository name against ECR's grammar; throws `code: "InvalidReference"` naming what is wrong.
#[napi(namespace = "reference")]
pub fn validate_repository_name(env: &Env, name: String) -> Result<()> {
    guard(env, || Ok(ecr_core::reference::validate_repository_name(&name)?))
}

/// Checks a tag against the OCI grammar; throws `code: "InvalidReference"`.
#[napi(namespace = "reference")]
pub fn validate_tag(env: &Env, tag: String) -> Result<()> {
    guard(env, || Ok(ecr_core::reference::validate_tag(&tag)?))
}

/// Checks a digest (`sha256:<64 lower-case hex>`); throws `code: "InvalidReference"`.
#[napi(namespace = "reference")]
pub fn validate_digest(env: &Env, digest: String) -> Result<()> {
    guard(env, || Ok(ecr_core::reference::validate_digest(&digest)?))
}

/// The AWS partition of a region: `{ name, dnsSuffix, dualStackDnsSuffix }` (`null` when the partition has
/// no dual-stack registry hosts).
#[napi(namespace = "reference", ts_return_type = "PartitionInfo")]
pub fn partition_of_region(env: Env, region: String) -> Result<Value> {
    guard(&env, || {
        crate::conversions::json(&ecr_core::reference::Partition::of_region(&region).info())
    })
}

//! # ecr-core
//!
//! The Amazon ECR part of a software delivery pipeline, correct by construction.
//!
//! Five capabilities, each a module with typed async APIs, each wrapped by the Python (`ecr_core`) and
//! Node (`ecr-core`) bindings:
//!
//! 1. [`auth`]: registry credentials from the AWS credential chain, cached until shortly before expiry,
//!    handed out as docker login, docker config or credential-helper replies.
//! 2. [`tagging`]: the tags a build should carry and a policy that rejects untraceable or unsafe tag plans.
//! 3. [`verify`]: after a push, prove every tag points at the expected digest, the platforms are the
//!    expected ones, the image config is production-ready and the repository is configured safely.
//! 4. [`scan`]: wait for ECR scans correctly, read every finding, decide pass/fail from a typed policy,
//!    report in JSON, SARIF and Markdown. Fail closed.
//! 5. [`lifecycle`]: validate and evaluate lifecycle policies offline, exactly as ECR would.
//!
//! And [`inventory`]: every image in use (ECS, Lambda, Batch, App Runner, Kubernetes, files), across
//! accounts and regions, so lifecycle expiry never deletes one. And [`settings`]: the settings a repository really gets from registry-wide rules (creation templates,
//! pull-through cache, replication, scanning and signing rules, account settings), resolved and audited.
//!
//! Shared ground: [`EcrClient`] (one cheap-to-clone client over the AWS SDK), [`reference`](mod@crate::reference) (strict
//! parsing of registry hosts and image references), [`types`] (owned ECR domain types) and one
//! [`Error`] enum whose [`Error::code`] strings are stable across Rust, Python and Node.
//!
//! [`conformance`] checks these offline decisions against a real ECR, case by case, in scratch repositories.
//!
//! ```no_run
//! # async fn demo() -> ecr_core::Result<()> {
//! let client = ecr_core::EcrClient::builder().region("eu-west-1").build().await?;
//! let repo = client.describe_repository("team/service").await?;
//! println!("{}", repo.repository_uri);
//! # Ok(()) }
//! ```
//!
//! Cargo features (all on by default) let a program leave out the SDKs it does not use; see the crate README.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
pub mod client;
pub mod conformance;
pub mod error;
#[cfg(feature = "inventory")]
#[cfg_attr(docsrs, doc(cfg(feature = "inventory")))]
pub mod inventory;
pub mod lifecycle;
pub mod reference;
pub mod scan;
pub mod schema;
pub mod secret;
pub mod settings;
pub mod tagging;
pub mod time;
pub mod types;
pub mod verify;

pub use client::{ClientTuning, EcrClient, EcrClientBuilder, RetryMode};
pub use error::{Error, FieldError, Result};
pub use secret::Secret;

/// The Rust examples of the README and of the guides in `docs/`, compiled as doc tests so they stay true.
#[cfg(doctest)]
mod doc_examples {
    #[doc = include_str!("../../README.md")]
    mod readme {}
    #[doc = include_str!("../README.md")]
    mod crate_readme {}
    #[doc = include_str!("../../docs/auth.md")]
    mod auth {}
    #[doc = include_str!("../../docs/bindings.md")]
    mod bindings {}
    #[doc = include_str!("../../docs/client.md")]
    mod client {}
    #[doc = include_str!("../../docs/conformance.md")]
    mod conformance {}
    #[doc = include_str!("../../docs/inventory.md")]
    mod inventory {}
    #[doc = include_str!("../../docs/lifecycle.md")]
    mod lifecycle {}
    #[doc = include_str!("../../docs/pipeline.md")]
    mod pipeline {}
    #[doc = include_str!("../../docs/programs.md")]
    mod programs {}
    #[doc = include_str!("../../docs/scan.md")]
    mod scan {}
    #[doc = include_str!("../../docs/settings.md")]
    mod settings {}
    #[doc = include_str!("../../docs/signatures.md")]
    mod signatures {}
    #[doc = include_str!("../../docs/tagging.md")]
    mod tagging {}
    #[doc = include_str!("../../docs/verify.md")]
    mod verify {}
}

//! Image references `host/repository[:tag][@sha256:<64 hex>]`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::grammar::{check_digest, check_repository, check_tag};
use super::host::parse_host;
use super::{Ctx, RegistryHost, invalid};
use crate::types::ImageId;
use crate::{Error, Result};

/// Most characters in an ECR Public repository name (after the registry alias).
const PUBLIC_REPOSITORY_NAME_MAX: usize = 205;

/// A valid image reference in an ECR registry: `host/repository[:tag][@sha256:<64 lowercase hex>]`.
///
/// The repository follows ECR's grammar (see [`validate_repository_name`](super::validate_repository_name));
/// for ECR Public it is `<registry alias>/<name>`. The tag follows the OCI grammar and the digest is sha256.
/// `Display` gives the reference back exactly; serialises as its string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageReference {
    host: RegistryHost,
    repository: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl ImageReference {
    /// A reference built from its parts, each validated.
    ///
    /// ```
    /// use ecr_core::reference::{ImageReference, RegistryHost};
    /// let host = RegistryHost::private("123456789012", "us-east-1")?;
    /// let image = ImageReference::new(host, "team/app", Some("v1"), None)?;
    /// assert_eq!(image.to_string(), "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1");
    /// # Ok::<(), ecr_core::Error>(())
    /// ```
    pub fn new(host: RegistryHost, repository: &str, tag: Option<&str>, digest: Option<&str>) -> Result<Self> {
        check_repository_for(&host, Ctx::whole(repository), repository).map_err(|m| invalid(repository, m))?;
        if let Some(tag) = tag {
            check_tag(Ctx::whole(tag), tag).map_err(|m| invalid(tag, m))?;
        }
        if let Some(digest) = digest {
            check_digest(Ctx::whole(digest), digest).map_err(|m| invalid(digest, m))?;
        }
        Ok(Self {
            host,
            repository: repository.to_owned(),
            tag: tag.map(str::to_owned),
            digest: digest.map(str::to_owned),
        })
    }

    /// The registry host.
    pub fn host(&self) -> &RegistryHost {
        &self.host
    }

    /// The repository name (for ECR Public, `<registry alias>/<name>`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, if the reference has one.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest (`sha256:…`), if the reference has one.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// The digest an operation pins: `given` (a caller's separate digest) or the reference's own; when both are
    /// present they must agree. [`Error::InvalidArgument`] on `digest` when they differ or neither is present.
    pub fn pinned_digest(&self, given: Option<String>) -> Result<String> {
        match (given, self.digest()) {
            (Some(d), Some(i)) if d != i => Err(Error::invalid(
                "digest",
                format!("{d} differs from the digest in the image reference ({i})"),
            )),
            (Some(d), _) => Ok(d),
            (None, Some(i)) => Ok(i.to_owned()),
            (None, None) => Err(Error::invalid(
                "digest",
                "required: pin the image (HOST/REPO@sha256:...) or give the digest",
            )),
        }
    }

    /// The tag and digest as an ECR [`ImageId`], or `None` when the reference has neither.
    pub fn image_id(&self) -> Option<ImageId> {
        if self.tag.is_none() && self.digest.is_none() {
            return None;
        }
        Some(ImageId {
            image_digest: self.digest.clone(),
            image_tag: self.tag.clone(),
        })
    }

    /// `host/repository`, the repository URI ECR reports.
    pub fn repository_uri(&self) -> String {
        format!("{}/{}", self.host, self.repository)
    }

    /// This reference with `tag` instead of its tag (the digest is kept).
    pub fn with_tag(mut self, tag: &str) -> Result<Self> {
        check_tag(Ctx::whole(tag), tag).map_err(|m| invalid(tag, m))?;
        self.tag = Some(tag.to_owned());
        Ok(self)
    }

    /// This reference with `digest` instead of its digest (the tag is kept).
    pub fn with_digest(mut self, digest: &str) -> Result<Self> {
        check_digest(Ctx::whole(digest), digest).map_err(|m| invalid(digest, m))?;
        self.digest = Some(digest.to_owned());
        Ok(self)
    }

    /// This reference without a tag.
    pub fn without_tag(mut self) -> Self {
        self.tag = None;
        self
    }

    /// This reference without a digest.
    pub fn without_digest(mut self) -> Self {
        self.digest = None;
        self
    }
}

impl fmt::Display for ImageReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.host, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl FromStr for ImageReference {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        parse_image(s).map_err(|m| invalid(s, m))
    }
}

impl Serialize for ImageReference {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ImageReference {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn parse_image(s: &str) -> std::result::Result<ImageReference, String> {
    if s.is_empty() {
        return Err("image reference is empty".to_owned());
    }
    let Some(slash) = s.find('/') else {
        return Err("image reference has no '/'; expected <registry host>/<repository>[:tag][@digest]".to_owned());
    };
    let host = parse_host(Ctx::within(s, 0), &s[..slash])?;
    let base = slash + 1;
    let rest = &s[base..];
    let (name_tag, digest) = match rest.find('@') {
        Some(i) => (&rest[..i], Some((base + i + 1, &rest[i + 1..]))),
        None => (rest, None),
    };
    let (repository, tag) = match name_tag.rfind(':') {
        Some(i) if name_tag[i..].find('/').is_none() => (&name_tag[..i], Some((base + i + 1, &name_tag[i + 1..]))),
        _ => (name_tag, None),
    };
    check_repository_for(&host, Ctx::within(s, base), repository)?;
    if let Some((at, tag)) = tag {
        check_tag(Ctx::within(s, at), tag)?;
    }
    if let Some((at, digest)) = digest {
        check_digest(Ctx::within(s, at), digest)?;
    }
    Ok(ImageReference {
        host,
        repository: repository.to_owned(),
        tag: tag.map(|(_, t)| t.to_owned()),
        digest: digest.map(|(_, d)| d.to_owned()),
    })
}

/// The repository grammar, plus ECR Public's `<alias>/<name>` shape on public hosts.
fn check_repository_for(host: &RegistryHost, ctx: Ctx<'_>, repository: &str) -> std::result::Result<(), String> {
    check_repository(ctx, repository)?;
    if host.is_public() {
        let Some((alias, name)) = repository.split_once('/') else {
            return Err(format!(
                "ECR Public repository{} must be '<registry alias>/<name>', found no '/'",
                ctx.at_start()
            ));
        };
        if alias.len() < 2 {
            return Err(format!(
                "ECR Public registry alias '{alias}'{} is 1 character, at least 2",
                ctx.at_start()
            ));
        }
        if alias.len() > 50 {
            return Err(format!(
                "ECR Public registry alias{} is {} characters, at most 50",
                ctx.at_start(),
                alias.len()
            ));
        }
        if name.len() < 2 {
            return Err(format!(
                "ECR Public repository name after the alias '{alias}' is 1 character, at least 2"
            ));
        }
        if name.len() > PUBLIC_REPOSITORY_NAME_MAX {
            return Err(format!(
                "ECR Public repository name after the alias is {} characters, at most {PUBLIC_REPOSITORY_NAME_MAX}",
                name.len()
            ));
        }
    }
    Ok(())
}

//! [`DiskCache`]: an optional token cache on disk, shared by separate processes (e.g. one credential
//! helper process per `docker pull`).
//!
//! Design (amazon-ecr-credential-helper's cache, <https://github.com/awslabs/amazon-ecr-credential-helper>,
//! keys tokens by a hash of the access key id, so rotated keys of one role miss, and writes without
//! out-of-process locking; this one does neither):
//! - **Key.** A token entry is keyed by `sha256(partition, region | "public", principal)`, where the
//!   principal is the caller's identity ARN from STS `GetCallerIdentity`, with an assumed role's session
//!   name dropped (`arn:aws:sts::<acct>:assumed-role/<role>`). Rotating session keys of the same role,
//!   SSO permission set or user therefore still hit. The ARN itself is stored only as a hash.
//! - **Identity memo.** So that a process whose keys were already seen needs no STS call, the file also
//!   maps `sha256(access key id, secret key)` (the secret makes the hash unguessable) to the principal's
//!   hash, until the keys expire. Access key ids never appear in the file, in clear or decodable form.
//! - **Bounded.** Every write drops expired entries, then the soonest-expiring ones beyond
//!   `max_entries` (default 64 tokens and 64 identities).
//! - **Atomic and private.** The directory is created (or tightened to) 0700; the file is written to a
//!   0600 temporary file in the same directory and renamed over `cache.json`, so readers never see a
//!   torn file. Writers serialise on an advisory lock (`cache.lock`), which the authenticator also holds
//!   while it fetches, so concurrent processes make one `GetAuthorizationToken` call.
//! - **Robust.** A corrupt, foreign (other version), oversized or non-regular file counts as empty and
//!   is replaced on the next write; a cache that cannot be used is skipped with a warning, never an error.
//! - **Optional.** Not used unless given to the authenticator; [`DiskCache::from_env`] returns `None`
//!   when `ECR_CORE_DISABLE_CACHE` is set to a non-empty value.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::credentials::Token;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::time::Timestamp;

/// The file format version; files with another version are ignored and replaced.
const VERSION: u32 = 1;
/// Files larger than this are not read (a foreign or runaway file).
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The cache file's name inside the directory.
pub const CACHE_FILE: &str = "cache.json";
const LOCK_FILE: &str = "cache.lock";

/// An on-disk token cache in one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskCache {
    dir: PathBuf,
    max_entries: usize,
}

/// The cache file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CacheFile {
    version: u32,
    #[serde(default)]
    tokens: BTreeMap<String, TokenEntry>,
    #[serde(default)]
    identities: BTreeMap<String, IdentityEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenEntry {
    /// `us-east-1`, ... or `public` (not secret; lets `list` name registries).
    scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proxy_endpoint: Option<String>,
    /// `base64(AWS:<password>)` as the API returned it; the file is 0600.
    authorization_token: String,
    #[serde(with = "crate::time::flexible")]
    fetched_at: Timestamp,
    #[serde(with = "crate::time::flexible")]
    expires_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdentityEntry {
    /// Hash of the principal ARN.
    principal: String,
    #[serde(with = "crate::time::flexible")]
    expires_at: Timestamp,
}

/// A cached token found in the file, with its scope.
#[derive(Debug, Clone)]
pub(crate) struct CachedToken {
    pub(crate) token: Token,
}

/// Holds the cache's advisory lock (released on drop).
#[derive(Debug)]
pub(crate) struct DiskLock {
    _file: File,
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The key of a token entry.
pub(crate) fn token_key(partition: &str, scope: &str, principal_hash: &str) -> String {
    sha256_hex(&["ecr-core-token/v1", partition, scope, principal_hash])
}

/// The key of an identity memo entry: a hash of the access key id AND the secret key.
pub(crate) fn identity_key(access_key_id: &str, secret_access_key: &Secret) -> String {
    sha256_hex(&["ecr-core-identity/v1", access_key_id, secret_access_key.expose()])
}

/// The stable principal of an identity ARN: an assumed role without its session name.
pub(crate) fn stable_principal(arn: &str) -> String {
    // arn:aws:sts::123456789012:assumed-role/RoleName/SessionName
    match arn.split_once(":assumed-role/") {
        Some((head, rest)) => {
            let role = rest.split('/').next().unwrap_or(rest);
            format!("{head}:assumed-role/{role}")
        }
        None => arn.to_owned(),
    }
}

/// The hash of a principal ARN (what the cache stores).
pub(crate) fn principal_hash(arn: &str) -> String {
    sha256_hex(&["ecr-core-principal/v1", &stable_principal(arn)])
}

impl DiskCache {
    /// A cache in `dir` (created 0700 on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            max_entries: 64,
        }
    }

    /// The cache the environment asks for: `None` when `ECR_CORE_DISABLE_CACHE` is non-empty; otherwise
    /// `$ECR_CORE_CACHE_DIR`, else `$XDG_CACHE_HOME/ecr-core`, else `~/.cache/ecr-core` (`None` when no
    /// home directory is known).
    pub fn from_env() -> Option<Self> {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if var("ECR_CORE_DISABLE_CACHE").is_some() {
            return None;
        }
        if let Some(dir) = var("ECR_CORE_CACHE_DIR") {
            return Some(Self::new(dir));
        }
        if let Some(xdg) = var("XDG_CACHE_HOME") {
            return Some(Self::new(PathBuf::from(xdg).join("ecr-core")));
        }
        std::env::home_dir()
            .filter(|h| !h.as_os_str().is_empty())
            .map(|h| Self::new(h.join(".cache").join("ecr-core")))
    }

    /// At most `n` token entries and `n` identity entries are kept (at least 1).
    pub fn max_entries(mut self, n: usize) -> Self {
        self.max_entries = n.max(1);
        self
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cache file.
    pub fn file(&self) -> PathBuf {
        self.dir.join(CACHE_FILE)
    }

    /// Creates the directory 0700, or tightens an existing one we own.
    fn ensure_dir(&self) -> Result<()> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(0o700);
        }
        builder.create(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let meta = fs::symlink_metadata(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
            if !meta.is_dir() {
                return Err(Error::Refused {
                    message: format!("cache directory {} is not a directory", self.dir.display()),
                });
            }
            if meta.permissions().mode() & 0o077 != 0 {
                fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
                    .map_err(|e| Error::io(&self.dir, e))?;
            }
        }
        Ok(())
    }

    /// Takes the cache's exclusive advisory lock (blocking).
    pub(crate) fn lock(&self) -> Result<DiskLock> {
        self.ensure_dir()?;
        let path = self.dir.join(LOCK_FILE);
        let mut opts = OpenOptions::new();
        opts.create(true).truncate(false).read(true).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            opts.mode(0o600);
        }
        let file = opts.open(&path).map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(DiskLock { _file: file })
    }

    /// Reads the file; anything unreadable counts as an empty cache.
    fn load(&self) -> CacheFile {
        let path = self.file();
        let read = || -> std::io::Result<Option<String>> {
            let meta = match fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            };
            if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
                tracing::warn!(path = %path.display(), "ignoring token cache: not a regular file or too large");
                return Ok(None);
            }
            let mut text = String::new();
            File::open(&path)?.take(MAX_FILE_BYTES).read_to_string(&mut text)?;
            Ok(Some(text))
        };
        let text = match read() {
            Ok(Some(t)) => t,
            Ok(None) => return CacheFile::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable token cache");
                return CacheFile::default();
            }
        };
        match serde_json::from_str::<CacheFile>(&text) {
            Ok(f) if f.version == VERSION => f,
            Ok(_) => {
                tracing::warn!(path = %path.display(), "ignoring token cache of another version");
                CacheFile::default()
            }
            Err(_) => {
                // Never echo the content: it may hold tokens.
                tracing::warn!(path = %path.display(), "ignoring corrupt or foreign token cache");
                CacheFile::default()
            }
        }
    }

    /// Writes the file atomically (0600 temporary file renamed over it). Caller holds the lock.
    fn store(&self, file: &CacheFile) -> Result<()> {
        let path = self.file();
        let text = serde_json::to_vec(file).map_err(|e| Error::invalid("token cache", e.to_string()))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".cache.json.")
            .tempfile_in(&self.dir)
            .map_err(|e| Error::io(&self.dir, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(|e| Error::io(tmp.path(), e))?;
        }
        tmp.write_all(&text).map_err(|e| Error::io(tmp.path(), e))?;
        tmp.as_file().sync_all().map_err(|e| Error::io(tmp.path(), e))?;
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }

    /// The token under `key` when it has not expired at `now`.
    pub(crate) fn get_token(&self, key: &str, now: Timestamp) -> Option<CachedToken> {
        let file = self.load();
        let e = file.tokens.get(key)?;
        if e.expires_at <= now {
            return None;
        }
        let token = Token::decode(
            &e.authorization_token,
            e.fetched_at,
            e.expires_at,
            e.proxy_endpoint.clone(),
        )
        .ok()?;
        Some(CachedToken { token })
    }

    /// Stores a token under `key`, evicting expired and excess entries. Caller holds the lock.
    pub(crate) fn put_token(
        &self,
        _lock: &DiskLock,
        key: &str,
        scope: &str,
        token: &Token,
        now: Timestamp,
    ) -> Result<()> {
        let mut file = self.load();
        file.version = VERSION;
        file.tokens.insert(
            key.to_owned(),
            TokenEntry {
                scope: scope.to_owned(),
                proxy_endpoint: token.proxy_endpoint.clone(),
                authorization_token: token.encoded().expose().to_owned(),
                fetched_at: token.fetched_at,
                expires_at: token.expires_at,
            },
        );
        self.prune(&mut file, now);
        self.store(&file)
    }

    /// The principal hash memoised for these keys.
    pub(crate) fn get_principal(&self, identity_key: &str, now: Timestamp) -> Option<String> {
        let file = self.load();
        let e = file.identities.get(identity_key)?;
        (e.expires_at > now).then(|| e.principal.clone())
    }

    /// Memoises the principal hash of these keys until `expires_at`.
    pub(crate) fn put_principal(
        &self,
        _lock: &DiskLock,
        identity_key: &str,
        principal_hash: &str,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        let mut file = self.load();
        file.version = VERSION;
        file.identities.insert(
            identity_key.to_owned(),
            IdentityEntry {
                principal: principal_hash.to_owned(),
                expires_at,
            },
        );
        self.prune(&mut file, now);
        self.store(&file)
    }

    fn prune(&self, file: &mut CacheFile, now: Timestamp) {
        file.tokens.retain(|_, e| e.expires_at > now);
        file.identities.retain(|_, e| e.expires_at > now);
        while file.tokens.len() > self.max_entries {
            let soonest = file
                .tokens
                .iter()
                .min_by_key(|(_, e)| e.expires_at)
                .map(|(k, _)| k.clone());
            if let Some(k) = soonest {
                file.tokens.remove(&k);
            }
        }
        while file.identities.len() > self.max_entries {
            let soonest = file
                .identities
                .iter()
                .min_by_key(|(_, e)| e.expires_at)
                .map(|(k, _)| k.clone());
            if let Some(k) = soonest {
                file.identities.remove(&k);
            }
        }
    }

    /// The proxy endpoints (or `public`) of the unexpired tokens in the file, for `list`.
    pub fn registries(&self, now: Timestamp) -> Vec<String> {
        let file = self.load();
        let mut out: Vec<String> = file
            .tokens
            .values()
            .filter(|e| e.expires_at > now)
            .map(|e| e.proxy_endpoint.clone().unwrap_or_else(|| "public.ecr.aws".to_owned()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The number of token entries in the file (for tests and diagnostics).
    pub fn token_count(&self) -> usize {
        self.load().tokens.len()
    }
}

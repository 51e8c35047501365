//! [`SharedStr`]: the string type of parsed findings, a range of the text they were read from.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// An immutable string that is usually a range of one shared text: the findings parser keeps the response
/// text (taking it over when given a `String`) and every finding's strings point into it, so reading 10,000 findings does not allocate
/// 150,000 strings. Cloning is a reference-count increment. It behaves as a `str` (deref, comparison,
/// hashing, `Display`, serialization). Keeping one keeps the whole text alive: `to_string()` detaches a copy.
#[derive(Clone)]
pub struct SharedStr {
    text: Arc<String>,
    start: usize,
    end: usize,
}

impl SharedStr {
    /// `text[start..end]` without copying; empty when the range is not valid there.
    pub(crate) fn range(text: &Arc<String>, start: usize, end: usize) -> Self {
        if text.get(start..end).is_some() {
            Self {
                text: Arc::clone(text),
                start,
                end,
            }
        } else {
            Self::from("")
        }
    }

    /// `part` as a range of `text` when it lies inside it (it was borrowed from it), else a copy of it.
    pub(crate) fn within(text: &Arc<String>, part: &str) -> Self {
        let base = text.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        if at >= base && at + part.len() <= base + text.len() {
            Self::range(text, at - base, at - base + part.len())
        } else {
            Self::from(part)
        }
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        self.text.get(self.start..self.end).unwrap_or_default()
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        Self {
            end: s.len(),
            text: Arc::new(s),
            start: 0,
        }
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        Self::from(s.to_owned())
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.as_str().to_owned()
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        Self::from("")
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for SharedStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_shares_the_text_and_anything_else_is_copied() {
        let text = Arc::new(String::from("{\"id\":\"CVE-1\"}"));
        let id = SharedStr::within(&text, &text[7..12]);
        assert_eq!(id, "CVE-1");
        assert!(Arc::ptr_eq(&id.text, &text), "a borrowed part is a range, not a copy");
        let other = String::from("CVE-1");
        let copied = SharedStr::within(&text, &other);
        assert!(!Arc::ptr_eq(&copied.text, &text));
        assert_eq!(copied, id);
        // Not a character boundary: empty rather than a panic.
        let wide = Arc::new(String::from("é"));
        assert_eq!(SharedStr::range(&wide, 1, 2).as_str(), "");
        assert_eq!(format!("{id:?} {id}"), "\"CVE-1\" CVE-1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"CVE-1\"");
    }

    #[test]
    fn parsed_findings_point_into_the_text_they_were_read_from() {
        let text = r#"{"imageScanFindings": {"enhancedFindings": [{"title": "CVE-1 - openssl",
            "description": "a \"quoted\" word", "severity": "HIGH",
            "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-1", "sourceUrl": "https://x/CVE-1",
            "vulnerablePackages": [{"name": "openssl", "version": "3.0", "release": "1"}]}}]}}"#;
        let scan = crate::scan::parse_findings_owned(text.to_owned()).unwrap();
        let f = &scan.findings[0];
        let doc = &f.raw.0.text;
        for (name, s) in [
            ("id", &f.id),
            ("title", f.title.as_ref().unwrap()),
            ("uri", f.uri.as_ref().unwrap()),
            ("package", f.package.as_ref().unwrap()),
            ("package name", &f.packages[0].name),
        ] {
            assert!(Arc::ptr_eq(&s.text, doc), "{name} is a range of the document");
        }
        assert_eq!((f.id.as_str(), f.uri.as_deref()), ("CVE-1", Some("https://x/CVE-1")));
        // Escapes and joined versions cannot be ranges: they are their own strings, with the decoded value.
        let description = f.description.as_ref().unwrap();
        assert!(!Arc::ptr_eq(&description.text, doc));
        assert_eq!(description, "a \"quoted\" word");
        assert_eq!(f.package_version.as_deref(), Some("3.0-1"));
        assert!(f.raw.get().starts_with("{\"title\""), "{}", f.raw.get());
    }
}

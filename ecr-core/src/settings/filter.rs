//! ECR's repository filter dialects. Each registry-wide setting matches repository names its own way:
//!
//! | setting | dialect | matches |
//! |---|---|---|
//! | creation templates, pull-through cache rules | namespace prefix | `prod` matches `prod/...` (a `/` is implied); `ROOT` matches every name |
//! | replication | `PREFIX_MATCH` | names starting with the filter |
//! | registry scanning | `WILDCARD` | without `*`: names *containing* the filter; with `*`: the whole name, `*` any run |
//! | managed signing | `WILDCARD_MATCH` | the whole name, `*` any run |
//! | tag mutability exclusions | `WILDCARD` | the whole tag, `*` any run |
//!
//! Sources: <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html>,
//! <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html>,
//! <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SigningRepositoryFilter.html>,
//! <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html>.

use super::model::{FilterEntry, ROOT};
use crate::tagging::wildcard_match;

/// Whether a creation template's or pull-through cache rule's prefix covers `name`: `ROOT` covers every
/// name, another prefix the names below it (`prod` covers `prod/app`, not `prod` nor `production/app`).
pub fn namespace_matches(prefix: &str, name: &str) -> bool {
    if prefix == ROOT {
        return true;
    }
    let prefix = prefix.trim_end_matches('/');
    name.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// Replication's `PREFIX_MATCH`: the name starts with the filter.
pub fn prefix_match(filter: &str, name: &str) -> bool {
    name.starts_with(filter)
}

/// Registry scanning's `WILDCARD`: a filter without `*` matches every name that contains it; with `*`, the
/// filter must match the whole name, `*` standing for any run of characters.
pub fn scanning_wildcard(filter: &str, name: &str) -> bool {
    if filter.contains('*') {
        wildcard_match(filter, name)
    } else {
        name.contains(filter)
    }
}

/// Managed signing's `WILDCARD_MATCH`: the filter matches the whole name, `*` standing for any run.
pub fn signing_wildcard(filter: &str, name: &str) -> bool {
    wildcard_match(filter, name)
}

/// Whether a rule with `filters` (in `matcher`'s dialect) applies to `name`: a rule without filters applies
/// to every repository; otherwise any filter may match. Returns the first matching filter's text
/// (`"*"` for a rule without filters).
pub fn rule_applies<'a>(filters: &'a [FilterEntry], name: &str, matcher: fn(&str, &str) -> bool) -> Option<&'a str> {
    if filters.is_empty() {
        return Some("*");
    }
    filters
        .iter()
        .find(|f| matcher(&f.filter, name))
        .map(|f| f.filter.as_str())
}

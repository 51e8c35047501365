//! Tag matching: prefixes and anchored `*` wildcard patterns, and a sound inclusion test used by the linter.

/// One entry of a `tagPrefixList` or `tagPatternList`, ready to match tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TagMatcher {
    /// `tagPrefixList` entry: the tag starts with it.
    Prefix(String),
    /// `tagPatternList` entry split at `*`: anchored glob (the first part is a prefix, the last a suffix).
    Pattern(Vec<String>),
}

impl TagMatcher {
    pub(crate) fn prefix(p: &str) -> Self {
        TagMatcher::Prefix(p.to_owned())
    }

    pub(crate) fn pattern(p: &str) -> Self {
        TagMatcher::Pattern(p.split('*').map(str::to_owned).collect())
    }

    /// Whether `tag` matches this entry (case-sensitive).
    #[inline]
    pub(crate) fn matches(&self, tag: &str) -> bool {
        match self {
            TagMatcher::Prefix(p) => has_prefix(tag.as_bytes(), p.as_bytes()),
            TagMatcher::Pattern(parts) => glob_match(parts, tag),
        }
    }

    /// The entry as a glob (a prefix `p` is the glob `p*`), as parts split at `*`.
    fn glob_parts(&self) -> Vec<&str> {
        match self {
            TagMatcher::Prefix(p) => vec![p.as_str(), ""],
            TagMatcher::Pattern(parts) => parts.iter().map(String::as_str).collect(),
        }
    }

    /// Whether every tag matching `other` also matches `self` (sound, not complete: `false` can mean
    /// "could not prove it").
    pub(crate) fn covers(&self, other: &TagMatcher) -> bool {
        let outer = self.glob_parts();
        // Write `other` as a word over characters plus a wildcard symbol; `self` covers it when `self` matches
        // that word with its own `*` absorbing anything (wildcards included) and its literals matching only
        // literal characters.
        let mut word: Vec<Option<char>> = Vec::new();
        for (i, part) in other.glob_parts().iter().enumerate() {
            if i > 0 {
                word.push(None);
            }
            word.extend(part.chars().map(Some));
        }
        let pattern: Vec<Option<char>> = {
            let mut p = Vec::new();
            for (i, part) in outer.iter().enumerate() {
                if i > 0 {
                    p.push(None);
                }
                p.extend(part.chars().map(Some));
            }
            p
        };
        wildcard_match(&pattern, &word)
    }

    /// The byte every matching tag starts with, when the entry begins with a literal.
    fn first_byte(&self) -> Option<u8> {
        match self {
            TagMatcher::Prefix(p) => p.as_bytes().first().copied(),
            TagMatcher::Pattern(parts) => parts.first().and_then(|p| p.as_bytes().first().copied()),
        }
    }
}

/// A quick necessary test of which rules can select an image, from its tags' first bytes: a tagged rule whose list
/// has an entry starting with a literal needs a tag starting with that byte. Rules past the 64th are always
/// candidates.
pub(crate) struct RuleFilter {
    /// Rules that may select any image (no literal first byte to test).
    always: u64,
    /// Rules that may select an image having a tag that starts with the byte.
    by_first_byte: [u64; 256],
}

impl RuleFilter {
    /// The filter for rules with these lists (`None`: the rule does not select by tag).
    pub(crate) fn new<'m>(lists: impl IntoIterator<Item = Option<&'m [TagMatcher]>>) -> Self {
        let mut filter = RuleFilter {
            always: 0,
            by_first_byte: [0; 256],
        };
        for (r, list) in lists.into_iter().enumerate().take(64) {
            match list.and_then(|l| l.iter().find_map(TagMatcher::first_byte)) {
                Some(b) => filter.by_first_byte[usize::from(b)] |= 1 << r,
                None => filter.always |= 1 << r,
            }
        }
        filter
    }

    /// The candidate rules for an image with `tags`, as a mask for [`RuleFilter::may_select`].
    #[inline]
    pub(crate) fn candidates(&self, tags: &[String]) -> u64 {
        tags.iter().fold(self.always, |mask, t| {
            mask | t.as_bytes().first().map_or(0, |&b| self.by_first_byte[usize::from(b)])
        })
    }

    /// Whether rule `r` is in `candidates`.
    #[inline]
    pub(crate) fn may_select(candidates: u64, r: usize) -> bool {
        r >= 64 || candidates >> r & 1 == 1
    }
}

/// `hay.starts_with(prefix)`, comparing inline: tags and prefixes are short, and most candidates differ in their
/// first byte, so this beats a `memcmp` call in the evaluator's inner loop.
#[inline]
fn has_prefix(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay.iter().zip(prefix).all(|(a, b)| a == b)
}

/// Longest needle searched naively (worst case `SHORT_NEEDLE` byte comparisons per tag byte); longer needles use
/// the standard library's two-way search, whose set-up would dominate for the short parts patterns usually have.
const SHORT_NEEDLE: usize = 16;

/// Byte offset of the first occurrence of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    if needle.len() > SHORT_NEEDLE {
        // Both are valid UTF-8 (slices of `str`s at match boundaries), so this cannot fail; fall back to "no match"
        // rather than panic if it ever did.
        let (Ok(h), Ok(n)) = (std::str::from_utf8(hay), std::str::from_utf8(needle)) else {
            return None;
        };
        return h.find(n);
    }
    let last_start = hay.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&at| hay[at] == first && has_prefix(&hay[at + 1..], rest))
}

/// Anchored glob match of `tag` against `parts` (the pattern split at `*`). Linear-time greedy algorithm (each
/// middle part at its leftmost occurrence, the last part as a suffix), on bytes: parts are whole UTF-8 strings,
/// so byte matches are character matches.
#[inline]
fn glob_match(parts: &[String], tag: &str) -> bool {
    let tag = tag.as_bytes();
    let (first, rest) = match parts.split_first() {
        Some(x) => x,
        None => return tag.is_empty(),
    };
    if rest.is_empty() {
        return tag.len() == first.len() && has_prefix(tag, first.as_bytes());
    }
    if !has_prefix(tag, first.as_bytes()) {
        return false;
    }
    let mut remaining = &tag[first.len()..];
    let (last, middle) = match rest.split_last() {
        Some(x) => x,
        None => return true,
    };
    for part in middle {
        match find(remaining, part.as_bytes()) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.len() >= last.len() && has_prefix(&remaining[remaining.len() - last.len()..], last.as_bytes())
}

/// Classic wildcard matching where `None` in `pattern` is `*` (matching any run of symbols, wildcard symbols
/// included) and `None` in `word` is a symbol only a pattern `*` can absorb.
fn wildcard_match(pattern: &[Option<char>], word: &[Option<char>]) -> bool {
    let (mut p, mut w) = (0usize, 0usize);
    let mut star: Option<usize> = None;
    let mut star_w = 0usize;
    while w < word.len() {
        if p < pattern.len() && pattern[p].is_some() && pattern[p] == word[w] {
            p += 1;
            w += 1;
        } else if p < pattern.len() && pattern[p].is_none() {
            star = Some(p);
            star_w = w;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            star_w += 1;
            w = star_w;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p].is_none() {
        p += 1;
    }
    p == pattern.len()
}

/// Whether an image's tags satisfy a whole list: every entry matches at least one tag (AND over entries).
pub(crate) fn list_matches(list: &[TagMatcher], tags: &[String]) -> bool {
    !list.is_empty() && list.iter().all(|m| tags.iter().any(|t| m.matches(t)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn patterns_are_anchored_globs() {
        let p = TagMatcher::pattern;
        assert!(p("prod*").matches("prod"));
        assert!(p("prod*").matches("production-team1"));
        assert!(!p("prod*").matches("xprod"));
        assert!(p("*prod*").matches("repo-production"));
        assert!(p("latest").matches("latest"));
        assert!(!p("latest").matches("latest-1"));
        assert!(p("*test*1*2*3").matches("my-test-1-2-3"));
        assert!(!p("*test*1*2*3").matches("my-test-1-2-3-4"));
        assert!(p("a*a").matches("aa"));
        assert!(!p("a*a").matches("a"));
        assert!(p("*").matches(""));
        assert!(!p("Prod*").matches("prod"));
        assert!(p("*é*").matches("café-1"));
        assert!(p("a*bab*c").matches("a-babab-c"));
        assert!(!p("a*bab*c").matches("a-ba-b-c"));
    }

    #[test]
    fn rule_filter_keeps_every_rule_that_could_select() {
        let prod = [TagMatcher::pattern("prod-*")];
        let rc = [TagMatcher::pattern("*-rc*")];
        // All entries must match: the second entry's literal `v` is required even though the first has none.
        let both = [TagMatcher::pattern("*b*"), TagMatcher::prefix("v")];
        let filter = RuleFilter::new([Some(&prod[..]), Some(&rc[..]), None, Some(&both[..])]);
        let mask = |tags: &[&str]| filter.candidates(&tags.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>());
        let rules = |m: u64| (0..4).filter(|&r| RuleFilter::may_select(m, r)).collect::<Vec<_>>();
        assert_eq!(rules(mask(&["git-1"])), [1, 2]);
        assert_eq!(rules(mask(&["prod-1", "vb"])), [0, 1, 2, 3]);
        assert_eq!(rules(mask(&["b", "v"])), [1, 2, 3]);
        assert_eq!(rules(mask(&[""])), [1, 2]);
        assert_eq!(rules(mask(&[])), [1, 2]);
        // Past the 64th rule the filter has no bit: always a candidate.
        let many = RuleFilter::new((0..70).map(|_| Some(&prod[..])));
        assert!(!RuleFilter::may_select(many.candidates(&[]), 63));
        assert!(RuleFilter::may_select(many.candidates(&[]), 64));
    }

    #[test]
    fn long_and_short_middle_parts_search_alike() {
        let long = "x".repeat(SHORT_NEEDLE) + "y";
        let p = TagMatcher::pattern(&format!("*{long}*"));
        assert!(p.matches(&format!("aa{long}bb")));
        assert!(!p.matches(&"x".repeat(40)));
        assert_eq!(find(b"abcabd", b"abd"), Some(3));
        assert_eq!(find(b"ab", b"abc"), None);
        assert_eq!(find(b"ab", b""), Some(0));
    }

    #[test]
    fn prefixes_and_lists() {
        let list = [TagMatcher::prefix("alpha"), TagMatcher::prefix("beta")];
        assert!(list_matches(&list, &["alpha-2".into(), "beta-2".into()]));
        assert!(!list_matches(&list, &["alpha-1".into()]));
        assert!(!list_matches(&[], &["x".into()]));
    }

    #[test]
    fn coverage_is_sound() {
        let p = TagMatcher::pattern;
        assert!(p("prod*").covers(&p("prod-eu*")));
        assert!(p("prod*").covers(&TagMatcher::prefix("production")));
        assert!(TagMatcher::prefix("prod").covers(&p("prod*x")));
        assert!(p("*").covers(&p("anything*")));
        assert!(p("*a*").covers(&p("a*")));
        assert!(!p("prod-eu*").covers(&p("prod*")));
        assert!(!p("latest").covers(&p("latest*")));
        assert!(p("latest").covers(&p("latest")));
        assert!(!p("*x").covers(&p("*")));
    }
}

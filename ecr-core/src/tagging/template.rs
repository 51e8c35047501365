//! docker/metadata-action's Handlebars "global expressions" (`{{branch}}`, `{{sha}}`, `{{date 'YYYYMMDD'}}`,
//! ...) and the semver placeholders (`{{version}}`, `{{major}}`, ...), parsed once when a strategy is loaded.

use chrono::{Datelike, FixedOffset, Offset, Timelike};

use crate::time::Timestamp;

/// A parsed template: literal text and expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pub(crate) source: String,
    pub(crate) parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Text(String),
    Expr(Expr),
}

/// One `{{...}}` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Branch,
    Tag,
    Sha,
    BaseRef,
    IsDefaultBranch,
    IsNotDefaultBranch,
    BuildNumber,
    Date(DateFormat),
    CommitDate(DateFormat),
    Version,
    Major,
    Minor,
    Patch,
    Raw,
}

/// A moment.js-style date format and a time zone (UTC or a fixed offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateFormat {
    tokens: Vec<DateToken>,
    offset_secs: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DateToken {
    Lit(String),
    Year4,
    Year2,
    Month2,
    Month,
    Day2,
    Day,
    Hour2,
    Hour,
    Minute2,
    Minute,
    Second2,
    Second,
    Millis,
    UnixSecs,
    UnixMillis,
}

/// Which placeholders a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Global expressions only.
    Global,
    /// Global expressions and the semver placeholders.
    Semver,
}

/// The values a template is rendered with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Values<'a> {
    pub(crate) branch: Option<&'a str>,
    pub(crate) tag: Option<&'a str>,
    pub(crate) short_sha: Option<&'a str>,
    pub(crate) base_ref: Option<&'a str>,
    pub(crate) is_default_branch: bool,
    pub(crate) build_number: Option<&'a str>,
    pub(crate) now: Option<Timestamp>,
    pub(crate) commit_date: Option<Timestamp>,
    pub(crate) semver: Option<SemverValues<'a>>,
}

/// The semver placeholders' values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SemverValues<'a> {
    pub(crate) version: &'a str,
    pub(crate) major: u64,
    pub(crate) minor: u64,
    pub(crate) patch: u64,
    pub(crate) raw: &'a str,
}

impl Template {
    /// Parses `text`; the error names what is wrong (the caller adds the field path).
    pub(crate) fn parse(text: &str, scope: Scope) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after.find("}}").ok_or_else(|| format!("unclosed `{{{{` in {text:?}"))?;
            parts.push(Part::Expr(parse_expr(after[..end].trim(), scope)?));
            rest = &after[end + 2..];
        }
        if rest.contains("}}") {
            return Err(format!("`}}}}` without `{{{{` in {text:?}"));
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Self {
            source: text.to_owned(),
            parts,
        })
    }

    /// Whether the template uses an expression matching `pred`.
    pub(crate) fn uses(&self, pred: impl Fn(&Expr) -> bool) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Expr(e) if pred(e)))
    }

    /// Renders the template. Expressions without a value render empty (as metadata-action does);
    /// `Err` names an expression that needs a value the context lacks (a date without a time).
    pub(crate) fn render(&self, v: &Values<'_>) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Expr(e) => render_expr(e, v, &mut out)?,
            }
        }
        Ok(out)
    }
}

fn render_expr(e: &Expr, v: &Values<'_>, out: &mut String) -> Result<(), String> {
    let push = |out: &mut String, s: Option<&str>| out.push_str(s.unwrap_or_default());
    match e {
        Expr::Branch => push(out, v.branch),
        Expr::Tag => push(out, v.tag),
        Expr::Sha => push(out, v.short_sha),
        Expr::BaseRef => push(out, v.base_ref),
        Expr::IsDefaultBranch => out.push_str(if v.is_default_branch { "true" } else { "false" }),
        Expr::IsNotDefaultBranch => out.push_str(if v.is_default_branch { "false" } else { "true" }),
        Expr::BuildNumber => push(out, v.build_number),
        Expr::Date(f) => {
            let t = v.now.ok_or("{{date}} needs the build time (context `created`)")?;
            f.write(t, out);
        }
        Expr::CommitDate(f) => {
            let t = v
                .commit_date
                .ok_or("{{commit_date}} needs the commit time (context `commitDate`)")?;
            f.write(t, out);
        }
        Expr::Version => push(out, v.semver.map(|s| s.version)),
        Expr::Raw => push(out, v.semver.map(|s| s.raw)),
        Expr::Major => push(out, v.semver.map(|s| s.major.to_string()).as_deref()),
        Expr::Minor => push(out, v.semver.map(|s| s.minor.to_string()).as_deref()),
        Expr::Patch => push(out, v.semver.map(|s| s.patch.to_string()).as_deref()),
    }
    Ok(())
}

fn parse_expr(body: &str, scope: Scope) -> Result<Expr, String> {
    let (name, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let semver = |e: Expr| {
        if scope == Scope::Semver {
            Ok(e)
        } else {
            Err(format!("`{{{{{name}}}}}` is only available in a semver pattern"))
        }
    };
    let no_args = |e: Expr| {
        if args.trim().is_empty() {
            Ok(e)
        } else {
            Err(format!("`{{{{{name}}}}}` takes no arguments"))
        }
    };
    match name {
        "branch" => no_args(Expr::Branch),
        "tag" => no_args(Expr::Tag),
        "sha" => no_args(Expr::Sha),
        "base_ref" => no_args(Expr::BaseRef),
        "is_default_branch" => no_args(Expr::IsDefaultBranch),
        "is_not_default_branch" => no_args(Expr::IsNotDefaultBranch),
        "build_number" => no_args(Expr::BuildNumber),
        "date" => Ok(Expr::Date(parse_date_args(args)?)),
        "commit_date" => Ok(Expr::CommitDate(parse_date_args(args)?)),
        "version" => semver(Expr::Version).and_then(no_args),
        "major" => semver(Expr::Major).and_then(no_args),
        "minor" => semver(Expr::Minor).and_then(no_args),
        "patch" => semver(Expr::Patch).and_then(no_args),
        "raw" => semver(Expr::Raw).and_then(no_args),
        "" => Err("empty expression `{{}}`".to_owned()),
        other => Err(format!("unknown expression `{{{{{other}}}}}`")),
    }
}

/// Parses `'FORMAT' tz='Zone'`.
fn parse_date_args(args: &str) -> Result<DateFormat, String> {
    let args = args.trim();
    let (format, rest) =
        take_quoted(args).ok_or("a date expression needs a quoted format, e.g. {{date 'YYYYMMDD'}}")?;
    let rest = rest.trim();
    let mut offset_secs = 0;
    if !rest.is_empty() {
        let zone = rest
            .strip_prefix("tz=")
            .and_then(take_quoted)
            .filter(|(_, tail)| tail.trim().is_empty())
            .map(|(z, _)| z)
            .ok_or_else(|| format!("unexpected date arguments {rest:?} (only tz='Zone')"))?;
        offset_secs = parse_zone(zone)?;
    }
    Ok(DateFormat {
        tokens: parse_moment_format(format),
        offset_secs,
    })
}

fn take_quoted(s: &str) -> Option<(&str, &str)> {
    let q = s.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = &s[1..];
    let end = body.find(q)?;
    Some((&body[..end], &body[end + 1..]))
}

/// `UTC`, `Etc/UTC`, `Z`, `GMT` or a fixed offset `+02:00` / `-0530`. Named zones need a time-zone
/// database ecr-core does not ship.
fn parse_zone(zone: &str) -> Result<i32, String> {
    if matches!(zone, "UTC" | "Etc/UTC" | "Z" | "GMT" | "Etc/GMT") {
        return Ok(0);
    }
    let bad = || format!("time zone {zone:?} is not supported: use UTC or a fixed offset like +02:00");
    let sign = match zone.chars().next() {
        Some('+') => 1,
        Some('-') => -1,
        _ => return Err(bad()),
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let h: i32 = digits[..2].parse().map_err(|_| bad())?;
    let m: i32 = digits[2..].parse().map_err(|_| bad())?;
    if h > 14 || m > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 3600 + m * 60))
}

fn parse_moment_format(f: &str) -> Vec<DateToken> {
    const TOKENS: [(&str, DateToken); 15] = [
        ("YYYY", DateToken::Year4),
        ("YY", DateToken::Year2),
        ("MM", DateToken::Month2),
        ("M", DateToken::Month),
        ("DD", DateToken::Day2),
        ("D", DateToken::Day),
        ("HH", DateToken::Hour2),
        ("H", DateToken::Hour),
        ("mm", DateToken::Minute2),
        ("m", DateToken::Minute),
        ("ss", DateToken::Second2),
        ("SSS", DateToken::Millis),
        ("s", DateToken::Second),
        ("X", DateToken::UnixSecs),
        ("x", DateToken::UnixMillis),
    ];
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = f;
    'outer: while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[')
            && let Some(end) = after.find(']')
        {
            lit.push_str(&after[..end]);
            rest = &after[end + 1..];
            continue;
        }
        for (pat, tok) in &TOKENS {
            if let Some(after) = rest.strip_prefix(pat) {
                if !lit.is_empty() {
                    out.push(DateToken::Lit(std::mem::take(&mut lit)));
                }
                out.push(tok.clone());
                rest = after;
                continue 'outer;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            lit.push(c);
        }
        rest = chars.as_str();
    }
    if !lit.is_empty() {
        out.push(DateToken::Lit(lit));
    }
    out
}

impl DateFormat {
    fn write(&self, t: Timestamp, out: &mut String) {
        use std::fmt::Write;
        // Offsets are validated to ±14 h when parsed; UTC is the fallback all the same.
        let offset = FixedOffset::east_opt(self.offset_secs).unwrap_or_else(|| chrono::Utc.fix());
        let l = t.with_timezone(&offset);
        for tok in &self.tokens {
            let _ = match tok {
                DateToken::Lit(s) => write!(out, "{s}"),
                DateToken::Year4 => write!(out, "{:04}", l.year()),
                DateToken::Year2 => write!(out, "{:02}", l.year().rem_euclid(100)),
                DateToken::Month2 => write!(out, "{:02}", l.month()),
                DateToken::Month => write!(out, "{}", l.month()),
                DateToken::Day2 => write!(out, "{:02}", l.day()),
                DateToken::Day => write!(out, "{}", l.day()),
                DateToken::Hour2 => write!(out, "{:02}", l.hour()),
                DateToken::Hour => write!(out, "{}", l.hour()),
                DateToken::Minute2 => write!(out, "{:02}", l.minute()),
                DateToken::Minute => write!(out, "{}", l.minute()),
                DateToken::Second2 => write!(out, "{:02}", l.second()),
                DateToken::Second => write!(out, "{}", l.second()),
                DateToken::Millis => write!(out, "{:03}", l.timestamp_subsec_millis()),
                DateToken::UnixSecs => write!(out, "{}", t.timestamp()),
                DateToken::UnixMillis => write!(out, "{}", t.timestamp_millis()),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<Timestamp> {
        crate::time::parse_str(s)
    }

    #[test]
    fn global_expressions_render() {
        let t = Template::parse(
            "{{branch}}-{{sha}}-{{build_number}}-{{is_default_branch}}",
            Scope::Global,
        )
        .unwrap();
        let v = Values {
            branch: Some("main"),
            short_sha: Some("abc1234"),
            build_number: Some("42"),
            is_default_branch: true,
            ..Values::default()
        };
        assert_eq!(t.render(&v).unwrap(), "main-abc1234-42-true");
    }

    #[test]
    fn dates_use_moment_tokens_and_zones() {
        let v = Values {
            now: at("2026-03-04T23:30:05Z"),
            ..Values::default()
        };
        let t = Template::parse("nightly-{{date 'YYYYMMDD-HHmm'}}", Scope::Global).unwrap();
        assert_eq!(t.render(&v).unwrap(), "nightly-20260304-2330");
        let t = Template::parse("{{date 'YYYY-MM-DD[T]HH' tz='+02:00'}}", Scope::Global).unwrap();
        assert_eq!(t.render(&v).unwrap(), "2026-03-05T01");
        assert!(Template::parse("{{date 'YYYY' tz='Europe/Paris'}}", Scope::Global).is_err());
        assert!(Template::parse("{{date}}", Scope::Global).is_err());
        let t = Template::parse("{{commit_date 'YYYY'}}", Scope::Global).unwrap();
        assert!(t.render(&v).is_err(), "no commit date known");
    }

    #[test]
    fn bad_templates_are_refused() {
        assert!(Template::parse("{{version}}", Scope::Global).is_err());
        assert!(Template::parse("{{version}}", Scope::Semver).is_ok());
        assert!(Template::parse("{{nope}}", Scope::Global).is_err());
        assert!(Template::parse("{{branch", Scope::Global).is_err());
        assert!(Template::parse("x}}", Scope::Global).is_err());
        assert!(Template::parse("{{sha 7}}", Scope::Global).is_err());
    }
}

//! docker/metadata-action's Handlebars "global expressions" (`{{branch}}`, `{{sha}}`, `{{date 'YYYYMMDD'}}`,
//! ...) and the semver placeholders (`{{version}}`, `{{major}}`, ...), parsed once when a strategy is loaded.

use chrono::{DateTime, Datelike, FixedOffset, Offset, TimeZone, Timelike, Utc};

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

/// A moment.js date format and a time zone (an IANA name such as `Asia/Tokyo`, or a fixed offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateFormat {
    tokens: Vec<DateToken>,
    zone: Zone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    Named(chrono_tz::Tz),
    Fixed(i32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DateToken {
    Lit(String),
    /// A moment token rendered with the chrono format string.
    Chrono(&'static str),
    /// `Y`: the year without padding.
    Year,
    /// `Q`: the quarter.
    Quarter,
    /// `Mo`, `Do`, `DDDo`, `do`, `Qo`, `Wo`: an ordinal (`1st`) of the month, day, day of year, weekday, quarter, ISO week.
    Ordinal(Ordinal),
    /// `M`, `D`, `H`, `h`, `k`, `m`, `s`, `d`, `E`, `W`, `DDD`: a number without padding.
    Plain(Field),
    /// `kk`: the hour 1 to 24, two digits.
    Hour24Padded,
    /// `S` to `SSSSSSSSS`: fractional seconds with that many digits.
    Fraction(usize),
    /// `Z`: `+09:00`; `ZZ`: `+0900`.
    Offset {
        colon: bool,
    },
    /// `X`: Unix seconds; `x`: Unix milliseconds.
    Unix {
        millis: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Month,
    Day,
    DayOfYear,
    Hour,
    Hour12,
    Hour24,
    Minute,
    Second,
    Weekday,
    IsoWeekday,
    IsoWeek,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ordinal {
    Month,
    Day,
    DayOfYear,
    Weekday,
    Quarter,
    IsoWeek,
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
    let mut zone = Zone::Fixed(0);
    if !rest.is_empty() {
        let name = rest
            .strip_prefix("tz=")
            .and_then(take_quoted)
            .filter(|(_, tail)| tail.trim().is_empty())
            .map(|(z, _)| z)
            .ok_or_else(|| format!("unexpected date arguments {rest:?} (only tz='Zone')"))?;
        zone = parse_zone(name)?;
    }
    Ok(DateFormat {
        tokens: parse_moment_format(format)?,
        zone,
    })
}

fn take_quoted(s: &str) -> Option<(&str, &str)> {
    let q = s.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = &s[1..];
    let end = body.find(q)?;
    Some((&body[..end], &body[end + 1..]))
}

/// An IANA time zone (`Asia/Tokyo`, `UTC`) or a fixed offset (`+02:00`, `-0530`).
fn parse_zone(zone: &str) -> Result<Zone, String> {
    if let Ok(tz) = zone.parse::<chrono_tz::Tz>() {
        return Ok(Zone::Named(tz));
    }
    let bad = || format!("time zone {zone:?} is neither an IANA zone (e.g. Asia/Tokyo) nor an offset like +02:00");
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
    Ok(Zone::Fixed(sign * (h * 3600 + m * 60)))
}

/// moment.js format tokens (<https://momentjs.com/docs/#/displaying/format/>), longest first; `[...]` is
/// literal text and any other character stands for itself, as in moment.
const TOKENS: [(&str, DateToken); 42] = [
    ("YYYY", DateToken::Chrono("%Y")),
    ("YY", DateToken::Chrono("%y")),
    ("Y", DateToken::Year),
    ("Qo", DateToken::Ordinal(Ordinal::Quarter)),
    ("Q", DateToken::Quarter),
    ("MMMM", DateToken::Chrono("%B")),
    ("MMM", DateToken::Chrono("%b")),
    ("MM", DateToken::Chrono("%m")),
    ("Mo", DateToken::Ordinal(Ordinal::Month)),
    ("M", DateToken::Plain(Field::Month)),
    ("DDDD", DateToken::Chrono("%j")),
    ("DDDo", DateToken::Ordinal(Ordinal::DayOfYear)),
    ("DDD", DateToken::Plain(Field::DayOfYear)),
    ("DD", DateToken::Chrono("%d")),
    ("Do", DateToken::Ordinal(Ordinal::Day)),
    ("D", DateToken::Plain(Field::Day)),
    ("dddd", DateToken::Chrono("%A")),
    ("ddd", DateToken::Chrono("%a")),
    ("do", DateToken::Ordinal(Ordinal::Weekday)),
    ("d", DateToken::Plain(Field::Weekday)),
    ("E", DateToken::Plain(Field::IsoWeekday)),
    ("GGGG", DateToken::Chrono("%G")),
    ("GG", DateToken::Chrono("%g")),
    ("WW", DateToken::Chrono("%V")),
    ("Wo", DateToken::Ordinal(Ordinal::IsoWeek)),
    ("W", DateToken::Plain(Field::IsoWeek)),
    ("HH", DateToken::Chrono("%H")),
    ("H", DateToken::Plain(Field::Hour)),
    ("hh", DateToken::Chrono("%I")),
    ("h", DateToken::Plain(Field::Hour12)),
    ("kk", DateToken::Hour24Padded),
    ("k", DateToken::Plain(Field::Hour24)),
    ("mm", DateToken::Chrono("%M")),
    ("m", DateToken::Plain(Field::Minute)),
    ("ss", DateToken::Chrono("%S")),
    ("s", DateToken::Plain(Field::Second)),
    ("A", DateToken::Chrono("%p")),
    ("a", DateToken::Chrono("%P")),
    ("ZZ", DateToken::Offset { colon: false }),
    ("Z", DateToken::Offset { colon: true }),
    ("X", DateToken::Unix { millis: false }),
    ("x", DateToken::Unix { millis: true }),
];

/// The first letters of moment tokens that depend on a locale (week numbering, `L` formats, eras, zone
/// names); refused rather than guessed.
const LOCALE_TOKENS: [char; 8] = ['w', 'g', 'e', 'L', 'l', 'N', 'y', 'z'];

fn parse_moment_format(f: &str) -> Result<Vec<DateToken>, String> {
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
        if let Some(c) = rest.chars().next().filter(|c| LOCALE_TOKENS.contains(c)) {
            return Err(format!(
                "the moment token `{c}` depends on a locale and is not supported (write literal text in [brackets])"
            ));
        }
        // `dd`: the weekday's first two letters.
        if let Some(after) = rest.strip_prefix("dd")
            && !rest.starts_with("ddd")
        {
            flush(&mut lit, &mut out);
            out.push(DateToken::Chrono("%a2"));
            rest = after;
            continue;
        }
        if rest.starts_with('S') {
            let n = rest.len() - rest.trim_start_matches('S').len();
            flush(&mut lit, &mut out);
            out.push(DateToken::Fraction(n.min(9)));
            rest = &rest[n..];
            continue;
        }
        for (pat, tok) in &TOKENS {
            if let Some(after) = rest.strip_prefix(pat) {
                flush(&mut lit, &mut out);
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
    flush(&mut lit, &mut out);
    Ok(out)
}

fn flush(lit: &mut String, out: &mut Vec<DateToken>) {
    if !lit.is_empty() {
        out.push(DateToken::Lit(std::mem::take(lit)));
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

impl DateFormat {
    fn write(&self, t: Timestamp, out: &mut String) {
        match self.zone {
            Zone::Named(tz) => self.write_local(&t.with_timezone(&tz), out),
            Zone::Fixed(secs) => {
                // Offsets are validated to ±14 h when parsed; UTC is the fallback all the same.
                let offset = FixedOffset::east_opt(secs).unwrap_or_else(|| Utc.fix());
                self.write_local(&t.with_timezone(&offset), out)
            }
        }
    }

    fn write_local<Z: TimeZone>(&self, l: &DateTime<Z>, out: &mut String)
    where
        Z::Offset: std::fmt::Display,
    {
        use std::fmt::Write;
        let quarter = (l.month() - 1) / 3 + 1;
        let iso_week = l.iso_week().week();
        for tok in &self.tokens {
            let _ = match tok {
                DateToken::Lit(s) => write!(out, "{s}"),
                DateToken::Chrono("%a2") => write!(out, "{}", &l.format("%a").to_string()[..2]),
                DateToken::Chrono(f) => write!(out, "{}", l.format(f)),
                DateToken::Year => write!(out, "{}", l.year()),
                DateToken::Quarter => write!(out, "{quarter}"),
                DateToken::Ordinal(o) => {
                    let n = match o {
                        Ordinal::Month => l.month(),
                        Ordinal::Day => l.day(),
                        Ordinal::DayOfYear => l.ordinal(),
                        Ordinal::Weekday => l.weekday().num_days_from_sunday(),
                        Ordinal::Quarter => quarter,
                        Ordinal::IsoWeek => iso_week,
                    };
                    write!(out, "{}", ordinal(n))
                }
                DateToken::Plain(f) => {
                    let n = match f {
                        Field::Month => l.month(),
                        Field::Day => l.day(),
                        Field::DayOfYear => l.ordinal(),
                        Field::Hour => l.hour(),
                        Field::Hour12 => l.hour12().1,
                        Field::Hour24 => {
                            if l.hour() == 0 {
                                24
                            } else {
                                l.hour()
                            }
                        }
                        Field::Minute => l.minute(),
                        Field::Second => l.second(),
                        Field::Weekday => l.weekday().num_days_from_sunday(),
                        Field::IsoWeekday => l.weekday().number_from_monday(),
                        Field::IsoWeek => iso_week,
                    };
                    write!(out, "{n}")
                }
                DateToken::Hour24Padded => write!(out, "{:02}", if l.hour() == 0 { 24 } else { l.hour() }),
                DateToken::Fraction(n) => {
                    let nanos = format!("{:09}", l.timestamp_subsec_nanos().min(999_999_999));
                    write!(out, "{}", &nanos[..*n])
                }
                DateToken::Offset { colon } => {
                    let secs = l.offset().fix().local_minus_utc();
                    let sign = if secs < 0 { '-' } else { '+' };
                    let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
                    if *colon {
                        write!(out, "{sign}{h:02}:{m:02}")
                    } else {
                        write!(out, "{sign}{h:02}{m:02}")
                    }
                }
                DateToken::Unix { millis: false } => write!(out, "{}", l.timestamp()),
                DateToken::Unix { millis: true } => write!(out, "{}", l.timestamp_millis()),
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
        let t = Template::parse("{{date 'YYYYMMDD-HHmmss Z' tz='Asia/Tokyo'}}", Scope::Global).unwrap();
        assert_eq!(t.render(&v).unwrap(), "20260305-083005 +09:00");
        // Paris is on winter time in March (+01:00) and summer time in July (+02:00).
        let t = Template::parse("{{date 'HH:mm ZZ' tz='Europe/Paris'}}", Scope::Global).unwrap();
        assert_eq!(t.render(&v).unwrap(), "00:30 +0100");
        let july = Values {
            now: at("2026-07-04T23:30:05Z"),
            ..Values::default()
        };
        assert_eq!(t.render(&july).unwrap(), "01:30 +0200");
        assert!(Template::parse("{{date 'YYYY' tz='Mars/Olympus'}}", Scope::Global).is_err());
        assert!(Template::parse("{{date 'wo'}}", Scope::Global).is_err());
        assert!(Template::parse("{{date}}", Scope::Global).is_err());
        let t = Template::parse("{{commit_date 'YYYY'}}", Scope::Global).unwrap();
        assert!(t.render(&v).is_err(), "no commit date known");
    }

    #[test]
    fn moment_tokens_render_as_moment_does() {
        let v = Values {
            now: at("2026-03-04T13:05:09.123Z"),
            ..Values::default()
        };
        let cases = [
            ("YYYY YY Y Q Qo", "2026 26 2026 1 1st"),
            ("MMMM MMM MM Mo M", "March Mar 03 3rd 3"),
            ("DDDD DDDo DDD DD Do D", "063 63rd 63 04 4th 4"),
            ("dddd ddd dd do d E", "Wednesday Wed We 3rd 3 3"),
            ("GGGG GG WW Wo W", "2026 26 10 10th 10"),
            ("HH H hh h kk k A a", "13 13 01 1 13 13 PM pm"),
            ("mm m ss s S SS SSS SSSS", "05 5 09 9 1 12 123 1230"),
            ("Z ZZ X x", "+00:00 +0000 1772629509 1772629509123"),
            ("[Week] W [of] YYYY, T", "Week 10 of 2026, T"),
        ];
        for (format, want) in cases {
            let t = Template::parse(&format!("{{{{date '{format}'}}}}"), Scope::Global).unwrap();
            assert_eq!(t.render(&v).unwrap(), want, "{format}");
        }
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

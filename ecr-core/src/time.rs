//! Timestamps as ECR and the AWS CLI write them: epoch seconds (the API's wire form, possibly
//! fractional) or RFC 3339 strings (what `aws ecr ...` prints). Always UTC inside ecr-core.

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// A UTC instant.
pub type Timestamp = DateTime<Utc>;

/// Parses a JSON timestamp: a number of epoch seconds or an RFC 3339 / ISO 8601 string.
pub fn from_json(value: &serde_json::Value) -> Option<Timestamp> {
    match value {
        serde_json::Value::Number(n) => from_epoch_seconds(n.as_f64()?),
        serde_json::Value::String(s) => parse_str(s),
        _ => None,
    }
}

/// Parses an RFC 3339 string, a date-time without offset (taken as UTC), or a plain date (midnight UTC).
pub fn parse_str(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(Utc.from_utc_datetime(&t));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?));
    }
    // The AWS CLI prints e.g. "2024-01-02T03:04:05.123000+00:00", covered above; also accept epoch text.
    s.parse::<f64>().ok().and_then(from_epoch_seconds)
}

/// An instant from (possibly fractional) epoch seconds; `None` when out of range or not finite.
///
/// The fraction is rounded to the microsecond: a `f64` near today's epoch (1.7e9 s) carries only about
/// 0.24 µs, so finer digits are the binary representation's noise (AWS's `1748368447.765` would otherwise
/// read back as `…07.765000105Z`).
pub fn from_epoch_seconds(secs: f64) -> Option<Timestamp> {
    if !secs.is_finite() {
        return None;
    }
    let mut whole = secs.floor();
    let mut micros = ((secs - whole) * 1e6).round() as u32;
    if micros >= 1_000_000 {
        whole += 1.0;
        micros = 0;
    }
    if whole < i64::MIN as f64 || whole > i64::MAX as f64 {
        return None;
    }
    DateTime::from_timestamp(whole as i64, micros * 1_000)
}

/// A duration a caller gives as a number of seconds (a binding's argument): finite and not negative, else
/// [`crate::Error::InvalidArgument`] naming `field`. Zero is allowed (no wait, or polling without a pause).
pub fn seconds(field: &str, secs: f64) -> crate::Result<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(secs)
        .map_err(|_| crate::Error::invalid(field, format!("{secs} is not a non-negative number of seconds")))
}

/// Appends `t` as RFC 3339 in UTC (`Z`) with the shortest exact sub-second precision (none, milli-, micro- or
/// nanoseconds): exactly chrono's `to_rfc3339_opts(SecondsFormat::AutoSi, true)`, written into a byte buffer
/// for the years 0 to 9999 (many times faster, which matters when a preview writes 100k timestamps); other years
/// and leap seconds go through chrono.
pub fn write_rfc3339(t: &Timestamp, out: &mut String) {
    use chrono::{Datelike, Timelike};
    let utc = t.naive_utc();
    let (date, time) = (utc.date(), utc.time());
    let (year, nanos) = (date.year(), time.nanosecond());
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        out.push_str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        return;
    }
    /// Writes `value` in decimal into all of `digits`, zero-padded.
    fn put(digits: &mut [u8], mut value: u32) {
        for digit in digits.iter_mut().rev() {
            *digit = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    let (fraction, width) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    };
    let mut text = *b"0000-00-00T00:00:00.000000000Z";
    put(&mut text[0..4], year as u32);
    put(&mut text[5..7], date.month());
    put(&mut text[8..10], date.day());
    put(&mut text[11..13], time.hour());
    put(&mut text[14..16], time.minute());
    put(&mut text[17..19], time.second());
    let end = if width > 0 {
        put(&mut text[20..20 + width], fraction);
        20 + width
    } else {
        19
    };
    text[end] = b'Z';
    // Only ASCII digits and separators were written.
    out.push_str(std::str::from_utf8(&text[..=end]).unwrap_or_default());
}

/// Converts an AWS SDK timestamp.
pub(crate) fn from_smithy(t: &aws_smithy_types::DateTime) -> Option<Timestamp> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// Serde helpers: `#[serde(with = "ecr_core::time::flexible")]` reads epoch seconds or strings and writes RFC 3339.
pub mod flexible {
    use super::*;

    /// Writes RFC 3339 with the shortest exact sub-second precision ([`super::write_rfc3339`]).
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        let mut text = String::with_capacity(30);
        super::write_rfc3339(t, &mut text);
        s.serialize_str(&text)
    }

    /// Reads epoch seconds (number) or an RFC 3339 string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        from_json(&v)
            .ok_or_else(|| serde::de::Error::custom(format!("not a timestamp (epoch seconds or RFC 3339): {v}")))
    }
}

/// Like [`flexible`] for `Option<Timestamp>` fields (`null` or absent is `None`).
pub mod flexible_opt {
    use super::*;

    /// Writes RFC 3339 or `null`.
    pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => flexible::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    /// Reads epoch seconds, an RFC 3339 string, or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if v.is_null() {
            return Ok(None);
        }
        from_json(&v)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("not a timestamp (epoch seconds or RFC 3339): {v}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn seconds_are_finite_and_not_negative() {
        assert_eq!(seconds("t", 0.0).ok(), Some(std::time::Duration::ZERO));
        assert_eq!(seconds("t", 1.5).ok(), Some(std::time::Duration::from_millis(1500)));
        for bad in [-1.0, f64::NAN, f64::INFINITY, 1e30] {
            let err = seconds("poll_interval", bad)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("poll_interval"), "{bad}: {err}");
        }
    }

    #[test]
    fn rfc3339_writer_equals_chrono() {
        // A multiplicative walk over ~12,700 years of seconds and every sub-second precision.
        let next = |i: u64, salt: u64| i.wrapping_mul(0x9e37_79b9_7f4a_7c15 ^ salt) >> 16;
        let mut cases: Vec<Timestamp> = (0..20_000u64)
            .map(|i| {
                let secs = (next(i, 1) % 400_000_000_000) as i64 - 62_000_000_000;
                let nanos = match i % 4 {
                    0 => 0,
                    1 => (next(i, 2) % 1000) as u32 * 1_000_000,
                    2 => (next(i, 3) % 1_000_000) as u32 * 1_000,
                    _ => (next(i, 4) % 1_000_000_000) as u32,
                };
                DateTime::from_timestamp(secs, nanos).unwrap()
            })
            .collect();
        // Year bounds, and instants outside 0..=9999 (chrono's own path).
        cases.extend(
            [
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z",
                "1970-01-01T00:00:00.000001Z",
            ]
            .iter()
            .map(|s| parse_str(s).unwrap()),
        );
        cases.push(DateTime::from_timestamp(-62_200_000_000, 5).unwrap());
        cases.push(DateTime::from_timestamp(253_402_400_000, 0).unwrap());
        for t in cases {
            let mut mine = String::new();
            write_rfc3339(&t, &mut mine);
            assert_eq!(mine, t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        }
    }

    #[test]
    fn epoch_and_strings_agree() {
        let a = from_json(&json!(1_700_000_000.5)).unwrap();
        let b = from_json(&json!("2023-11-14T22:13:20.5Z")).unwrap();
        assert_eq!(a, b);
        let c = from_json(&json!("2023-11-14T23:13:20.500000+01:00")).unwrap();
        assert_eq!(a, c);
        assert_eq!(
            parse_str("2026-12-31").unwrap().to_rfc3339(),
            "2026-12-31T00:00:00+00:00"
        );
        assert!(from_json(&json!("yesterday")).is_none());
        assert!(from_json(&json!(true)).is_none());
        assert!(from_json(&json!(f64::MAX)).is_none());
    }

    #[test]
    fn epoch_fractions_are_read_to_the_microsecond() {
        let text = |secs: f64| from_epoch_seconds(secs).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        // The f64 nearest 1748368447.765 is 1748368447.76500010490…: the noise is not kept.
        assert_eq!(text(1748368447.765).as_deref(), Some("2025-05-27T17:54:07.765Z"));
        assert_eq!(text(1748368447.000123).as_deref(), Some("2025-05-27T17:54:07.000123Z"));
        assert_eq!(text(-0.25).as_deref(), Some("1969-12-31T23:59:59.750Z"));
        // A fraction that rounds up to a whole second carries into the seconds.
        assert_eq!(text(1699999999.9999996).as_deref(), Some("2023-11-14T22:13:20Z"));
    }
}

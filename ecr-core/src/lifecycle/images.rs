//! Reading the images a policy is evaluated against: `aws ecr describe-images` output or a bare array of
//! `ImageDetail` objects.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::types::ImageDetail;

/// Reads images: a JSON array of `ImageDetail` objects or the `{"imageDetails": [...]}` object
/// `aws ecr describe-images` prints. Timestamps may be epoch seconds or RFC 3339 strings. An entry that is not an
/// `ImageDetail` is named by its path, `images[i]`.
///
/// The text is read straight into the images (no intermediate JSON tree), so each image's strings are allocated
/// together, in order: evaluation then reads them with few cache misses.
pub fn parse_images(text: &str) -> Result<Vec<ImageDetail>> {
    let failed_at = Cell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de
        .deserialize_any(ImagesVisitor { failed_at: &failed_at })
        .and_then(|images| {
            de.end()?;
            Ok(images)
        });
    read.map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            Error::invalid("images", format!("not JSON: {e}"))
        } else if let Some(i) = failed_at.get() {
            bad_entry(i, e)
        } else {
            not_images()
        }
    })
}

/// [`parse_images`] over already-parsed JSON (what the bindings hand over).
pub fn images_from_value(value: Value) -> Result<Vec<ImageDetail>> {
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("imageDetails") {
            Some(Value::Array(items)) => items,
            _ => return Err(not_images()),
        },
        _ => return Err(not_images()),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| serde_json::from_value(item).map_err(|e| bad_entry(i, e)))
        .collect()
}

/// What the images must be.
const EXPECTED: &str = "a JSON array of image details or an object with an \"imageDetails\" array";

fn not_images() -> Error {
    Error::invalid("images", format!("expected {EXPECTED}"))
}

/// Entry `i` is not an `ImageDetail`.
fn bad_entry(i: usize, e: serde_json::Error) -> Error {
    Error::invalid(format!("images[{i}]"), e.to_string())
}

/// The top level: the array itself, or an object whose `imageDetails` is the array (other keys skipped).
struct ImagesVisitor<'f> {
    /// The index of the entry that failed to read, for the error's path.
    failed_at: &'f Cell<Option<usize>>,
}

impl<'de> Visitor<'de> for ImagesVisitor<'_> {
    type Value = Vec<ImageDetail>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
        let mut images = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            self.failed_at.set(Some(images.len()));
            match seq.next_element::<ImageDetail>()? {
                Some(image) => images.push(image),
                None => break,
            }
        }
        self.failed_at.set(None);
        Ok(images)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
        let mut images = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "imageDetails" && images.is_none() {
                images = Some(map.next_value_seed(ImagesSeed(self.failed_at))?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        images.ok_or_else(|| serde::de::Error::custom("no imageDetails array"))
    }
}

/// The `imageDetails` array.
struct ImagesSeed<'f>(&'f Cell<Option<usize>>);

impl<'de> DeserializeSeed<'de> for ImagesSeed<'_> {
    type Value = Vec<ImageDetail>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_seq(ImagesVisitor { failed_at: self.0 })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const IMAGE: &str = r#"{"imageDigest": "sha256:aa", "imageTags": ["v1"], "imagePushedAt": 1700000000}"#;

    fn path_and_message(text: &str) -> (String, String) {
        match parse_images(text).unwrap_err() {
            Error::InvalidArgument { what, message } => (what, message),
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn reads_an_array_or_describe_images_output_like_the_json_tree_reader() {
        let array = format!("[{IMAGE}, {{\"imageDigest\": \"sha256:bb\", \"imageTags\": null}}]");
        let images = parse_images(&array).unwrap();
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].image_tags, ["v1"]);
        assert!(images[1].image_tags.is_empty());
        assert_eq!(
            images,
            images_from_value(serde_json::from_str(&array).unwrap()).unwrap()
        );
        let wrapped = format!("{{\"nextToken\": {{\"x\": [1]}}, \"imageDetails\": {array}}}");
        assert_eq!(parse_images(&wrapped).unwrap(), images);
        assert!(parse_images("[]").unwrap().is_empty());
    }

    #[test]
    fn errors_name_the_entry_or_the_problem() {
        let (what, message) = path_and_message(&format!("[{IMAGE}, {{\"imageTags\": []}}]"));
        assert_eq!(what, "images[1]");
        assert!(message.contains("imageDigest"), "{message}");
        let (what, message) = path_and_message(&format!(
            "[{IMAGE}, {{\"imageDigest\": \"d\", \"imagePushedAt\": \"soon\"}}]"
        ));
        assert_eq!(what, "images[1]");
        assert!(message.contains("not a timestamp"), "{message}");
        for text in ["[{", "[] x", "nope"] {
            let (what, message) = path_and_message(text);
            assert_eq!(what, "images");
            assert!(message.starts_with("not JSON"), "{text}: {message}");
        }
        for text in ["{}", "{\"imageDetails\": 3}", "7", "\"x\""] {
            let (what, message) = path_and_message(text);
            assert_eq!(
                (what.as_str(), message.as_str()),
                (
                    "images",
                    "expected a JSON array of image details or an object with an \"imageDetails\" array"
                ),
                "{text}"
            );
        }
    }
}

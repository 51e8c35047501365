//! `LifecyclePolicy.evaluate`'s plain object, built fast. `JSON.parse` of a 100k-image preview costs many times
//! the evaluation, nearly all of it in the results; so the results cross flattened (one string, one
//! `Uint32Array`) and `preview.js` builds their objects, while the rest of the document still goes through
//! `JSON.parse`. The object is equal to `JSON.parse(preview.to_document_string(warnings))`.

use ecr_core::lifecycle::{Preview, PreviewAction, PreviewResult, StorageClass, Warning};
use ecr_core::time::write_rfc3339;
use napi::Env;
use napi::bindgen_prelude::*;

use crate::conversions::json_text;
use crate::errors::guard;

/// The assembling function's source (a function expression).
const ASSEMBLE: &str = include_str!("preview.js");

/// No push time, in the lengths `preview.js` reads.
const NULL_LENGTH: u32 = u32::MAX;
/// Added to the action index for a result in archive storage.
const ARCHIVED: u32 = 1 << 16;

/// `preview` (taken apart) plus `warnings` as the plain object `evaluate` returns.
pub(crate) fn preview_object<'env>(
    env: &'env Env,
    mut preview: Preview<'_>,
    warnings: &[Warning],
) -> Result<Unknown<'env>> {
    let results = std::mem::take(&mut preview.preview_results);
    let (document, flat, actions) = guard(env, || {
        let flat = Flat::of(&results);
        let actions = json_text(&flat.actions)?;
        Ok((preview.to_document_string(warnings), flat, actions))
    })?;
    // Compiled on each call: microseconds, and no reference kept across calls or envs.
    let assemble: Function<'_, FnArgs<(String, String, Uint32Array, String)>, Unknown<'env>> =
        env.run_script(ASSEMBLE)?;
    assemble.call((document, flat.text, Uint32Array::new(flat.numbers), actions).into())
}

/// The results flattened as `preview.js` reads them.
struct Flat {
    text: String,
    numbers: Vec<u32>,
    actions: Vec<PreviewAction>,
}

impl Flat {
    fn of(results: &[PreviewResult<'_>]) -> Self {
        let mut flat = Flat {
            text: String::with_capacity(results.len() * 120),
            numbers: Vec::with_capacity(results.len() * 7),
            actions: Vec::new(),
        };
        for r in results {
            let action = match flat.actions.iter().position(|a| *a == r.action) {
                Some(i) => i,
                None => {
                    flat.actions.push(r.action);
                    flat.actions.len() - 1
                }
            };
            let archived = if r.storage_class == StorageClass::Archive {
                ARCHIVED
            } else {
                0
            };
            flat.numbers.extend([r.applied_rule_priority, action as u32 + archived]);
            flat.push_text(&r.image_digest);
            match &r.image_pushed_at {
                Some(t) => {
                    let start = flat.text.len();
                    write_rfc3339(t, &mut flat.text);
                    // RFC 3339 text is ASCII: bytes are UTF-16 units.
                    flat.numbers.push((flat.text.len() - start) as u32);
                }
                None => flat.numbers.push(NULL_LENGTH),
            }
            flat.numbers.push(r.image_tags.len() as u32);
            for tag in r.image_tags.iter() {
                flat.push_text(tag);
            }
        }
        flat
    }

    /// Appends `s` and its length in UTF-16 units (what JS `slice` counts).
    fn push_text(&mut self, s: &str) {
        let units = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        self.numbers.push(units as u32);
        self.text.push_str(s);
    }
}

//! `LifecyclePolicy.evaluate`'s plain object, built fast. `JSON.parse` of a 100k-image preview costs many times
//! the evaluation, nearly all of it in the results; so the results cross flattened (a string and a
//! `Uint32Array` per part) and `preview.js` builds their objects, while the rest of the document still goes
//! through `JSON.parse`. The object is equal to `JSON.parse(preview.to_document_string(warnings))`.
//!
//! Reading the results' strings is mostly waiting on memory (they sit where each image's detail was parsed,
//! in no particular order), so with many results and two cores a second thread flattens the larger part
//! while this one writes the document and flattens the rest.

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
/// From this many results on, two threads flatten them.
const SPLIT_MIN_RESULTS: usize = 4096;

/// `preview` plus `warnings` as the plain object `evaluate` returns.
pub(crate) fn preview_object<'env>(
    env: &'env Env,
    preview: &Preview<'_>,
    warnings: &[Warning],
) -> Result<Unknown<'env>> {
    let results = &preview.preview_results;
    let mut actions: Vec<PreviewAction> = Vec::new();
    for r in results {
        if !actions.contains(&r.action) {
            actions.push(r.action);
        }
    }
    let (document, [first, second]) = guard(env, || {
        Ok(flatten_beside(results, &actions, || {
            preview.without_results().to_document_string(warnings)
        }))
    })?;
    let actions = guard(env, || json_text(&actions))?;
    let (first_text, first_numbers) = first.into_js();
    let (second_text, second_numbers) = second.into_js();
    assembler(env)?.call(
        (
            document,
            actions,
            first_text,
            first_numbers,
            second_text,
            second_numbers,
        )
            .into(),
    )
}

/// The assembling function's arguments: the document, the actions, then each part's text and numbers.
type AssembleArgs = FnArgs<(String, String, JsText, Uint32Array, JsText, Uint32Array)>;

/// A part's text as it crosses: Latin-1 (a plain copy) when ASCII, as it nearly always is, else UTF-8.
type JsText = Either<Latin1String, String>;

/// The assembling function of one JS environment (the main thread, each worker), compiled on first use and
/// kept, so that V8 keeps its optimized code and allocation feedback from call to call.
struct Assembler(FunctionRef<AssembleArgs, Unknown<'static>>);

fn assembler(env: &Env) -> Result<Function<'_, AssembleArgs, Unknown<'static>>> {
    if let Some(kept) = env.get_instance_data::<Assembler>()? {
        return kept.0.borrow_back(env);
    }
    let assemble: Function<'_, AssembleArgs, Unknown<'static>> = env.run_script(ASSEMBLE)?;
    env.set_instance_data(Assembler(assemble.create_ref()?), (), |_| {})?;
    Ok(assemble)
}

/// `beside()` and `results` flattened in two parts. With many results and two cores, a second thread
/// flattens the larger part meanwhile; otherwise the first part holds them all.
fn flatten_beside<T>(
    results: &[PreviewResult<'_>],
    actions: &[PreviewAction],
    beside: impl FnOnce() -> T,
) -> (T, [Flat; 2]) {
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if results.len() < SPLIT_MIN_RESULTS || !two_cores {
        return (beside(), [Flat::of(results, actions), Flat::of(&[], actions)]);
    }
    // This thread also runs `beside` (the document: about a third of a part's time), so it takes less.
    let (head, tail) = results.split_at(results.len() * 2 / 5);
    std::thread::scope(|scope| {
        let second = std::thread::Builder::new().spawn_scoped(scope, || Flat::of(tail, actions));
        let made = beside();
        let first = Flat::of(head, actions);
        let second = match second {
            Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // The system refused a thread: this one flattens the rest too.
            Err(_) => Flat::of(tail, actions),
        };
        (made, [first, second])
    })
}

/// Results flattened as `preview.js` reads them.
struct Flat {
    text: String,
    numbers: Vec<u32>,
    /// Whether `text` is ASCII.
    ascii: bool,
}

impl Flat {
    /// `results` flattened; actions are indexes into `actions`.
    fn of(results: &[PreviewResult<'_>], actions: &[PreviewAction]) -> Self {
        let mut flat = Flat {
            text: String::with_capacity(results.len() * 120),
            numbers: Vec::with_capacity(results.len() * 7),
            ascii: true,
        };
        for r in results {
            let action = actions.iter().position(|a| *a == r.action).unwrap_or_default();
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
            self.ascii = false;
            s.encode_utf16().count()
        };
        self.numbers.push(units as u32);
        self.text.push_str(s);
    }

    /// The text and numbers as the assembling function takes them.
    fn into_js(self) -> (JsText, Uint32Array) {
        let text = if self.ascii {
            Either::A(Latin1String::from(self.text))
        } else {
            Either::B(self.text)
        };
        (text, Uint32Array::new(self.numbers))
    }
}

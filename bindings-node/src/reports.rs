//! The report methods every gate decision class has (`toJSON`, `toSarif`, `toMarkdown`, `render`), written
//! once for `scan.ScanDecision` and `verify.SignatureDecision`: each renders through its capability's `report`
//! module (`json`, `sarif`, `markdown`, `render`), as its program does.

/// `report_methods!(Class, field, report_module, "namespace", "JsonReportType")`: a `#[napi]` block of the
/// report methods of `Class`, whose `field` is the decision `report_module` renders.
macro_rules! report_methods {
    ($class:ident, $field:ident, $($report:ident)::+, $namespace:tt, $json_type:tt) => {
        #[napi_derive::napi(namespace = $namespace)]
        impl $class {
            /// The JSON report its program prints, as a plain object (also what `JSON.stringify` writes).
            #[napi(js_name = "toJSON", ts_return_type = $json_type)]
            pub fn to_json(&self) -> serde_json::Value {
                $($report)::+::json(&self.$field)
            }

            /// The SARIF 2.1.0 log (the program's `--format sarif`), as a plain object.
            #[napi(ts_return_type = "Record<string, unknown>")]
            pub fn to_sarif(&self) -> serde_json::Value {
                $($report)::+::sarif(&self.$field)
            }

            /// The Markdown summary (the program's `--format markdown`).
            #[napi]
            pub fn to_markdown(&self) -> String {
                $($report)::+::markdown(&self.$field)
            }

            /// The report as the program's `--format FORMAT` prints it: `"json"`, `"sarif"` (both pretty-printed
            /// JSON text) or `"markdown"` (`"md"`); another format throws `code: "InvalidArgument"`.
            #[napi(ts_args_type = "format: ReportFormat | 'md'")]
            pub fn render(&self, env: &napi::Env, format: String) -> napi::Result<String> {
                $crate::errors::guard(env, || {
                    let format = ecr_core::scan::report::Format::parse(&format)?;
                    Ok($($report)::+::render(&self.$field, format))
                })
            }
        }
    };
}
pub(crate) use report_methods;

//! The report methods every gate decision class has (`to_dict`, `to_sarif`, `to_markdown`, `render`,
//! truthiness), written once for `ScanDecision` and `SignatureDecision`: each renders through its capability's
//! `report` module (`json`, `sarif`, `markdown`, `render`), as its program does.

/// `report_methods!(Class, field, report_module, "program")`: a `#[pymethods]` block of the report methods of
/// `Class`, whose `field` is the decision `report_module` renders.
macro_rules! report_methods {
    ($class:ty, $field:ident, $($report:ident)::+, $program:literal) => {
        #[pyo3::pymethods]
        impl $class {
            #[doc = concat!("The JSON report the `", $program, "` program prints, as a dict.")]
            fn to_dict(&self) -> $crate::conversions::Json {
                $crate::conversions::Json::of($($report)::+::json(&self.$field))
            }

            #[doc = concat!("The SARIF 2.1.0 log (`", $program, " --format sarif`), as a dict.")]
            fn to_sarif(&self) -> $crate::conversions::Json {
                $crate::conversions::Json::of($($report)::+::sarif(&self.$field))
            }

            #[doc = concat!("The Markdown summary (`", $program, " --format markdown`).")]
            fn to_markdown(&self) -> String {
                $($report)::+::markdown(&self.$field)
            }

            #[doc = concat!("The report as `", $program, " --format FORMAT` prints it: `\"json\"`, `\"sarif\"` ",
                "(both pretty-printed JSON text) or `\"markdown\"` (`\"md\"`); another format raises ",
                "`InvalidArgumentError`.")]
            fn render(&self, format: &str) -> pyo3::PyResult<String> {
                $crate::errors::guard(|| {
                    let format = ecr_core::scan::report::Format::parse(format).map_err($crate::errors::Failure::from)?;
                    Ok($($report)::+::render(&self.$field, format))
                })
            }

            fn __bool__(&self) -> bool {
                self.$field.passed
            }
        }
    };
}
pub(crate) use report_methods;

//! Keeps the AWS SDK's TRACE events that print whole responses away from the application's subscriber
//! while a token request runs.
//!
//! The SDK logs every operation's output with `Debug` (`aws_smithy_runtime::client::orchestrator`,
//! TRACE: `output_or_error = ...`, and the raw response body), and ECR's `AuthorizationData` is not
//! modelled as sensitive, so with `RUST_LOG=trace` the registry password would be printed. Token
//! requests therefore run under a dispatcher that forwards everything to the current one except those
//! TRACE events.

use std::future::Future;

use tracing::instrument::WithSubscriber as _;
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Level, Metadata, Subscriber, span};

/// True for the SDK callsites that print whole responses.
fn prints_responses(meta: &Metadata<'_>) -> bool {
    *meta.level() == Level::TRACE && meta.target().starts_with("aws_smithy_runtime::client::orchestrator")
}

/// Forwards to `inner`, minus the response-printing callsites.
struct WithoutResponses {
    inner: Dispatch,
}

impl Subscriber for WithoutResponses {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if prints_responses(meta) {
            Interest::sometimes()
        } else {
            self.inner.register_callsite(meta)
        }
    }
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        !prints_responses(meta) && self.inner.enabled(meta)
    }
    fn new_span(&self, span: &span::Attributes<'_>) -> span::Id {
        self.inner.new_span(span)
    }
    fn record(&self, span: &span::Id, values: &span::Record<'_>) {
        self.inner.record(span, values)
    }
    fn record_follows_from(&self, span: &span::Id, follows: &span::Id) {
        self.inner.record_follows_from(span, follows)
    }
    fn event(&self, event: &Event<'_>) {
        if !prints_responses(event.metadata()) {
            self.inner.event(event)
        }
    }
    fn enter(&self, span: &span::Id) {
        self.inner.enter(span)
    }
    fn exit(&self, span: &span::Id) {
        self.inner.exit(span)
    }
    fn clone_span(&self, id: &span::Id) -> span::Id {
        self.inner.clone_span(id)
    }
    fn try_close(&self, id: span::Id) -> bool {
        self.inner.try_close(id)
    }
}

/// Runs `fut` with the SDK's response-printing TRACE events dropped.
pub(crate) async fn without_sdk_responses<F: Future>(fut: F) -> F::Output {
    let inner = tracing::dispatcher::get_default(Dispatch::clone);
    fut.with_subscriber(Dispatch::new(WithoutResponses { inner })).await
}

//! Crashes on purpose, locally: a fault kills a function's invocation at a
//! chosen AWS call, as a Lambda that runs out of time or memory dies there.
//!
//! A fault names a function (`charge-payment`, `checkout`, …), an AWS
//! operation (`SendTaskSuccess`, `StartExecution`, `TransactWriteItems`, …)
//! and whether the invocation dies just before that request is sent or just
//! after its answer arrives. When it fires, the invocation's future is
//! dropped where it stands: nothing after that point runs, as in a process
//! that is gone. What the runner then does is what Lambda does with a
//! function error:
//!
//! - a worker's whole batch is left on its queue (no message is deleted) and
//!   comes back after its visibility timeout, which the local runner
//!   shortens to [`CRASHED_BATCH_RETURNS_AFTER`] seconds (and the e-mail
//!   lease, `NOTIFICATION_LEASE_SECONDS`, to 1 s, so that it stays shorter);
//! - an API request is answered `500 {"message":"Internal Server Error"}`,
//!   as API Gateway answers when its integration fails.
//!
//! A stack can also deliver every queue message and stream record twice
//! ([`Faults::deliver_everything_twice`]), the duplicates SQS and Lambda's
//! stream polling are allowed to make.
//!
//! The hook lives in the local runner's SDK HTTP client and its invocation
//! wrapper; nothing of it is in `shared/` or the Lambda binaries. A stack
//! with no fault armed pays one lock per AWS request.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::sync::Notify;

/// Seconds before a crashed worker's batch is received again (the
/// template's visibility timeout is 60 s; locally nobody waits that long).
pub const CRASHED_BATCH_RETURNS_AFTER: i32 = 2;

/// Where, around the request, the invocation dies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// The request is never sent.
    Before,
    /// The request was sent and answered; the answer is never seen.
    After,
}

/// One crash to come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub function: String,
    pub operation: String,
    pub when: When,
}

impl Fault {
    pub fn before(function: &str, operation: &str) -> Self {
        Self {
            function: function.into(),
            operation: operation.into(),
            when: When::Before,
        }
    }

    pub fn after(function: &str, operation: &str) -> Self {
        Self {
            function: function.into(),
            operation: operation.into(),
            when: When::After,
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let when = match self.when {
            When::Before => "before",
            When::After => "after",
        };
        write!(f, "{} dies {when} {}", self.function, self.operation)
    }
}

/// A stack's armed faults and the ones that fired; each fires once.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    armed: Vec<Fault>,
    fired: Vec<Fault>,
    twice: bool,
}

impl Faults {
    /// Arms `fault`: the next invocation of its function that makes its
    /// request dies there.
    pub fn arm(&self, fault: Fault) {
        self.lock().armed.push(fault);
    }

    /// The faults that fired so far, in order.
    pub fn fired(&self) -> Vec<Fault> {
        self.lock().fired.clone()
    }

    /// From now on (or no longer), every SQS batch and every stream batch
    /// is handed to its function twice, as at-least-once delivery may.
    pub fn deliver_everything_twice(&self, on: bool) {
        self.lock().twice = on;
    }

    pub(crate) fn twice(&self) -> bool {
        self.lock().twice
    }

    /// The faults still waiting for their request.
    pub fn armed(&self) -> Vec<Fault> {
        self.lock().armed.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Disarms and returns the fault for `function`'s `operation`, if armed.
    fn take(&self, function: &str, operation: &str) -> Option<Fault> {
        let mut state = self.lock();
        let i = state
            .armed
            .iter()
            .position(|f| f.function == function && f.operation == operation)?;
        let fault = state.armed.remove(i);
        state.fired.push(fault.clone());
        Some(fault)
    }

    /// An SDK configuration like `sdk` whose requests go through this
    /// stack's faults.
    pub fn wrap(&self, sdk: &aws_config::SdkConfig) -> aws_config::SdkConfig {
        let Some(inner) = sdk.http_client() else {
            return sdk.clone();
        };
        sdk.to_builder()
            .http_client(SharedHttpClient::new(FaultyClient {
                inner,
                faults: self.clone(),
            }))
            .build()
    }
}

/// The invocation under way in this task: its function and how it dies.
struct Invocation {
    function: String,
    crashed: AtomicBool,
    died: Notify,
}

impl Invocation {
    fn die(&self) {
        self.crashed.store(true, Ordering::SeqCst);
        self.died.notify_one();
    }
}

tokio::task_local! {
    static INVOCATION: Arc<Invocation>;
}

/// The invocation died at a fault.
#[derive(Debug)]
pub struct Crashed;

/// Runs one invocation of `function`; `Err(Crashed)` when a fault killed it
/// (the future was dropped at the fault).
pub async fn invocation<F: Future>(function: &str, f: F) -> Result<F::Output, Crashed> {
    let invocation = Arc::new(Invocation {
        function: function.to_string(),
        crashed: AtomicBool::new(false),
        died: Notify::new(),
    });
    let watch = invocation.clone();
    // On the heap: handlers' futures are large, and debug builds would
    // overflow a worker thread's stack with another copy of one.
    let f = Box::pin(f);
    INVOCATION
        .scope(invocation, async move {
            tokio::select! {
                biased;
                () = watch.died.notified() => Err(Crashed),
                out = f => {
                    if watch.crashed.load(Ordering::SeqCst) {
                        Err(Crashed)
                    } else {
                        Ok(out)
                    }
                }
            }
        })
        .await
}

#[derive(Debug)]
struct FaultyClient {
    inner: SharedHttpClient,
    faults: Faults,
}

impl HttpClient for FaultyClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(FaultyConnector {
            inner: self.inner.http_connector(settings, components),
            faults: self.faults.clone(),
        })
    }
}

#[derive(Debug)]
struct FaultyConnector {
    inner: SharedHttpConnector,
    faults: Faults,
}

impl HttpConnector for FaultyConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let Ok(invocation) = INVOCATION.try_with(Arc::clone) else {
            return self.inner.call(request);
        };
        let (_, operation) = crate::metering::operation_of(&request);
        let Some(fault) = self.faults.take(&invocation.function, &operation) else {
            return self.inner.call(request);
        };
        tracing::warn!(%fault, "crashing the invocation");
        match fault.when {
            When::Before => {
                invocation.die();
                HttpConnectorFuture::new(std::future::pending())
            }
            When::After => {
                let sent = self.inner.call(request);
                HttpConnectorFuture::new(async move {
                    let _answer = sent.await;
                    invocation.die();
                    std::future::pending().await
                })
            }
        }
    }
}

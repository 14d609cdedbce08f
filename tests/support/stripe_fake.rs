//! A local stand-in for Stripe's API, as far as the adapter uses it:
//! `POST /v1/payment_intents` (create and confirm) and `POST /v1/refunds`,
//! with Stripe's authentication, idempotent replays and error shapes. It
//! records every request exactly as received, so tests can assert the form
//! fields and headers the adapter sends.
//!
//! Payment methods: `pm_card_visa` and `pm_card_mastercard` succeed (a
//! `_applepay` / `_googlepay` suffix makes it a wallet payment);
//! `pm_card_chargeDeclinedInsufficientFunds` and `pm_card_chargeDeclined`
//! answer 402 card errors; `pm_card_authenticationRequired` needs 3-D
//! Secure (`requires_action`); `pm_fake_gateway_error` answers 500;
//! anything else is an unknown payment method (400 `resource_missing`).

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The form fields in the order sent.
    pub form: Vec<(String, String)>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    /// Idempotency key → the answer given, replayed for a repeat.
    answers: HashMap<String, (u16, Value)>,
    /// PaymentIntent id → (amount, currency, refunded so far).
    intents: BTreeMap<String, (i64, String, i64)>,
    refunds: Vec<(String, i64)>,
}

/// The running fake.
pub struct StripeFake {
    pub url: String,
    secret_key: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StripeFake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn error(
    status: u16,
    kind: &str,
    code: Option<&str>,
    decline: Option<&str>,
    message: &str,
) -> (u16, Value) {
    let mut error = json!({ "type": kind, "message": message });
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    if let Some(decline) = decline {
        error["decline_code"] = json!(decline);
    }
    (status, json!({ "error": error }))
}

impl StripeFake {
    /// Starts the fake on a free port; requests must carry `secret_key`.
    pub async fn start(secret_key: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State::default()));
        let key = secret_key.to_string();
        let shared = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = shared.clone();
                let key = key.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let state = state.clone();
                        let key = key.clone();
                        async move { Ok::<_, Infallible>(handle(&state, &key, request).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            url: format!("http://{addr}"),
            secret_key: secret_key.to_string(),
            state,
            task,
        }
    }

    /// The key the fake accepts.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().expect("state").requests.clone()
    }

    /// The requests to `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// PaymentIntents actually created (replays not counted): id → amount.
    pub fn intents(&self) -> BTreeMap<String, i64> {
        self.state
            .lock()
            .expect("state")
            .intents
            .iter()
            .map(|(id, (amount, _, _))| (id.clone(), *amount))
            .collect()
    }

    /// Refunds actually made (replays not counted): (intent, amount).
    pub fn refunds(&self) -> Vec<(String, i64)> {
        self.state.lock().expect("state").refunds.clone()
    }
}

async fn handle(
    state: &Mutex<State>,
    key: &str,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let headers: BTreeMap<String, String> = request
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let body = request
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let recorded = Recorded {
        method,
        path,
        headers,
        form,
    };
    let (status, body) = answer(state, key, &recorded);
    state.lock().expect("state").requests.push(recorded);
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("request-id", "req_fake")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("response")
}

fn answer(state: &Mutex<State>, key: &str, r: &Recorded) -> (u16, Value) {
    if r.header("authorization") != Some(&format!("Bearer {key}")) {
        return error(
            401,
            "invalid_request_error",
            None,
            None,
            "Invalid API Key provided.",
        );
    }
    if r.method != "POST" {
        return error(405, "invalid_request_error", None, None, "Use POST.");
    }
    let mut state = state.lock().expect("state");
    let idempotency_key = r.header("idempotency-key").map(str::to_string);
    if let Some(k) = &idempotency_key {
        if let Some(previous) = state.answers.get(k) {
            return previous.clone();
        }
    }
    let answer = match r.path.as_str() {
        "/v1/payment_intents" => create_intent(&mut state, r),
        "/v1/refunds" => create_refund(&mut state, r),
        _ => error(
            404,
            "invalid_request_error",
            None,
            None,
            "Unrecognized request URL.",
        ),
    };
    // Stripe saves the result of any request that reached it, errors included,
    // except 5xx answers, which may be retried.
    if let Some(k) = idempotency_key {
        if answer.0 < 500 {
            state.answers.insert(k, answer.clone());
        }
    }
    answer
}

fn create_intent(state: &mut State, r: &Recorded) -> (u16, Value) {
    let (Some(amount), Some(currency), Some(method)) = (
        r.field("amount").and_then(|a| a.parse::<i64>().ok()),
        r.field("currency"),
        r.field("payment_method"),
    ) else {
        return error(
            400,
            "invalid_request_error",
            Some("parameter_missing"),
            None,
            "Missing amount, currency or payment_method.",
        );
    };
    let (base, wallet) = if let Some(b) = method.strip_suffix("_applepay") {
        (b, Some("apple_pay"))
    } else if let Some(b) = method.strip_suffix("_googlepay") {
        (b, Some("google_pay"))
    } else {
        (method, None)
    };
    let card = match base {
        "pm_card_visa" | "pm_card_authenticationRequired" => ("visa", "4242"),
        "pm_card_mastercard" => ("mastercard", "4444"),
        "pm_card_chargeDeclinedInsufficientFunds" => {
            return error(
                402,
                "card_error",
                Some("card_declined"),
                Some("insufficient_funds"),
                "Your card has insufficient funds.",
            )
        }
        "pm_card_chargeDeclined" => {
            return error(
                402,
                "card_error",
                Some("card_declined"),
                Some("generic_decline"),
                "Your card was declined.",
            )
        }
        "pm_fake_gateway_error" => {
            return error(
                500,
                "api_error",
                None,
                None,
                "Something went wrong on Stripe's end.",
            )
        }
        _ => {
            return error(
                400,
                "invalid_request_error",
                Some("resource_missing"),
                None,
                &format!("No such PaymentMethod: '{method}'"),
            )
        }
    };
    let id = format!("pi_fake_{}", state.intents.len() + 1);
    let status = if base == "pm_card_authenticationRequired" {
        "requires_action"
    } else {
        state
            .intents
            .insert(id.clone(), (amount, currency.to_string(), 0));
        "succeeded"
    };
    (
        200,
        json!({
            "id": id,
            "object": "payment_intent",
            "amount": amount,
            "currency": currency,
            "status": status,
            "metadata": { "order_id": r.field("metadata[order_id]") },
            "latest_charge": {
                "id": format!("ch_fake_{}", state.intents.len()),
                "object": "charge",
                "payment_method_details": {
                    "type": "card",
                    "card": {
                        "brand": card.0,
                        "last4": card.1,
                        "wallet": wallet.map(|w| json!({ "type": w })),
                    }
                }
            }
        }),
    )
}

fn create_refund(state: &mut State, r: &Recorded) -> (u16, Value) {
    let intent = r.field("payment_intent").unwrap_or_default().to_string();
    let Some((captured, currency, refunded)) = state.intents.get(&intent).cloned() else {
        return error(
            404,
            "invalid_request_error",
            Some("resource_missing"),
            None,
            &format!("No such payment_intent: '{intent}'"),
        );
    };
    let amount = r
        .field("amount")
        .and_then(|a| a.parse::<i64>().ok())
        .unwrap_or(captured - refunded);
    if amount <= 0 || refunded + amount > captured {
        return error(
            400,
            "invalid_request_error",
            Some("charge_already_refunded"),
            None,
            "The refund exceeds what is left to refund.",
        );
    }
    state.intents.insert(
        intent.clone(),
        (captured, currency.clone(), refunded + amount),
    );
    state.refunds.push((intent.clone(), amount));
    (
        200,
        json!({
            "id": format!("re_fake_{}", state.refunds.len()),
            "object": "refund",
            "amount": amount,
            "currency": currency,
            "payment_intent": intent,
            "status": "succeeded",
        }),
    )
}

//! What the benchmarks share: a client of the local stack's HTTP API.

use anyhow::bail;
use serde_json::Value;

/// Calls the HTTP API at `base` as a browser or a carrier would.
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
}

impl ApiClient {
    pub fn new(base: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.to_string(),
        }
    }

    /// Sends `body` (JSON) with `token` as the bearer, if any, and the
    /// extra `headers`; the JSON answer, or an error naming the path, the
    /// status and the answer when it is not a success.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, String)],
    ) -> anyhow::Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (k, v) in headers {
            request = request.header(*k, v);
        }
        if let Some(body) = body {
            request = request
                .body(body.to_string())
                .header("content-type", "application/json");
        }
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{path}: {status} {body}");
        }
        Ok(body)
    }
}

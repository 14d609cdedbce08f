//! A WebSocket client of the real-time API, as a browser uses it: a ticket
//! from `POST /realtime/tickets`, then the socket with `?ticket=`.

use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::TestApp;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl TestApp {
    /// A ticket for `token`'s user with `scope`: the whole answer.
    pub async fn ticket(&self, token: &str, scope: &str) -> Value {
        let r = self
            .post("/realtime/tickets", Some(token), json!({ "scope": scope }))
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body
    }

    /// Opens the WebSocket with `ticket`; the handshake's HTTP status when
    /// it is refused.
    pub async fn connect_with(&self, ticket: &str) -> Result<Socket, u16> {
        let url = format!(
            "{}?ticket={ticket}",
            self.stack.realtime_url.as_deref().expect("a WebSocket API")
        );
        match tokio_tungstenite::connect_async(url).await {
            Ok((socket, _)) => Ok(socket),
            Err(tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
            Err(e) => panic!("connecting: {e}"),
        }
    }

    /// A connection for `token`'s user with `scope`.
    pub async fn watch(&self, token: &str, scope: &str) -> Socket {
        let ticket = self.ticket(token, scope).await;
        self.connect_with(ticket["ticket"].as_str().unwrap())
            .await
            .expect("the ticket opens a connection")
    }
}

/// The next message within `wait`, if one comes.
pub async fn next_message(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                return Some(serde_json::from_str(&text).expect("JSON"))
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(e))) => panic!("the socket failed: {e}"),
            Ok(None) | Err(_) => return None,
        }
    }
}

/// Messages about `order_id` until one says `status` (panics after `wait`
/// without it).
pub async fn messages_until(
    socket: &mut Socket,
    order_id: &str,
    status: &str,
    wait: Duration,
) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some(message) = next_message(socket, left).await else {
            panic!("no {status} message for {order_id} within {wait:?}; saw {seen:#?}");
        };
        if message["orderId"] != order_id {
            continue;
        }
        let done = message["status"] == status;
        seen.push(message);
        if done {
            return seen;
        }
    }
}

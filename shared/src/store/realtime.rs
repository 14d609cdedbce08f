//! Connections table: real-time tickets and open WebSocket connections.
//!
//! - `ticket#<sha256 of the ticket>`: who asked for it, its scope and its
//!   expiry. Only the hash is stored, so the table never holds a usable
//!   ticket. Taking one deletes it, so it opens one connection at most.
//! - `connection#<connectionId>`: an open connection, with its audience
//!   (`customer#<sub>` or `admin`), indexed by audience (`byAudience`) so
//!   the notifier finds the connections an order change concerns.
//!
//! Both carry `expiresAt` (epoch seconds), the table's TTL attribute; TTL
//! deletes lazily (and never on the emulator), so readers check it too.

use aws_sdk_dynamodb::types::ReturnValue;

use super::{condition_failed, from_item, n, s, to_item, unexpected, Store};

/// Who may receive what on a connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The changes of the customer's own orders.
    #[default]
    Customer,
    /// The changes of every order (the admin dashboard).
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Customer => "customer",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "customer" => Some(Scope::Customer),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }
}

/// The audience key of `sub`'s customer connections.
pub fn customer_audience(sub: &str) -> String {
    format!("customer#{sub}")
}

/// The audience key of administrators' connections.
pub const ADMIN_AUDIENCE: &str = "admin";

/// A ticket as stored (keyed by its hash).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketRecord {
    pub id: String,
    pub sub: String,
    pub scope: Scope,
    pub expires_at: i64,
}

/// An open connection.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRecord {
    pub id: String,
    pub connection_id: String,
    pub sub: String,
    pub scope: Scope,
    pub audience: String,
    pub connected_at: String,
    pub expires_at: i64,
}

fn ticket_key(hash: &str) -> String {
    format!("ticket#{hash}")
}

fn connection_key(connection_id: &str) -> String {
    format!("connection#{connection_id}")
}

impl Store {
    /// Stores a new ticket by its hash.
    pub async fn put_ticket(
        &self,
        hash: &str,
        sub: &str,
        scope: Scope,
        expires_at: i64,
    ) -> anyhow::Result<()> {
        let record = TicketRecord {
            id: ticket_key(hash),
            sub: sub.to_string(),
            scope,
            expires_at,
        };
        self.client
            .put_item()
            .table_name(&self.tables.connections)
            .set_item(Some(to_item(&record)?))
            .condition_expression("attribute_not_exists(id)")
            .send()
            .await
            .map_err(|e| unexpected("storing a real-time ticket", e))?;
        Ok(())
    }

    /// Takes the ticket with this hash: deletes it and answers what it was,
    /// if it existed and had not expired at `now`. Of two connections
    /// racing with one ticket, only one gets it.
    pub async fn take_ticket(&self, hash: &str, now: i64) -> anyhow::Result<Option<TicketRecord>> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.tables.connections)
            .key("id", s(ticket_key(hash)))
            .condition_expression("attribute_exists(id)")
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        let out = match result {
            Ok(out) => out,
            Err(e) if condition_failed(&e) => return Ok(None),
            Err(e) => return Err(unexpected("taking a real-time ticket", e)),
        };
        let Some(item) = out.attributes else {
            return Ok(None);
        };
        let ticket: TicketRecord = from_item(item)?;
        Ok((ticket.expires_at > now).then_some(ticket))
    }

    /// Records an open connection.
    pub async fn put_connection(
        &self,
        connection_id: &str,
        sub: &str,
        scope: Scope,
        connected_at: &str,
        expires_at: i64,
    ) -> anyhow::Result<()> {
        let record = ConnectionRecord {
            id: connection_key(connection_id),
            connection_id: connection_id.to_string(),
            sub: sub.to_string(),
            scope,
            audience: match scope {
                Scope::Customer => customer_audience(sub),
                Scope::Admin => ADMIN_AUDIENCE.to_string(),
            },
            connected_at: connected_at.to_string(),
            expires_at,
        };
        self.client
            .put_item()
            .table_name(&self.tables.connections)
            .set_item(Some(to_item(&record)?))
            .send()
            .await
            .map_err(|e| unexpected("recording a connection", e))?;
        Ok(())
    }

    /// Forgets a connection (closed, or gone when a message was posted).
    pub async fn delete_connection(&self, connection_id: &str) -> anyhow::Result<()> {
        self.client
            .delete_item()
            .table_name(&self.tables.connections)
            .key("id", s(connection_key(connection_id)))
            .send()
            .await
            .map_err(|e| unexpected("deleting a connection", e))?;
        Ok(())
    }

    /// The ids of the unexpired connections of `audience` at `now`.
    pub async fn connections_of(&self, audience: &str, now: i64) -> anyhow::Result<Vec<String>> {
        let query = self
            .client
            .query()
            .table_name(&self.tables.connections)
            .index_name("byAudience")
            .key_condition_expression("audience = :audience")
            .filter_expression("expiresAt > :now")
            .expression_attribute_values(":audience", s(audience))
            .expression_attribute_values(":now", n(now));
        let ids: Vec<String> = super::every_page(query, "finding connections")
            .await?
            .into_iter()
            .filter_map(|item| {
                item.get("connectionId")
                    .and_then(|v| v.as_s().ok())
                    .cloned()
            })
            .collect();
        Ok(ids)
    }
}

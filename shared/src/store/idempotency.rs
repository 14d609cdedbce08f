//! Idempotency table: the first response to a client's `Idempotency-Key`,
//! replayed for repeats of the same request.

use serde::{Deserialize, Serialize};

use super::{from_item, s, unexpected, Store};

/// How long a key is remembered.
pub const IDEMPOTENCY_TTL_SECONDS: i64 = 24 * 60 * 60;

/// A completed request, stored in the same transaction as its effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyRecord {
    /// `checkout#{sub}#{key}`: keys are scoped to the caller.
    pub pk: String,
    pub request_hash: String,
    pub status_code: u16,
    pub response_body: String,
    pub order_id: String,
    /// Epoch seconds; the TTL attribute, and checked on read.
    pub expires_at: i64,
}

impl Store {
    /// The stored record for a key, unless it has expired.
    pub async fn get_idempotency_record(
        &self,
        pk: &str,
        now_epoch: i64,
    ) -> anyhow::Result<Option<IdempotencyRecord>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.idempotency)
            .key("pk", s(pk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading an idempotency record", e))?;
        let record: Option<IdempotencyRecord> = out.item.map(from_item).transpose()?;
        Ok(record.filter(|r| r.expires_at > now_epoch))
    }
}

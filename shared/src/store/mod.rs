//! The DynamoDB adapter: every read and write of the service's state.
//!
//! Item shapes are the domain types serialised with `serde_dynamo`, plus the
//! index attributes listed in `docs/data-model.md`. Conditional-check failures
//! come back as domain errors (`AlreadyExists`, `Short`, `NotAllowed`, …);
//! anything else is `Unexpected` with its cause chain.

pub mod after_sales;
pub mod analytics;
pub mod carts;
pub mod erasures;
pub mod fulfilment;
pub mod idempotency;
pub mod orders;
pub mod products;
pub mod promotions;
pub mod realtime;
pub mod reports;
pub mod shop;
pub mod webhooks;
pub mod workflow_steps;

use std::collections::HashMap;

use aws_sdk_dynamodb::{error::DisplayErrorContext, types::AttributeValue, Client};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use crate::config::Tables;

/// The service's tables behind one client.
#[derive(Clone)]
pub struct Store {
    pub(crate) client: Client,
    pub(crate) tables: Tables,
}

impl Store {
    pub fn new(client: Client, tables: Tables) -> Self {
        Self { client, tables }
    }
}

pub(crate) type Item = HashMap<String, AttributeValue>;

/// Wraps an SDK error with what was being done, keeping the whole chain.
pub(crate) fn unexpected<E>(what: &str, err: E) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    anyhow::anyhow!("{what}: {}", DisplayErrorContext(&err))
}

/// Whether a write failed only because its condition did not hold (the
/// state a conditional write guards against), as opposed to a fault.
pub(crate) fn condition_failed<E, R>(err: &aws_sdk_dynamodb::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error().and_then(|e| e.code()) == Some("ConditionalCheckFailedException")
}

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A page of results and the opaque cursor of the next one.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A cursor that was not issued by this service.
#[derive(Debug, thiserror::Error)]
#[error("the cursor is not valid")]
pub struct InvalidCursor;

/// Encodes DynamoDB's `LastEvaluatedKey` as an opaque, URL-safe cursor.
pub(crate) fn encode_cursor(key: Option<&Item>) -> Option<String> {
    let key = key?;
    let mut map = serde_json::Map::new();
    for (name, value) in key {
        let v = match value {
            AttributeValue::S(s) => serde_json::json!({ "S": s }),
            AttributeValue::N(n) => serde_json::json!({ "N": n }),
            _ => return None,
        };
        map.insert(name.clone(), v);
    }
    Some(URL_SAFE_NO_PAD.encode(serde_json::Value::Object(map).to_string()))
}

/// Decodes a cursor, checking that it names exactly the expected key attributes.
pub(crate) fn decode_cursor(
    cursor: Option<&str>,
    expected: &[&str],
) -> Result<Option<Item>, InvalidCursor> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| InvalidCursor)?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)?;
    let object = value.as_object().ok_or(InvalidCursor)?;
    if object.len() != expected.len() || !expected.iter().all(|k| object.contains_key(*k)) {
        return Err(InvalidCursor);
    }
    let mut item = Item::new();
    for (name, v) in object {
        let attr = if let Some(s) = v.get("S").and_then(|s| s.as_str()) {
            AttributeValue::S(s.to_string())
        } else if let Some(n) = v.get("N").and_then(|s| s.as_str()) {
            n.parse::<f64>().map_err(|_| InvalidCursor)?;
            AttributeValue::N(n.to_string())
        } else {
            return Err(InvalidCursor);
        };
        item.insert(name.clone(), attr);
    }
    Ok(Some(item))
}

/// Every item a query matches, page after page.
pub(crate) async fn every_page(
    query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    what: &str,
) -> anyhow::Result<Vec<Item>> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let out = query
            .clone()
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| unexpected(what, e))?;
        items.extend(out.items.unwrap_or_default());
        match out.last_evaluated_key {
            Some(key) if !key.is_empty() => start = Some(key),
            _ => return Ok(items),
        }
    }
}

/// A page of domain values from a query's items and `LastEvaluatedKey`.
pub(crate) fn page_of<T: serde::de::DeserializeOwned>(
    items: Option<Vec<Item>>,
    last_evaluated_key: Option<&Item>,
) -> anyhow::Result<Page<T>> {
    Ok(Page {
        items: items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<anyhow::Result<_>>()?,
        next_cursor: encode_cursor(last_evaluated_key),
    })
}

/// Reads an item into a domain type.
pub(crate) fn from_item<T: serde::de::DeserializeOwned>(item: Item) -> anyhow::Result<T> {
    serde_dynamo::from_item(item).map_err(|e| anyhow::anyhow!("reading an item: {e}"))
}

/// Writes a domain type as an item.
pub(crate) fn to_item<T: serde::Serialize>(value: &T) -> anyhow::Result<Item> {
    serde_dynamo::to_item(value).map_err(|e| anyhow::anyhow!("writing an item: {e}"))
}

/// The cancellation reason codes of a cancelled transaction, one per item.
pub(crate) fn cancellation_codes(
    err: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
    >,
) -> Option<Vec<Option<String>>> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    match err.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(e) => Some(
            e.cancellation_reasons()
                .iter()
                .map(|r| r.code().map(str::to_string))
                .collect(),
        ),
        _ => None,
    }
}

/// Whether a transaction was cancelled (as opposed to failing outright).
pub(crate) fn is_cancelled(
    err: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
    >,
) -> bool {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    matches!(
        err.as_service_error(),
        Some(TransactWriteItemsError::TransactionCanceledException(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let mut key = Item::new();
        key.insert("sku".into(), s("A"));
        key.insert("listing".into(), s("ACTIVE"));
        let c = encode_cursor(Some(&key)).unwrap();
        assert_eq!(
            decode_cursor(Some(&c), &["sku", "listing"]).unwrap(),
            Some(key)
        );
        assert!(decode_cursor(Some(&c), &["sku"]).is_err());
        assert!(decode_cursor(Some("!!"), &["sku"]).is_err());
    }
}

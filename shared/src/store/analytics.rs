//! Analytics table: the per-day sales aggregates the stream consumer keeps,
//! and the queries the reports read them with (one Query per month, never
//! a Scan).
//!
//! | pk | sk | what |
//! |---|---|---|
//! | `SALES#<YYYY-MM>` | `<YYYY-MM-DD>` | the day's orders, units, gross sales, discounts, revenue (and its shipping and tax), refunds (and their shipping and tax) |
//! | `PRODUCTS#<YYYY-MM>` | `<YYYY-MM-DD>#<sku>` | a SKU's units sold, revenue and units returned that day |
//! | `CUSTOMERS#<YYYY-MM>` | `<YYYY-MM-DD>#<customer>` | a customer's paid orders and revenue that day |
//! | `CUSTOMER#<customer>` | `PROFILE` | the customer's first paid order day, orders, revenue |
//! | `FACT#<orderId>` | `<fact key>`, `payment-<event key>` | a fact or payment event already recorded |
//! | `PAYMENTS#<YYYY-MM>` | `<at>#<eventId>` | a capture, decline or refund ([`PaymentEvent`]) |
//! | `PAYMENTS#<kind>#<YYYY-MM>` | `<at>#<eventId>` | the same event, in its kind's partition |
//!
//! A payment event is written twice, once per partition, so the payments
//! list reads full pages with or without a `kind` filter (no filter
//! expression, no short pages).

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem, Update};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use super::products::ListError;
use super::{
    cancellation_codes, decode_cursor, encode_cursor, from_item, n, s, to_item, unexpected,
    InvalidCursor, Item, Page, Store,
};
use crate::domain::analytics::{
    month_of, CustomerDay, DateRange, DayTotals, Fact, FactKind, ProductDay,
};
use crate::domain::payment_events::{PaymentEvent, PaymentEventKind};

/// How often a fact is retried when a concurrent fact of the same customer
/// changed their profile in between.
const PROFILE_ATTEMPTS: usize = 8;

/// What a fact adds to one aggregate item.
#[derive(Default)]
struct Change {
    add: BTreeMap<&'static str, i64>,
    set: BTreeMap<&'static str, String>,
}

fn key(pk: String, sk: String) -> (String, String) {
    (pk, sk)
}

impl Store {
    /// Counts `fact` once: `Ok(false)` when it was counted before.
    pub async fn record_fact(&self, fact: &Fact) -> anyhow::Result<bool> {
        for _ in 0..PROFILE_ATTEMPTS {
            let mut changes: BTreeMap<(String, String), Change> = BTreeMap::new();
            let mut profile = None;
            match &fact.kind {
                FactKind::Sale(sale) => {
                    let day = sale.day.to_string();
                    let month = month_of(sale.day);
                    let c = changes
                        .entry(key(format!("SALES#{month}"), day.clone()))
                        .or_default();
                    c.add.insert("orders", 1);
                    c.add.insert("units", i64::from(sale.units));
                    c.add.insert("gross", sale.gross);
                    c.add.insert("discounts", sale.discount);
                    c.add.insert("revenue", sale.revenue);
                    c.add.insert("shipping", sale.shipping);
                    c.add.insert("tax", sale.tax);
                    c.set.insert("day", day.clone());
                    for line in &sale.lines {
                        let c = changes
                            .entry(key(
                                format!("PRODUCTS#{month}"),
                                format!("{day}#{}", line.sku),
                            ))
                            .or_default();
                        *c.add.entry("unitsSold").or_default() += i64::from(line.units);
                        *c.add.entry("revenue").or_default() += line.revenue;
                        c.set.insert("day", day.clone());
                        c.set.insert("sku", line.sku.clone());
                        c.set.insert("name", line.name.clone());
                    }
                    let c = changes
                        .entry(key(
                            format!("CUSTOMERS#{month}"),
                            format!("{day}#{}", sale.customer),
                        ))
                        .or_default();
                    c.add.insert("orders", 1);
                    c.add.insert("revenue", sale.revenue);
                    c.set.insert("day", day);
                    c.set.insert("customer", sale.customer.clone());
                    profile = Some(
                        self.profile_update(&sale.customer, sale.day, sale.revenue)
                            .await?,
                    );
                }
                FactKind::Refund(refund) => {
                    let day = refund.day;
                    let c = changes
                        .entry(key(format!("SALES#{}", month_of(day)), day.to_string()))
                        .or_default();
                    c.add.insert("refunds", refund.amount);
                    c.add.insert("shippingRefunded", refund.shipping);
                    c.add.insert("taxRefunded", refund.tax);
                    c.set.insert("day", day.to_string());
                }
                FactKind::Returned { day, lines } => {
                    for line in lines {
                        let c = changes
                            .entry(key(
                                format!("PRODUCTS#{}", month_of(*day)),
                                format!("{day}#{}", line.sku),
                            ))
                            .or_default();
                        c.add.insert("unitsReturned", i64::from(line.units));
                        c.set.insert("day", day.to_string());
                        c.set.insert("sku", line.sku.clone());
                        if !line.name.is_empty() {
                            c.set.insert("name", line.name.clone());
                        }
                    }
                }
            }
            let mut items = vec![TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.tables.analytics)
                        .item("pk", s(format!("FACT#{}", fact.order_id)))
                        .item("sk", s(&fact.key))
                        .item("at", s(crate::domain::now_rfc3339()))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()?,
                )
                .build()];
            for ((pk, sk), change) in changes {
                items.push(
                    TransactWriteItem::builder()
                        .update(self.aggregate_update(pk, sk, change)?)
                        .build(),
                );
            }
            let profile_index = profile.as_ref().map(|_| items.len());
            if let Some(update) = profile {
                items.push(TransactWriteItem::builder().update(update).build());
            }
            match self
                .client
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await
            {
                Ok(_) => return Ok(true),
                Err(e) => {
                    let codes = cancellation_codes(&e).unwrap_or_default();
                    let failed = |i: usize| {
                        codes.get(i).and_then(|c| c.as_deref()) == Some("ConditionalCheckFailed")
                    };
                    if failed(0) {
                        return Ok(false);
                    }
                    if profile_index.is_some_and(failed) {
                        continue;
                    }
                    return Err(unexpected("counting an order fact", e));
                }
            }
        }
        anyhow::bail!(
            "the profile of the customer of order {} kept changing",
            fact.order_id
        )
    }

    /// `SET` the descriptive attributes, `ADD` the counters.
    fn aggregate_update(&self, pk: String, sk: String, change: Change) -> anyhow::Result<Update> {
        let mut update = Update::builder()
            .table_name(&self.tables.analytics)
            .key("pk", s(pk))
            .key("sk", s(sk));
        let mut sets = Vec::new();
        let mut adds = Vec::new();
        for (i, (name, value)) in change.set.into_iter().enumerate() {
            sets.push(format!("#s{i} = :s{i}"));
            update = update
                .expression_attribute_names(format!("#s{i}"), name)
                .expression_attribute_values(format!(":s{i}"), s(value));
        }
        for (i, (name, value)) in change.add.into_iter().enumerate() {
            adds.push(format!("#a{i} :a{i}"));
            update = update
                .expression_attribute_names(format!("#a{i}"), name)
                .expression_attribute_values(format!(":a{i}"), n(value));
        }
        let mut expression = String::new();
        if !sets.is_empty() {
            expression.push_str(&format!("SET {}", sets.join(", ")));
        }
        if !adds.is_empty() {
            expression.push_str(&format!(" ADD {}", adds.join(", ")));
        }
        Ok(update.update_expression(expression.trim()).build()?)
    }

    /// The customer's profile with one more paid order: its first order day
    /// is the earliest seen, under a condition on the one read, so two
    /// orders of one customer counted at once cannot both think they were
    /// first.
    async fn profile_update(
        &self,
        customer: &str,
        day: NaiveDate,
        revenue: i64,
    ) -> anyhow::Result<Update> {
        let pk = format!("CUSTOMER#{customer}");
        let current = self
            .client
            .get_item()
            .table_name(&self.tables.analytics)
            .key("pk", s(&pk))
            .key("sk", s("PROFILE"))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a customer profile", e))?
            .item
            .and_then(|i| match i.get("firstOrderDay") {
                Some(AttributeValue::S(d)) => Some(d.clone()),
                _ => None,
            });
        let day = day.to_string();
        let first = match &current {
            Some(seen) if *seen <= day => seen.clone(),
            _ => day,
        };
        let update = Update::builder()
            .table_name(&self.tables.analytics)
            .key("pk", s(pk))
            .key("sk", s("PROFILE"))
            .update_expression(
                "SET firstOrderDay = :first, customer = :customer ADD orders :one, revenue :revenue",
            )
            .expression_attribute_values(":first", s(first))
            .expression_attribute_values(":customer", s(customer))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":revenue", n(revenue));
        Ok(match current {
            Some(seen) => update
                .condition_expression("firstOrderDay = :seen")
                .expression_attribute_values(":seen", s(seen)),
            None => update.condition_expression("attribute_not_exists(pk)"),
        }
        .build()?)
    }

    /// Records a payment event once: `Ok(false)` when it was recorded
    /// before (a stream record delivered again). The marker and both copies
    /// of the event are one transaction.
    pub async fn record_payment_event(&self, event: &PaymentEvent) -> anyhow::Result<bool> {
        let month = month_of(event.day()?);
        let sk = format!("{}#{}", event.at, event.event_id);
        let marker = Put::builder()
            .table_name(&self.tables.analytics)
            .item("pk", s(format!("FACT#{}", event.order_id)))
            .item("sk", s(format!("payment-{}", event.key())))
            .item("at", s(crate::domain::now_rfc3339()))
            .condition_expression("attribute_not_exists(pk)")
            .build()?;
        let mut items = vec![TransactWriteItem::builder().put(marker).build()];
        for pk in [
            format!("PAYMENTS#{month}"),
            format!("PAYMENTS#{}#{month}", event.kind.as_str()),
        ] {
            let mut item = to_item(event)?;
            item.insert("pk".into(), s(pk));
            item.insert("sk".into(), s(&sk));
            items.push(
                TransactWriteItem::builder()
                    .put(
                        Put::builder()
                            .table_name(&self.tables.analytics)
                            .set_item(Some(item))
                            .build()?,
                    )
                    .build(),
            );
        }
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => {
                let codes = cancellation_codes(&e).unwrap_or_default();
                if codes.first().and_then(|c| c.as_deref()) == Some("ConditionalCheckFailed") {
                    return Ok(false);
                }
                Err(unexpected("recording a payment event", e))
            }
        }
    }

    /// A page of payment events in `range` (UTC days of `at`), newest
    /// first, optionally of one kind: one Query per month partition, newest
    /// month first, until the page is full. The cursor is the key of the
    /// page's last event, checked to belong to this kind and range.
    pub async fn list_payment_events(
        &self,
        kind: Option<PaymentEventKind>,
        range: DateRange,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<PaymentEvent>, ListError> {
        let partition = |month: &str| match kind {
            Some(k) => format!("PAYMENTS#{}#{month}", k.as_str()),
            None => format!("PAYMENTS#{month}"),
        };
        let months: Vec<String> = range.months().into_iter().rev().collect();
        // `<at>#…`: a day sorts before its own times, and '~' after them.
        let (low, high) = (range.from.to_string(), format!("{}~", range.to));
        let mut first_month = 0;
        let mut start = decode_cursor(cursor, &["pk", "sk"])?;
        if let Some(key) = &start {
            let (Some(pk), Some(sk)) = (
                key.get("pk").and_then(|v| v.as_s().ok()),
                key.get("sk").and_then(|v| v.as_s().ok()),
            ) else {
                return Err(InvalidCursor.into());
            };
            first_month = months
                .iter()
                .position(|m| partition(m) == *pk)
                .ok_or(InvalidCursor)?;
            if *sk < low || *sk > high {
                return Err(InvalidCursor.into());
            }
        }
        let wanted = usize::try_from(limit).unwrap_or(0).max(1);
        // One more than a page, so a full last page gets no cursor.
        let mut found: Vec<(String, String, PaymentEvent)> = Vec::new();
        'months: for month in &months[first_month..] {
            loop {
                let remaining = wanted + 1 - found.len();
                let out = self
                    .client
                    .query()
                    .table_name(&self.tables.analytics)
                    .key_condition_expression("pk = :pk AND sk BETWEEN :low AND :high")
                    .expression_attribute_values(":pk", s(partition(month)))
                    .expression_attribute_values(":low", s(&low))
                    .expression_attribute_values(":high", s(&high))
                    .scan_index_forward(false)
                    .set_exclusive_start_key(start.take())
                    .limit(i32::try_from(remaining).unwrap_or(i32::MAX))
                    .send()
                    .await
                    .map_err(|e| unexpected("listing payment events", e))?;
                for item in out.items.unwrap_or_default() {
                    let key = |name: &str| {
                        item.get(name)
                            .and_then(|v| v.as_s().ok())
                            .cloned()
                            .unwrap_or_default()
                    };
                    let (pk, sk) = (key("pk"), key("sk"));
                    found.push((pk, sk, from_item(item)?));
                }
                if found.len() > wanted {
                    break 'months;
                }
                match out.last_evaluated_key {
                    Some(k) if !k.is_empty() => start = Some(k),
                    _ => break,
                }
            }
        }
        let next_cursor = if found.len() > wanted {
            found.truncate(wanted);
            found.last().and_then(|(pk, sk, _)| {
                encode_cursor(Some(&Item::from([
                    ("pk".to_string(), s(pk)),
                    ("sk".to_string(), s(sk)),
                ])))
            })
        } else {
            None
        };
        Ok(Page {
            items: found.into_iter().map(|(_, _, e)| e).collect(),
            next_cursor,
        })
    }

    /// Every day's totals in `range`.
    pub async fn sales_days(&self, range: DateRange) -> anyhow::Result<Vec<DayTotals>> {
        self.aggregates("SALES", range, false).await
    }

    /// Every SKU's figures per day in `range`.
    pub async fn product_days(&self, range: DateRange) -> anyhow::Result<Vec<ProductDay>> {
        self.aggregates("PRODUCTS", range, true).await
    }

    /// Every customer's paid orders per day in `range`.
    pub async fn customer_days(&self, range: DateRange) -> anyhow::Result<Vec<CustomerDay>> {
        self.aggregates("CUSTOMERS", range, true).await
    }

    /// The day of each customer's first paid order.
    pub async fn first_order_days(
        &self,
        customers: impl IntoIterator<Item = &str>,
    ) -> anyhow::Result<HashMap<String, NaiveDate>> {
        let mut keys: Vec<Item> = customers
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|c| {
                Item::from([
                    ("pk".to_string(), s(format!("CUSTOMER#{c}"))),
                    ("sk".to_string(), s("PROFILE")),
                ])
            })
            .collect();
        let mut out = HashMap::new();
        let mut pending: Vec<Item> = Vec::new();
        while !keys.is_empty() || !pending.is_empty() {
            // At most 100 keys per request; unprocessed keys go round again.
            let take = keys.len().min(100 - pending.len().min(100));
            let mut batch: Vec<Item> = std::mem::take(&mut pending);
            batch.extend(keys.drain(..take));
            let out_batch = self
                .client
                .batch_get_item()
                .request_items(
                    &self.tables.analytics,
                    KeysAndAttributes::builder()
                        .set_keys(Some(batch))
                        .projection_expression("customer, firstOrderDay")
                        .build()?,
                )
                .send()
                .await
                .map_err(|e| unexpected("reading customer profiles", e))?;
            for item in out_batch
                .responses
                .and_then(|mut r| r.remove(&self.tables.analytics))
                .unwrap_or_default()
            {
                if let (Some(AttributeValue::S(c)), Some(AttributeValue::S(d))) =
                    (item.get("customer"), item.get("firstOrderDay"))
                {
                    if let Ok(day) = NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                        out.insert(c.clone(), day);
                    }
                }
            }
            if let Some(unprocessed) = out_batch
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.tables.analytics))
            {
                pending = unprocessed.keys;
                if !pending.is_empty() {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
        Ok(out)
    }

    /// The items of `kind` in `range`: one paginated Query per month.
    async fn aggregates<T: DeserializeOwned>(
        &self,
        kind: &str,
        range: DateRange,
        per_day_keys: bool,
    ) -> anyhow::Result<Vec<T>> {
        let (low, high) = if per_day_keys {
            // `<day>#<id>`: '~' sorts after every character of an id.
            (format!("{}#", range.from), format!("{}#~", range.to))
        } else {
            (range.from.to_string(), range.to.to_string())
        };
        let mut out = Vec::new();
        for month in range.months() {
            let mut start: Option<Item> = None;
            loop {
                let page = self
                    .client
                    .query()
                    .table_name(&self.tables.analytics)
                    .key_condition_expression("pk = :pk AND sk BETWEEN :low AND :high")
                    .expression_attribute_values(":pk", s(format!("{kind}#{month}")))
                    .expression_attribute_values(":low", s(&low))
                    .expression_attribute_values(":high", s(&high))
                    .set_exclusive_start_key(start.take())
                    .send()
                    .await
                    .map_err(|e| unexpected("reading sales aggregates", e))?;
                for item in page.items.unwrap_or_default() {
                    out.push(from_item(item)?);
                }
                match page.last_evaluated_key {
                    Some(k) if !k.is_empty() => start = Some(k),
                    _ => break,
                }
            }
        }
        Ok(out)
    }
}

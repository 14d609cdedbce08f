//! Orders table: orders, their status changes, checkout's atomic write and
//! the stock reservation transaction; the Counters table numbers orders.

use aws_sdk_dynamodb::types::{AttributeValue, Put, ReturnValue, TransactWriteItem, Update};

use super::idempotency::IdempotencyRecord;
use super::{
    cancellation_codes, condition_failed, decode_cursor, from_item, is_cancelled, n, page_of, s,
    to_item, unexpected, InvalidCursor, Item, Page, Store,
};
use crate::domain::cart::Cart;
use crate::domain::order::{Order, OrderStatus, StatusChange};
use crate::domain::product::Sku;
use crate::domain::promotion::Promotion;

/// Index of a customer's orders: `customerSub` + `createdKey`.
pub const BY_CUSTOMER_INDEX: &str = "ByCustomer";
/// Index of orders in one status: `status` + `createdKey`.
pub const BY_STATUS_INDEX: &str = "ByStatus";
/// Index of all orders by time: `orderList` (= "ORDER") + `createdKey`.
pub const ALL_ORDERS_INDEX: &str = "AllOrders";
/// Index of an order number: `orderNumber`, keys only.
pub const BY_ORDER_NUMBER_INDEX: &str = "ByOrderNumber";
/// Index of a customer's orders by e-mail: `customerEmail` (lower case) +
/// `createdKey`.
pub const BY_CUSTOMER_EMAIL_INDEX: &str = "ByCustomerEmail";

#[derive(Debug, thiserror::Error)]
pub enum PlaceOrderError {
    /// The idempotency key was stored by a concurrent request first.
    #[error("the idempotency key is already in use")]
    KeyInUse,
    /// The cart was checked out, changed or expired since it was read.
    #[error("the cart changed since it was read")]
    CartChanged,
    /// The promotion reached its usage limit (or was deactivated) first.
    #[error("the promotion is used up")]
    PromotionUsedUp,
    /// The customer's other order took their one use of the code first.
    #[error("the customer has used the promotion")]
    PromotionAlreadyUsed,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    #[error("no order has id {0}")]
    NotFound(String),
    #[error("an order in status {current:?} cannot become {to:?}")]
    NotAllowed {
        current: OrderStatus,
        to: OrderStatus,
    },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum ReserveError {
    /// At least one line has too little available stock; nothing was reserved.
    #[error("out of stock: {}", .0.iter().map(Sku::as_str).collect::<Vec<_>>().join(", "))]
    Short(Vec<Sku>),
    /// The order already left PENDING (a repeated delivery of the step).
    #[error("the order is already {0:?}")]
    AlreadyDecided(OrderStatus),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Filters of the admin order list. `status` and `customer_email` each
/// choose an index, so at most one of them is set; both combine with
/// `from`/`to` (the indexes' sort key).
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// The customer's e-mail as [`email_search_key`] gives it.
    ///
    /// [`email_search_key`]: crate::domain::checkout::email_search_key
    pub customer_email: Option<String>,
    /// Inclusive bounds on the creation time, RFC 3339.
    pub from: Option<String>,
    pub to: Option<String>,
}

fn order_item(order: &Order) -> anyhow::Result<Item> {
    let mut item = to_item(order)?;
    item.insert("orderList".into(), s("ORDER"));
    item.insert(
        "customerEmail".into(),
        s(crate::domain::checkout::email_search_key(
            &order.customer.email,
        )),
    );
    item.insert(
        "createdKey".into(),
        s(format!("{}#{}", order.created_at, order.order_id)),
    );
    Ok(item)
}

fn history_entry(change: &StatusChange) -> anyhow::Result<AttributeValue> {
    let entry = serde_dynamo::to_attribute_value(change)
        .map_err(|e| anyhow::anyhow!("writing a status change: {e}"))?;
    Ok(AttributeValue::L(vec![entry]))
}

impl Store {
    /// The next number of the shop's order sequence (gaps are possible when
    /// a checkout fails after taking one).
    pub async fn next_order_sequence(&self) -> anyhow::Result<i64> {
        let out = self
            .client
            .update_item()
            .table_name(&self.tables.counters)
            .key("name", s("orderNumber"))
            .update_expression("ADD #value :one")
            .expression_attribute_names("#value", "value")
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unexpected("numbering an order", e))?;
        out.attributes
            .and_then(|a| a.get("value").and_then(|v| v.as_n().ok()).cloned())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("the order counter returned no value"))
    }

    /// Checkout's single transaction: write the order, close the cart it was
    /// priced from (unchanged, open, unexpired) and store the idempotency
    /// record. All three or none.
    pub async fn place_order(
        &self,
        order: &Order,
        cart: &Cart,
        record: &IdempotencyRecord,
        now_epoch: i64,
        promotion: Option<&Promotion>,
    ) -> Result<(), PlaceOrderError> {
        let put_order = Put::builder()
            .table_name(&self.tables.orders)
            .set_item(Some(order_item(order)?))
            .condition_expression("attribute_not_exists(orderId)")
            .build()
            .map_err(|e| anyhow::anyhow!("building the order write: {e}"))?;
        let close_cart = Update::builder()
            .table_name(&self.tables.carts)
            .key("cartId", s(&cart.cart_id))
            .update_expression(
                "SET #status = :closed, orderId = :order, ownerSub = :owner, updatedAt = :now, version = :next",
            )
            .condition_expression(
                "#status = :open AND version = :version AND expiresAt > :epoch",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":closed", s("CHECKED_OUT"))
            .expression_attribute_values(":open", s("OPEN"))
            .expression_attribute_values(":order", s(&order.order_id))
            .expression_attribute_values(":owner", s(&order.customer_sub))
            .expression_attribute_values(":now", s(&order.created_at))
            .expression_attribute_values(":version", n(cart.version))
            .expression_attribute_values(":next", n(cart.version + 1))
            .expression_attribute_values(":epoch", n(now_epoch))
            .build()
            .map_err(|e| anyhow::anyhow!("building the cart update: {e}"))?;
        let put_record = Put::builder()
            .table_name(&self.tables.idempotency)
            .set_item(Some(to_item(record)?))
            .condition_expression("attribute_not_exists(pk) OR expiresAt <= :epoch")
            .expression_attribute_values(":epoch", n(now_epoch))
            .build()
            .map_err(|e| anyhow::anyhow!("building the idempotency record: {e}"))?;
        let mut transaction = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put_order).build())
            .transact_items(TransactWriteItem::builder().update(close_cart).build())
            .transact_items(TransactWriteItem::builder().put(put_record).build());
        if let Some(promotion) = promotion {
            // Counted only while under the limit, so N uses are never exceeded.
            let count = Update::builder()
                .table_name(&self.tables.promotions)
                .key("code", s(&promotion.code))
                .update_expression("ADD #used :one SET updatedAt = :now")
                .condition_expression(
                    "active = :true AND (attribute_not_exists(usageLimit) OR #used < usageLimit)",
                )
                .expression_attribute_names("#used", "used")
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":now", s(&order.created_at))
                .build()
                .map_err(|e| anyhow::anyhow!("building the promotion count: {e}"))?;
            transaction =
                transaction.transact_items(TransactWriteItem::builder().update(count).build());
            if promotion.once_per_customer {
                let claim = Put::builder()
                    .table_name(&self.tables.promotions)
                    .item(
                        "code",
                        s(super::promotions::customer_use_key(
                            &promotion.code,
                            &order.customer_sub,
                        )),
                    )
                    .item("orderId", s(&order.order_id))
                    .item("usedAt", s(&order.created_at))
                    .condition_expression("attribute_not_exists(code)")
                    .build()
                    .map_err(|e| anyhow::anyhow!("building the promotion use: {e}"))?;
                transaction =
                    transaction.transact_items(TransactWriteItem::builder().put(claim).build());
            }
        }
        let result = transaction.send().await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_cancelled(&e) => {
                let codes = cancellation_codes(&e).unwrap_or_default();
                let failed = |i: usize| {
                    codes
                        .get(i)
                        .and_then(|c| c.as_deref())
                        .is_some_and(|c| c == "ConditionalCheckFailed")
                };
                if failed(2) {
                    Err(PlaceOrderError::KeyInUse)
                } else if failed(1) || failed(0) {
                    Err(PlaceOrderError::CartChanged)
                } else if failed(3) {
                    Err(PlaceOrderError::PromotionUsedUp)
                } else if failed(4) {
                    Err(PlaceOrderError::PromotionAlreadyUsed)
                } else {
                    Err(PlaceOrderError::CartChanged)
                }
            }
            Err(e) => Err(unexpected("placing an order", e).into()),
        }
    }

    /// One order, read strongly consistent.
    pub async fn get_order(&self, order_id: &str) -> anyhow::Result<Option<Order>> {
        self.get_order_item(order_id)
            .await?
            .map(from_item)
            .transpose()
    }

    /// One order's item as stored, read strongly consistent.
    pub(crate) async fn get_order_item(&self, order_id: &str) -> anyhow::Result<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.orders)
            .key("orderId", s(order_id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading an order", e))?;
        Ok(out.item)
    }

    /// A customer's orders, newest first.
    pub async fn list_customer_orders(
        &self,
        customer_sub: &str,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Order>, super::products::ListError> {
        let start = decode_cursor(cursor, &["orderId", "customerSub", "createdKey"])?;
        if let Some(start) = &start {
            // A cursor from another customer's listing is not this customer's.
            if start.get("customerSub") != Some(&s(customer_sub)) {
                return Err(InvalidCursor.into());
            }
        }
        let out = self
            .client
            .query()
            .table_name(&self.tables.orders)
            .index_name(BY_CUSTOMER_INDEX)
            .key_condition_expression("customerSub = :sub")
            .expression_attribute_values(":sub", s(customer_sub))
            .scan_index_forward(false)
            .set_exclusive_start_key(start)
            .limit(limit)
            .send()
            .await
            .map_err(|e| unexpected("listing a customer's orders", e))?;
        Ok(page_of(out.items, out.last_evaluated_key.as_ref())?)
    }

    /// All orders, newest first, optionally in one status and a time range.
    pub async fn list_orders(
        &self,
        filter: &OrderFilter,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Order>, super::products::ListError> {
        let (index, partition_name, partition_value) = match (&filter.customer_email, filter.status)
        {
            (Some(email), _) => (BY_CUSTOMER_EMAIL_INDEX, "customerEmail", email.clone()),
            (None, Some(status)) => (BY_STATUS_INDEX, "status", status.as_str().to_string()),
            (None, None) => (ALL_ORDERS_INDEX, "orderList", "ORDER".to_string()),
        };
        let start = decode_cursor(cursor, &["orderId", partition_name, "createdKey"])?;
        if let Some(start) = &start {
            // A cursor of another listing (another status or e-mail, or a
            // point outside the range) is refused here rather than by
            // DynamoDB as a fault.
            let created = start
                .get("createdKey")
                .and_then(|v| v.as_s().ok())
                .ok_or(InvalidCursor)?;
            let outside = filter.from.as_ref().is_some_and(|f| created < f)
                || filter
                    .to
                    .as_ref()
                    .is_some_and(|t| *created > format!("{t}~"));
            if start.get(partition_name) != Some(&s(&partition_value)) || outside {
                return Err(InvalidCursor.into());
            }
        }
        let mut query = self
            .client
            .query()
            .table_name(&self.tables.orders)
            .index_name(index)
            .expression_attribute_names("#pk", partition_name)
            .expression_attribute_values(":pk", s(partition_value))
            .scan_index_forward(false)
            .set_exclusive_start_key(start)
            .limit(limit);
        // '~' sorts after '#' and every id character, so `to` is inclusive.
        let condition = match (&filter.from, &filter.to) {
            (Some(from), Some(to)) => {
                query = query
                    .expression_attribute_values(":from", s(from))
                    .expression_attribute_values(":to", s(format!("{to}~")));
                "#pk = :pk AND createdKey BETWEEN :from AND :to"
            }
            (Some(from), None) => {
                query = query.expression_attribute_values(":from", s(from));
                "#pk = :pk AND createdKey >= :from"
            }
            (None, Some(to)) => {
                query = query.expression_attribute_values(":to", s(format!("{to}~")));
                "#pk = :pk AND createdKey <= :to"
            }
            (None, None) => "#pk = :pk",
        };
        let out = query
            .key_condition_expression(condition)
            .send()
            .await
            .map_err(|e| unexpected("listing orders", e))?;
        Ok(page_of(out.items, out.last_evaluated_key.as_ref())?)
    }

    /// The order with this order number (the `ByOrderNumber` index holds
    /// keys only; the order is read consistently).
    pub async fn find_order_by_number(&self, order_number: &str) -> anyhow::Result<Option<Order>> {
        self.find_order_by_key_index(
            BY_ORDER_NUMBER_INDEX,
            "orderNumber",
            order_number,
            "finding an order by number",
        )
        .await
    }

    /// The one order whose `attribute` is `value` on a keys-only `index`,
    /// read itself, consistently, from the table.
    pub(crate) async fn find_order_by_key_index(
        &self,
        index: &str,
        attribute: &str,
        value: &str,
        what: &str,
    ) -> anyhow::Result<Option<Order>> {
        let out = self
            .client
            .query()
            .table_name(&self.tables.orders)
            .index_name(index)
            .key_condition_expression("#k = :v")
            .expression_attribute_names("#k", attribute)
            .expression_attribute_values(":v", s(value))
            .limit(1)
            .send()
            .await
            .map_err(|e| unexpected(what, e))?;
        let Some(item) = out.items.and_then(|i| i.into_iter().next()) else {
            return Ok(None);
        };
        let order_id = item
            .get("orderId")
            .and_then(|v| v.as_s().ok())
            .ok_or_else(|| anyhow::anyhow!("an index entry without orderId"))?;
        self.get_order(order_id).await
    }

    /// Moves an order to `to` if its current status allows it, recording the
    /// change in its history.
    pub async fn transition_order(
        &self,
        order_id: &str,
        to: OrderStatus,
        reason: Option<String>,
        now: &str,
    ) -> Result<Order, TransitionError> {
        let allowed = to.allowed_previous();
        let placeholders: Vec<String> = (0..allowed.len()).map(|i| format!(":from{i}")).collect();
        let change = StatusChange {
            status: to,
            at: now.to_string(),
            reason,
        };
        let mut update = self
            .client
            .update_item()
            .table_name(&self.tables.orders)
            .key("orderId", s(order_id))
            .update_expression(
                "SET #status = :to, statusHistory = list_append(statusHistory, :entry), updatedAt = :now",
            )
            .condition_expression(format!("#status IN ({})", placeholders.join(", ")))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":entry", history_entry(&change)?)
            .expression_attribute_values(":now", s(now))
            .return_values(ReturnValue::AllNew);
        for (placeholder, status) in placeholders.iter().zip(allowed) {
            update = update.expression_attribute_values(placeholder, s(status.as_str()));
        }
        match update.send().await {
            Ok(out) => Ok(from_item(out.attributes.unwrap_or_default())?),
            Err(e) if condition_failed(&e) => match self.get_order(order_id).await? {
                None => Err(TransitionError::NotFound(order_id.to_string())),
                Some(order) => Err(TransitionError::NotAllowed {
                    current: order.status,
                    to,
                }),
            },
            Err(e) => Err(unexpected("changing an order's status", e).into()),
        }
    }

    /// Replaces the shipping address of an order that has not shipped
    /// (its status one of `statuses`); `None` when its status no longer
    /// allows it (or it is gone).
    pub async fn change_shipping_address(
        &self,
        order_id: &str,
        address: &crate::domain::checkout::Address,
        statuses: &[OrderStatus],
        now: &str,
    ) -> anyhow::Result<Option<Order>> {
        let placeholders: Vec<String> = (0..statuses.len()).map(|i| format!(":s{i}")).collect();
        let mut update = self
            .client
            .update_item()
            .table_name(&self.tables.orders)
            .key("orderId", s(order_id))
            .update_expression("SET shippingAddress = :address, updatedAt = :now")
            .condition_expression(format!("#status IN ({})", placeholders.join(", ")))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(
                ":address",
                AttributeValue::M(serde_dynamo::to_item(address)?),
            )
            .expression_attribute_values(":now", s(now))
            .return_values(ReturnValue::AllNew);
        for (placeholder, status) in placeholders.iter().zip(statuses) {
            update = update.expression_attribute_values(placeholder, s(status.as_str()));
        }
        match update.send().await {
            Ok(out) => Ok(Some(from_item(out.attributes.unwrap_or_default())?)),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(unexpected("changing an order's shipping address", e)),
        }
    }

    /// Reserves every line of a PENDING (or BACKORDERED) order and marks it
    /// RESERVED, in one transaction: all lines or none, each conditional on
    /// available stock, the order conditional on its status (so a repeated
    /// delivery changes stock once).
    pub async fn reserve_stock(&self, order: &Order, now: &str) -> Result<Order, ReserveError> {
        let change = StatusChange {
            status: OrderStatus::Reserved,
            at: now.to_string(),
            reason: None,
        };
        let mut tx = self.client.transact_write_items();
        for line in &order.lines {
            let update = Update::builder()
                .table_name(&self.tables.products)
                .key("sku", s(line.sku.as_str()))
                .update_expression(
                    "SET available = available - :qty, reserved = reserved + :qty, updatedAt = :now",
                )
                .condition_expression("attribute_exists(sku) AND available >= :qty")
                .expression_attribute_values(":qty", n(line.quantity))
                .expression_attribute_values(":now", s(now))
                .build()
                .map_err(|e| anyhow::anyhow!("building a reservation: {e}"))?;
            tx = tx.transact_items(TransactWriteItem::builder().update(update).build());
        }
        let mark = Update::builder()
            .table_name(&self.tables.orders)
            .key("orderId", s(&order.order_id))
            .update_expression(
                "SET #status = :reserved, statusHistory = list_append(statusHistory, :entry), updatedAt = :now, stockState = :held",
            )
            .condition_expression("#status IN (:pending, :backordered)")
            .expression_attribute_values(":held", s("HELD"))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":reserved", s(OrderStatus::Reserved.as_str()))
            .expression_attribute_values(":pending", s(OrderStatus::Pending.as_str()))
            .expression_attribute_values(":backordered", s(OrderStatus::Backordered.as_str()))
            .expression_attribute_values(":entry", history_entry(&change)?)
            .expression_attribute_values(":now", s(now))
            .build()
            .map_err(|e| anyhow::anyhow!("building the order update: {e}"))?;
        tx = tx.transact_items(TransactWriteItem::builder().update(mark).build());
        match tx.send().await {
            Ok(_) => self
                .get_order(&order.order_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("order {} vanished", order.order_id).into()),
            Err(e) if is_cancelled(&e) => {
                // The order's own state decides first: a repeated delivery
                // must not be mistaken for a shortage.
                let current = self
                    .get_order(&order.order_id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("order {} vanished", order.order_id))?;
                if !matches!(
                    current.status,
                    OrderStatus::Pending | OrderStatus::Backordered
                ) {
                    return Err(ReserveError::AlreadyDecided(current.status));
                }
                let skus: Vec<Sku> = order.lines.iter().map(|l| l.sku.clone()).collect();
                let products = self.get_products(&skus).await?;
                let short: Vec<Sku> = order
                    .lines
                    .iter()
                    .filter(|l| {
                        products
                            .get(&l.sku)
                            .is_none_or(|p| p.available < i64::from(l.quantity))
                    })
                    .map(|l| l.sku.clone())
                    .collect();
                if short.is_empty() {
                    // Stock was there on re-read: the transaction lost a race
                    // with another one and is safe to retry.
                    Err(anyhow::anyhow!("the reservation conflicted with another write").into())
                } else {
                    Err(ReserveError::Short(short))
                }
            }
            Err(e) => Err(unexpected("reserving stock", e).into()),
        }
    }

    /// Stores the task token a BACKORDERED order's workflow waits on.
    pub async fn hold_backorder(
        &self,
        order_id: &str,
        token: &str,
        now: &str,
    ) -> Result<Order, crate::store::workflow_steps::StepWriteError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.orders)
            .key("orderId", s(order_id))
            .update_expression("SET backorderToken = :token, updatedAt = :now")
            .condition_expression("#status = :backordered")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":token", s(token))
            .expression_attribute_values(":now", s(now))
            .expression_attribute_values(":backordered", s(OrderStatus::Backordered.as_str()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(from_item(out.attributes.unwrap_or_default())?),
            Err(e) if condition_failed(&e) => {
                let current = self
                    .get_order(order_id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("order {order_id} vanished"))?;
                Err(crate::store::workflow_steps::StepWriteError::NotApplicable(
                    Box::new(current),
                ))
            }
            Err(e) => Err(unexpected("holding a backorder", e).into()),
        }
    }

    /// Every BACKORDERED order, oldest first (the order they resume in).
    pub async fn list_backorders(&self) -> anyhow::Result<Vec<Order>> {
        let query = self
            .client
            .query()
            .table_name(&self.tables.orders)
            .index_name(BY_STATUS_INDEX)
            .key_condition_expression("#status = :backordered")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":backordered", s(OrderStatus::Backordered.as_str()))
            .scan_index_forward(true);
        super::every_page(query, "listing backorders")
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}

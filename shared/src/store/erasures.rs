//! Erasures table (`customerSub`), whose stream publishes `CustomerErased`,
//! and the writes that erase a customer's personal data from orders and
//! carts.

use aws_sdk_dynamodb::types::AttributeValue;

use super::{condition_failed, from_item, n, s, to_item, unexpected, Store};
use crate::domain::erasure::{ErasureRecord, ErasureStatus};
use crate::domain::order::Order;

/// Index of a customer's carts: `ownerSub`, keys only (sparse: anonymous
/// carts have no owner).
pub const CARTS_BY_OWNER_INDEX: &str = "ByOwner";

impl Store {
    pub async fn get_erasure(&self, customer_sub: &str) -> anyhow::Result<Option<ErasureRecord>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.erasures)
            .key("customerSub", s(customer_sub))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading an erasure", e))?;
        out.item.map(from_item).transpose()
    }

    /// Records an erasure unless one exists; answers the stored one.
    pub async fn request_erasure(&self, record: &ErasureRecord) -> anyhow::Result<ErasureRecord> {
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.erasures)
            .set_item(Some(to_item(record)?))
            .condition_expression("attribute_not_exists(customerSub)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(record.clone()),
            Err(e) if condition_failed(&e) => self
                .get_erasure(&record.customer_sub)
                .await?
                .ok_or_else(|| anyhow::anyhow!("an erasure vanished while it was recorded")),
            Err(e) => Err(unexpected("recording an erasure", e)),
        }
    }

    /// Saves where an erasure stands.
    pub async fn save_erasure(&self, record: &ErasureRecord) -> anyhow::Result<()> {
        let status = match record.status {
            ErasureStatus::Pending => "PENDING",
            ErasureStatus::Complete => "COMPLETE",
        };
        let completed = record
            .completed_at
            .as_deref()
            .map_or(AttributeValue::Null(true), s);
        self.client
            .update_item()
            .table_name(&self.tables.erasures)
            .key("customerSub", s(&record.customer_sub))
            .update_expression(
                "SET #status = :status, updatedAt = :now, completedAt = :completed, \
                 ordersErased = :erased, ordersWaiting = :waiting",
            )
            .condition_expression("attribute_exists(customerSub)")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", s(status))
            .expression_attribute_values(":now", s(&record.updated_at))
            .expression_attribute_values(":completed", completed)
            .expression_attribute_values(":erased", n(record.orders_erased))
            .expression_attribute_values(":waiting", n(record.orders_waiting))
            .send()
            .await
            .map_err(|e| unexpected("saving an erasure", e))?;
        Ok(())
    }

    /// Every order of a customer.
    pub async fn all_customer_orders(&self, customer_sub: &str) -> anyhow::Result<Vec<Order>> {
        let mut orders = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .list_customer_orders(customer_sub, 100, cursor.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("listing a customer's orders: {e}"))?;
            orders.extend(page.items);
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        Ok(orders)
    }

    /// Writes the erased order over `read`, unless the order changed since
    /// it was read (then `false`: the next pass looks again).
    pub async fn erase_order(&self, read: &Order, erased: &Order) -> anyhow::Result<bool> {
        fn attribute<T: serde::Serialize>(v: &T) -> anyhow::Result<AttributeValue> {
            serde_dynamo::to_attribute_value(v)
                .map_err(|e| anyhow::anyhow!("writing an erased order: {e}"))
        }
        let customer = attribute(&erased.customer)?;
        let shipping = attribute(&erased.shipping_address)?;
        let billing = attribute(&erased.billing_address)?;
        let tracking = attribute(&erased.tracking_events)?;
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.orders)
            .key("orderId", s(&read.order_id))
            .update_expression(
                "SET customer = :customer, shippingAddress = :shipping, \
                 billingAddress = :billing, trackingEvents = :tracking, erasedAt = :now \
                 REMOVE customerEmail",
            )
            .condition_expression("attribute_not_exists(erasedAt) AND updatedAt = :read")
            .expression_attribute_values(":customer", customer)
            .expression_attribute_values(":shipping", shipping)
            .expression_attribute_values(":billing", billing)
            .expression_attribute_values(":tracking", tracking)
            .expression_attribute_values(":now", s(erased.erased_at.clone().unwrap_or_default()))
            .expression_attribute_values(":read", s(&read.updated_at))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(unexpected("erasing an order", e)),
        }
    }

    /// The ids of the carts a customer owns (or owned).
    pub async fn customer_cart_ids(&self, customer_sub: &str) -> anyhow::Result<Vec<String>> {
        let query = self
            .client
            .query()
            .table_name(&self.tables.carts)
            .index_name(CARTS_BY_OWNER_INDEX)
            .key_condition_expression("ownerSub = :sub")
            .expression_attribute_values(":sub", s(customer_sub));
        Ok(super::every_page(query, "finding a customer's carts")
            .await?
            .into_iter()
            .filter_map(|item| match item.get("cartId") {
                Some(AttributeValue::S(id)) => Some(id.clone()),
                _ => None,
            })
            .collect())
    }

    /// Removes a cart's shipping address (and the option priced for it);
    /// `false` when it had none.
    pub async fn erase_cart_address(&self, cart_id: &str) -> anyhow::Result<bool> {
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.carts)
            .key("cartId", s(cart_id))
            .update_expression("REMOVE shippingAddress, shippingOption ADD version :one")
            .condition_expression("attribute_exists(shippingAddress)")
            .expression_attribute_values(":one", n(1))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(unexpected("erasing a cart's address", e)),
        }
    }
}

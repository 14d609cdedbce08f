//! Carts table: one item per cart, written with optimistic concurrency on
//! `version` so two tabs editing one cart never lose a change; and one
//! item per signed-in customer (`cartId` = `customer#<sub>`) naming their
//! current cart, written in the same transaction as the cart it names, so
//! "my current cart" is one strongly consistent read from any device.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

use super::{condition_failed, from_item, is_cancelled, n, s, to_item, unexpected, Item, Store};
use crate::domain::cart::Cart;

/// The key of the item naming `sub`'s current cart. A cart's own key is a
/// UUID, so the two never meet.
fn current_key(sub: &str) -> String {
    format!("customer#{sub}")
}

#[derive(Debug, thiserror::Error)]
pub enum SaveCartError {
    /// Someone else changed or checked out the cart since it was read.
    #[error("the cart changed since it was read")]
    Conflict,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Store {
    /// Writes a brand-new cart.
    pub async fn create_cart(&self, cart: &Cart) -> anyhow::Result<()> {
        self.client
            .put_item()
            .table_name(&self.tables.carts)
            .set_item(Some(to_item(cart)?))
            .condition_expression("attribute_not_exists(cartId)")
            .send()
            .await
            .map_err(|e| unexpected("creating a cart", e))?;
        Ok(())
    }

    /// Writes a brand-new cart owned by `sub` and makes it their current cart.
    pub async fn create_owned_cart(&self, cart: &Cart, sub: &str) -> anyhow::Result<()> {
        let put_cart = Put::builder()
            .table_name(&self.tables.carts)
            .set_item(Some(to_item(cart)?))
            .condition_expression("attribute_not_exists(cartId)")
            .build()?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put_cart).build())
            .transact_items(self.point_to(sub, &cart.cart_id, None)?)
            .send()
            .await
            .map_err(|e| unexpected("creating a customer's cart", e))?;
        Ok(())
    }

    /// The id of `sub`'s current cart, if they ever had one (it may since
    /// have been checked out or expired: the caller reads it and decides).
    pub async fn current_cart_id(&self, sub: &str) -> anyhow::Result<Option<String>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.carts)
            .key("cartId", s(current_key(sub)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a customer's current cart", e))?;
        Ok(out
            .item
            .and_then(|i| i.get("currentCartId")?.as_s().ok().cloned()))
    }

    /// The write that makes `cart_id` the current cart of `sub`; with
    /// `seen`, only if the pointer still names what was read (`None`: no
    /// pointer yet, `Some(id)`: that cart).
    fn point_to(
        &self,
        sub: &str,
        cart_id: &str,
        seen: Option<Option<&str>>,
    ) -> anyhow::Result<TransactWriteItem> {
        let mut item = Item::new();
        item.insert("cartId".into(), s(current_key(sub)));
        item.insert("currentCartId".into(), s(cart_id));
        let mut put = Put::builder()
            .table_name(&self.tables.carts)
            .set_item(Some(item));
        put = match seen {
            None => put,
            Some(None) => put.condition_expression("attribute_not_exists(cartId)"),
            Some(Some(id)) => put
                .condition_expression("currentCartId = :seen")
                .expression_attribute_values(":seen", s(id)),
        };
        Ok(TransactWriteItem::builder().put(put.build()?).build())
    }

    /// Claims the anonymous `cart` (as read, at its version) for `sub` as
    /// their current cart, replacing the pointer they had (`seen`).
    pub async fn claim_cart(
        &self,
        cart: &Cart,
        sub: &str,
        seen: Option<&str>,
    ) -> Result<Cart, SaveCartError> {
        let mut next = cart.clone();
        next.version = cart.version + 1;
        next.owner_sub = Some(sub.to_string());
        let put_cart = Put::builder()
            .table_name(&self.tables.carts)
            .set_item(Some(to_item(&next)?))
            .condition_expression(
                "version = :version AND #status = :open AND attribute_not_exists(ownerSub)",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":version", n(cart.version))
            .expression_attribute_values(":open", s("OPEN"))
            .build()
            .map_err(anyhow::Error::from)?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put_cart).build())
            .transact_items(self.point_to(sub, &next.cart_id, Some(seen))?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(next),
            Err(e) if is_cancelled(&e) => Err(SaveCartError::Conflict),
            Err(e) => Err(unexpected("claiming a cart", e).into()),
        }
    }

    /// Merges the anonymous `from` into `sub`'s current cart: writes
    /// `into` (already holding `from`'s lines) over the version it was read
    /// at, and marks `from` MERGED and owned by `sub`, both only if neither
    /// changed and the pointer still names `into`.
    pub async fn merge_carts(
        &self,
        from: &Cart,
        into: &Cart,
        sub: &str,
    ) -> Result<Cart, SaveCartError> {
        let mut merged = into.clone();
        merged.version = into.version + 1;
        let mut absorbed = from.clone();
        absorbed.version = from.version + 1;
        absorbed.owner_sub = Some(sub.to_string());
        absorbed.status = crate::domain::cart::CartStatus::Merged;
        absorbed.merged_into = Some(into.cart_id.clone());
        let put =
            |cart: &Cart, version: u64, anonymous: bool| -> anyhow::Result<TransactWriteItem> {
                let mut condition = "version = :version AND #status = :open".to_string();
                if anonymous {
                    condition.push_str(" AND attribute_not_exists(ownerSub)");
                }
                let put = Put::builder()
                    .table_name(&self.tables.carts)
                    .set_item(Some(to_item(cart)?))
                    .condition_expression(condition)
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":version", n(version))
                    .expression_attribute_values(":open", s("OPEN"))
                    .build()?;
                Ok(TransactWriteItem::builder().put(put).build())
            };
        let result = self
            .client
            .transact_write_items()
            .transact_items(put(&absorbed, from.version, true)?)
            .transact_items(put(&merged, into.version, false)?)
            .transact_items(self.point_to(sub, &into.cart_id, Some(Some(&into.cart_id)))?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(merged),
            Err(e) if is_cancelled(&e) => Err(SaveCartError::Conflict),
            Err(e) => Err(unexpected("merging carts", e).into()),
        }
    }

    /// Reads a cart, expired or not (the caller decides).
    pub async fn get_cart(&self, cart_id: &str) -> anyhow::Result<Option<Cart>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.carts)
            .key("cartId", s(cart_id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a cart", e))?;
        out.item.map(from_item).transpose()
    }

    /// Saves a changed open cart if nobody else changed it since `cart.version`;
    /// the stored version becomes `cart.version + 1`.
    pub async fn save_cart(&self, cart: &Cart) -> Result<Cart, SaveCartError> {
        let mut next = cart.clone();
        next.version = cart.version + 1;
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.carts)
            .set_item(Some(to_item(&next)?))
            .condition_expression("version = :version AND #status = :open")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":version", n(cart.version))
            .expression_attribute_values(":open", s("OPEN"))
            .send()
            .await;
        match result {
            Ok(_) => Ok(next),
            Err(e) if condition_failed(&e) => Err(SaveCartError::Conflict),
            Err(e) => Err(unexpected("saving a cart", e).into()),
        }
    }
}

//! Carts table: one item per cart, written with optimistic concurrency on
//! `version` so two tabs editing one cart never lose a change.

use super::{condition_failed, from_item, n, s, to_item, unexpected, Store};
use crate::domain::cart::Cart;

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

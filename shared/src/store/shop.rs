//! Shop — `pk` (S) + `sk` (S): the shop's configuration, small enough to
//! read whole. `SETTINGS`/`SHOP` holds [`ShopSettings`].

use super::{condition_failed, from_item, n, s, to_item, unexpected, Store};
use crate::domain::settings::{FulfilmentMode, ShopSettings};

pub(crate) const SETTINGS_PK: &str = "SETTINGS";
const SETTINGS_SK: &str = "SHOP";

/// A versioned write that lost to another one.
#[derive(Debug, thiserror::Error)]
pub enum ShopWriteError {
    #[error("changed by someone else meanwhile")]
    Conflict,
    #[error("not found")]
    NotFound,
    #[error("already exists")]
    AlreadyExists,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Store {
    /// The shop settings; the defaults (with `default_mode`) until an
    /// administrator saves them.
    pub async fn get_settings(&self, default_mode: FulfilmentMode) -> anyhow::Result<ShopSettings> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.shop)
            .key("pk", s(SETTINGS_PK))
            .key("sk", s(SETTINGS_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading the shop settings", e))?;
        Ok(match out.item {
            Some(item) => from_item(item)?,
            None => ShopSettings::defaults(default_mode),
        })
    }

    /// Saves settings read at `expected_version` (0: never saved), as
    /// version `expected_version + 1`.
    pub async fn save_settings(
        &self,
        settings: &ShopSettings,
        expected_version: u64,
    ) -> Result<ShopSettings, ShopWriteError> {
        let mut saved = settings.clone();
        saved.version = expected_version + 1;
        let mut item = to_item(&saved)?;
        item.insert("pk".into(), s(SETTINGS_PK));
        item.insert("sk".into(), s(SETTINGS_SK));
        let request = self
            .client
            .put_item()
            .table_name(&self.tables.shop)
            .set_item(Some(item));
        let request = if expected_version == 0 {
            request.condition_expression("attribute_not_exists(pk)")
        } else {
            request
                .condition_expression("version = :v")
                .expression_attribute_values(":v", n(expected_version))
        };
        match request.send().await {
            Ok(_) => Ok(saved),
            Err(e) if condition_failed(&e) => Err(ShopWriteError::Conflict),
            Err(e) => Err(unexpected("saving the shop settings", e).into()),
        }
    }
}

const SHIPPING_OPTION_PK: &str = "SHIPPING_OPTION";
const TAX_RATE_PK: &str = "TAX_RATE";

fn keyed<T: serde::Serialize>(pk: &str, sk: &str, value: &T) -> anyhow::Result<super::Item> {
    let mut item = to_item(value)?;
    item.insert("pk".into(), s(pk));
    item.insert("sk".into(), s(sk));
    Ok(item)
}

impl Store {
    /// Every item under one partition of the shop table, in key order.
    async fn query_shop<T: serde::de::DeserializeOwned>(&self, pk: &str) -> anyhow::Result<Vec<T>> {
        let query = self
            .client
            .query()
            .table_name(&self.tables.shop)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(pk))
            .consistent_read(true);
        super::every_page(query, "reading the shop configuration")
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Every shipping option, active or not, by id.
    pub async fn list_shipping_options(
        &self,
    ) -> anyhow::Result<Vec<crate::domain::shipping::ShippingOption>> {
        self.query_shop(SHIPPING_OPTION_PK).await
    }

    pub async fn get_shipping_option(
        &self,
        option_id: &str,
    ) -> anyhow::Result<Option<crate::domain::shipping::ShippingOption>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.shop)
            .key("pk", s(SHIPPING_OPTION_PK))
            .key("sk", s(option_id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a shipping option", e))?;
        out.item.map(from_item).transpose()
    }

    /// Writes a shipping option: a new one (`create`), or over an existing one.
    pub async fn put_shipping_option(
        &self,
        option: &crate::domain::shipping::ShippingOption,
        create: bool,
    ) -> Result<(), ShopWriteError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.shop)
            .set_item(Some(keyed(SHIPPING_OPTION_PK, &option.option_id, option)?))
            .condition_expression(if create {
                "attribute_not_exists(pk)"
            } else {
                "attribute_exists(pk)"
            })
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) && create => Err(ShopWriteError::AlreadyExists),
            Err(e) if condition_failed(&e) => Err(ShopWriteError::NotFound),
            Err(e) => Err(unexpected("saving a shipping option", e).into()),
        }
    }

    /// Every tax rate, by id (`US`, `US-IL`, …).
    pub async fn list_tax_rates(&self) -> anyhow::Result<Vec<crate::domain::tax::TaxRate>> {
        self.query_shop(TAX_RATE_PK).await
    }

    /// Creates or replaces a rate; whether it existed before.
    pub async fn put_tax_rate(&self, rate: &crate::domain::tax::TaxRate) -> anyhow::Result<bool> {
        let out = self
            .client
            .put_item()
            .table_name(&self.tables.shop)
            .set_item(Some(keyed(TAX_RATE_PK, &rate.rate_id, rate)?))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| unexpected("saving a tax rate", e))?;
        Ok(out.attributes.is_some_and(|a| !a.is_empty()))
    }

    /// Deletes a rate; whether there was one.
    pub async fn delete_tax_rate(&self, rate_id: &str) -> anyhow::Result<bool> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.tables.shop)
            .key("pk", s(TAX_RATE_PK))
            .key("sk", s(rate_id))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| unexpected("deleting a tax rate", e))?;
        Ok(out.attributes.is_some_and(|a| !a.is_empty()))
    }
}

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

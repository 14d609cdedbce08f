//! The shop settings for administrators: read them, and change them with
//! the version read (optimistic concurrency), so two administrators never
//! overwrite each other's change unseen.

use http::StatusCode;
use lambda_http::Request;
use serde::{Deserialize, Serialize};

use super::{json, json_body, require_admin, ApiError, HttpResponse};
use crate::domain::json_input::whole_number;
use crate::domain::settings::{FulfilmentMode, ShopSettings};
use crate::domain::{now_rfc3339, ValidationError};
use crate::store::shop::ShopWriteError;
use crate::App;

/// The largest version a client can send exactly (a JSON number is a
/// double to many clients); `openapi.yaml` says the same.
const MAX_VERSION: i64 = 9_007_199_254_740_991;

/// The settings as shown: every field present, `updatedAt` null until an
/// administrator first saves them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingsView {
    prices_include_tax: bool,
    fulfilment_mode: FulfilmentMode,
    version: u64,
    updated_at: Option<String>,
}

impl From<ShopSettings> for SettingsView {
    fn from(s: ShopSettings) -> Self {
        Self {
            prices_include_tax: s.prices_include_tax,
            fulfilment_mode: s.fulfilment_mode,
            version: s.version,
            updated_at: s.updated_at,
        }
    }
}

/// `GET /admin/settings`: the shop settings (the deployment's defaults,
/// version 0, until an administrator saves them).
pub async fn get(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let settings = app.settings().await?;
    Ok(json(StatusCode::OK, &SettingsView::from(settings)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsInput {
    prices_include_tax: bool,
    fulfilment_mode: FulfilmentMode,
    /// The version the administrator read.
    #[serde(deserialize_with = "whole_number")]
    version: i64,
}

/// `PUT /admin/settings`: replaces the settings read at `version`; a
/// change saved by someone else since is 409 `settings_changed`. The new
/// fulfilment mode applies to orders paid from now on: orders already in
/// the fulfilment queue stay there until staff ship or cancel them.
pub async fn update(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let input: SettingsInput = json_body(&request)?;
    if !(0..=MAX_VERSION).contains(&input.version) {
        return Err(ValidationError::new(
            "version",
            format!("must be an integer from 0 to {MAX_VERSION}"),
        )
        .into());
    }
    let read = input.version.unsigned_abs();
    let settings = ShopSettings {
        prices_include_tax: input.prices_include_tax,
        fulfilment_mode: input.fulfilment_mode,
        version: read,
        updated_at: Some(now_rfc3339()),
    };
    match app.store().save_settings(&settings, read).await {
        Ok(saved) => {
            tracing::info!(
                version = saved.version,
                fulfilment_mode = saved.fulfilment_mode.as_str(),
                prices_include_tax = saved.prices_include_tax,
                "shop settings saved"
            );
            Ok(json(StatusCode::OK, &SettingsView::from(saved)))
        }
        Err(ShopWriteError::Conflict) => Err(ApiError::conflict(
            "settings_changed",
            "the settings were changed since this version was read; read them again",
        )),
        Err(ShopWriteError::Unexpected(e)) => Err(e.into()),
        Err(e @ (ShopWriteError::NotFound | ShopWriteError::AlreadyExists)) => Err(
            ApiError::Unexpected(anyhow::anyhow!("saving the settings: {e}")),
        ),
    }
}

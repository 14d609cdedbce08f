//! Shop-wide settings an administrator changes at run time: whether catalog
//! prices include tax, and how paid orders are fulfilled.

use serde::{Deserialize, Serialize};

/// How a paid order reaches the carrier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FulfilmentMode {
    /// The carrier adapter books the shipment as soon as the order is paid
    /// (a third-party warehouse picks and packs).
    Automatic,
    /// The order waits in AWAITING_FULFILMENT until staff ship it from the
    /// fulfilment queue.
    #[default]
    Manual,
}

impl FulfilmentMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Automatic => "AUTOMATIC",
            Self::Manual => "MANUAL",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_uppercase().as_str() {
            "AUTOMATIC" => Some(Self::Automatic),
            "MANUAL" => Some(Self::Manual),
            _ => None,
        }
    }
}

/// The shop's settings as stored (one item) and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopSettings {
    /// Whether catalog prices and shipping prices already include tax
    /// (tax is then the part of the price the rate accounts for).
    pub prices_include_tax: bool,
    pub fulfilment_mode: FulfilmentMode,
    /// Bumped on every change (optimistic concurrency).
    #[serde(default)]
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

impl ShopSettings {
    /// The settings before an administrator has saved any: tax-exclusive
    /// prices and the deployment's default fulfilment mode.
    pub fn defaults(fulfilment_mode: FulfilmentMode) -> Self {
        Self {
            prices_include_tax: false,
            fulfilment_mode,
            version: 0,
            updated_at: None,
        }
    }
}

//! The tax port: what tax a priced cart or order owes at a destination.
//!
//! The default adapter, [`TaxService::RateTable`], applies the rates an
//! administrator keeps in the shop table (`/admin/tax-rates`): the most
//! specific rate of the destination, per line and on shipping, with the
//! domain's rounding ([`tax_at_rate`]). An adapter for an external tax
//! service would be another variant, sending the same request (lines
//! after discount, shipping, destination, whether prices include tax) and
//! returning the same amounts.

use crate::domain::checkout::Address;
use crate::domain::pricing::{tax_at_rate, TaxAmounts, TaxableLine};
use crate::domain::tax::rate_for;
use crate::App;

/// What tax is asked for.
pub struct TaxRequest<'a> {
    pub destination: &'a Address,
    pub prices_include_tax: bool,
    pub lines: &'a [TaxableLine],
    pub shipping: i64,
}

/// The tax adapters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TaxService {
    /// Rates per destination kept by administrators.
    #[default]
    RateTable,
}

impl TaxService {
    /// The tax of each line and of shipping.
    pub async fn calculate(
        &self,
        app: &App,
        request: &TaxRequest<'_>,
    ) -> anyhow::Result<TaxAmounts> {
        match self {
            TaxService::RateTable => {
                let rates = app.store().list_tax_rates().await?;
                Ok(tax_at_rate(
                    request.lines,
                    request.shipping,
                    rate_for(&rates, request.destination),
                    request.prices_include_tax,
                ))
            }
        }
    }
}

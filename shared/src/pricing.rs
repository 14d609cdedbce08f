//! The one loader of what prices depend on (products, the promotion and
//! its use by the customer, the shop settings, shipping options and tax),
//! feeding the domain's pricing functions. Cart endpoints, checkout and
//! address changes all price through here.

use std::collections::HashMap;

use crate::domain::cart::Cart;
use crate::domain::checkout::Address;
use crate::domain::money::Currency;
use crate::domain::now_rfc3339;
use crate::domain::order::Order;
use crate::domain::pricing::{
    cart_view, price_goods, CartExtras, Goods, PricedCart, PromotionContext, TaxAmounts,
    TaxableLine, TotalOverflow,
};
use crate::domain::product::{Product, Sku};
use crate::domain::promotion::Promotion;
use crate::domain::settings::ShopSettings;
use crate::domain::shipping::{quotes, ShippingOption, ShippingQuote};
use crate::tax::TaxRequest;
use crate::App;

/// Why a cart could not be priced.
#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error(transparent)]
    Overflow(#[from] TotalOverflow),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Where a cart stands with shipping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShippingState {
    /// The shop has no active shipping option: nothing is charged for it.
    NotCharged,
    /// The chosen option serves the address; at its current price.
    Chosen(ShippingQuote),
    /// An option was chosen but no longer serves the cart (deactivated,
    /// another address, a weight no band covers).
    ChoiceUnavailable(String),
    /// No option chosen; `served` says whether any serves the address.
    NotChosen { served: bool },
}

/// A cart priced now, with what was loaded to price it.
pub struct CartPricing {
    pub view: PricedCart,
    pub goods: Goods,
    pub tax: TaxAmounts,
    pub shipping: ShippingState,
    /// The promotion as read (whether or not it applies).
    pub promotion: Option<Promotion>,
    pub settings: ShopSettings,
    pub products: HashMap<Sku, Product>,
}

fn currency(app: &App) -> anyhow::Result<Currency> {
    Currency::parse(&app.config.currency).map_err(|e| anyhow::anyhow!("SHOP_CURRENCY: {e}"))
}

/// Prices `cart` for `customer` (or its owner) from what is stored now.
pub async fn price_cart(
    app: &App,
    cart: &Cart,
    customer: Option<&str>,
) -> Result<CartPricing, PricingError> {
    let store = app.store();
    let skus: Vec<Sku> = cart.lines.iter().map(|l| l.sku.clone()).collect();
    let customer = customer.or(cart.owner_sub.as_deref());
    let promotion_use = async {
        let promotion = match &cart.promotion_code {
            Some(code) => store.get_promotion(code).await?,
            None => None,
        };
        let used = match (&promotion, customer) {
            (Some(p), Some(sub)) if p.once_per_customer => {
                store.promotion_used_by(&p.code, sub).await?
            }
            _ => false,
        };
        anyhow::Ok((promotion, used))
    };
    let (products, (promotion, used_by_customer), settings, options) = tokio::try_join!(
        store.get_products(&skus),
        promotion_use,
        app.settings(),
        store.list_shipping_options(),
    )?;
    let currency = currency(app)?;
    let now = now_rfc3339();
    let context = cart.promotion_code.as_deref().map(|code| PromotionContext {
        code,
        promotion: promotion.as_ref(),
        used_by_customer,
        now: &now,
    });
    let goods = price_goods(&cart.lines, &products, &currency, context)?;
    let active: Vec<ShippingOption> = options.into_iter().filter(|o| o.active).collect();
    let (available, shipping) = match &cart.shipping_address {
        _ if active.is_empty() => (Vec::new(), ShippingState::NotCharged),
        None => (Vec::new(), ShippingState::NotChosen { served: false }),
        Some(address) => {
            let available = quotes(
                &active,
                address,
                goods.weight_grams,
                &goods.after_discount(),
            );
            let state = match &cart.shipping_option {
                None => ShippingState::NotChosen {
                    served: !available.is_empty(),
                },
                Some(chosen) => match available.iter().find(|q| q.option_id == chosen.option_id) {
                    Some(q) => ShippingState::Chosen(q.clone()),
                    None => ShippingState::ChoiceUnavailable(chosen.option_id.clone()),
                },
            };
            (available, state)
        }
    };
    let chosen = match &shipping {
        ShippingState::Chosen(q) => Some(q.clone()),
        _ => None,
    };
    let shipping_amount = chosen.as_ref().map_or(0, |q| q.price.amount);
    let tax = match &cart.shipping_address {
        Some(destination) => {
            let lines = goods.taxable();
            app.tax
                .calculate(
                    app,
                    &TaxRequest {
                        destination,
                        prices_include_tax: settings.prices_include_tax,
                        lines: &lines,
                        shipping: shipping_amount,
                    },
                )
                .await?
        }
        None => TaxAmounts {
            lines: vec![0; goods.lines.len()],
            shipping: 0,
        },
    };
    let view = cart_view(
        cart,
        goods.clone(),
        CartExtras {
            shipping_options: available,
            shipping_option: chosen,
            tax: &tax,
            prices_include_tax: settings.prices_include_tax,
        },
    )?;
    Ok(CartPricing {
        view,
        goods,
        tax,
        shipping,
        promotion,
        settings,
        products,
    })
}

/// What changing a placed order's destination would change.
pub struct DestinationCheck {
    /// The order's shipping option, as it is now, serves the new address
    /// (always true for an order placed without one: it was charged no
    /// shipping).
    pub served: bool,
    /// The tax the order would owe there.
    pub tax: i64,
}

/// Checks a new destination for an order: whether its shipping option
/// serves it, and the tax its frozen amounts would owe there.
pub async fn check_destination(
    app: &App,
    order: &Order,
    destination: &Address,
) -> anyhow::Result<DestinationCheck> {
    let served = match &order.shipping_option {
        Some(chosen) => app
            .store()
            .get_shipping_option(&chosen.option_id)
            .await?
            .is_some_and(|o| o.active && o.serves(destination)),
        // Placed when the shop charged no shipping: nothing to keep.
        None => true,
    };
    let lines: Vec<TaxableLine> = order
        .lines
        .iter()
        .map(|l| TaxableLine {
            sku: l.sku.clone(),
            amount: l.paid(),
        })
        .collect();
    let tax = app
        .tax
        .calculate(
            app,
            &TaxRequest {
                destination,
                prices_include_tax: order.tax_included,
                lines: &lines,
                shipping: order.shipping_amount(),
            },
        )
        .await?;
    Ok(DestinationCheck {
        served,
        tax: tax.total(),
    })
}

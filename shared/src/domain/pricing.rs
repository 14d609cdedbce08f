//! Prices, in one place: a cart's or an order's subtotal, each line's
//! share of the discount, shipping, tax and total, and the share of what
//! was paid that any number of units carries (what a return refunds).
//!
//! The cart, checkout, address changes, refunds and reports all call these
//! functions, so their figures agree to the cent. The rules (see
//! `docs/pricing.md`):
//!
//! - `subtotal` is the sum of unit price × quantity over purchasable lines;
//!   the promotion's discount is shared over the lines it applies to in
//!   proportion to their totals (largest remainder, see
//!   [`Promotion::apply`]).
//! - Shipping is the chosen option's price for the parcel's weight; an
//!   option may be free when the goods after discount reach its threshold.
//! - Tax is computed per line on `lineTotal - discount`, and on shipping
//!   when the rate taxes shipping, each rounded once, half away from zero.
//!   With tax-exclusive prices it is added to the total; with
//!   tax-inclusive prices it is the part of the total that is tax.
//! - `total = subtotal - discount + shipping (+ tax when prices exclude it)`.
//! - `k` of a line's `n` units carry `floor(charged × k / n)` of what the
//!   line charged (and the same of its tax), so refunding units one at a
//!   time adds up to refunding them at once, and all `n` units carry the
//!   whole line.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::cart::{Cart, CartLine, CartStatus};
use super::checkout::Address;
use super::money::{Currency, Money};
use super::order::OrderLine;
use super::product::{Product, Sku};
use super::promotion::{LineAmount, NotApplicable, Promotion};
use super::shipping::ShippingQuote;
use super::tax::{tax_on, TaxRate};

/// One priced cart line, as the storefront shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedLine {
    pub sku: Sku,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
    /// This line's share of the promotion's discount.
    pub discount: Money,
    /// The tax on `line_total - discount` (zero until a shipping address
    /// says where it is taxed).
    pub tax: Money,
    /// Units that can be reserved right now.
    pub available: i64,
    /// False when the product was archived after it was added.
    pub purchasable: bool,
    #[serde(skip)]
    pub weight_grams: i64,
}

/// A cart with prices and totals computed from the current catalog,
/// shipping options and tax rates.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedCart {
    pub cart_id: String,
    pub status: CartStatus,
    pub lines: Vec<PricedLine>,
    pub item_count: u32,
    pub subtotal: Money,
    /// Taken off by the promotion (zero without one, or when it does not apply).
    pub discount: Money,
    /// The chosen option's price (zero before one is chosen).
    pub shipping: Money,
    /// Tax on the goods and shipping; part of `total` when `tax_included`.
    pub tax: Money,
    /// Whether prices include tax (then `tax` is already in `total`).
    pub tax_included: bool,
    pub total: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotion: Option<CartPromotion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    /// The options that serve the shipping address, cheapest first (empty
    /// until an address is set).
    pub shipping_options: Vec<ShippingQuote>,
    /// The chosen option at its current price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_option: Option<ShippingQuote>,
    pub expires_at: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

/// The cart's promotion as the storefront shows it: whether it applies
/// now, and if not, why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CartPromotion {
    pub code: String,
    pub description: String,
    pub applies: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The promotion a cart carries, as found when pricing it.
pub struct PromotionContext<'a> {
    pub code: &'a str,
    /// `None` when no promotion has this code (any more).
    pub promotion: Option<&'a Promotion>,
    pub used_by_customer: bool,
    pub now: &'a str,
}

/// A total overflowed `i64` minor units.
#[derive(Debug, thiserror::Error)]
#[error("the cart total is too large")]
pub struct TotalOverflow;

/// The goods of a cart: lines priced and discounted, before shipping and tax.
#[derive(Clone, Debug, PartialEq)]
pub struct Goods {
    pub lines: Vec<PricedLine>,
    pub item_count: u32,
    pub subtotal: Money,
    pub discount: Money,
    pub promotion: Option<CartPromotion>,
    /// The parcel's weight: purchasable units times their products' weight.
    pub weight_grams: i64,
}

impl Goods {
    /// What the goods cost after the discount (free-shipping thresholds
    /// compare with this).
    pub fn after_discount(&self) -> Money {
        Money {
            amount: self.subtotal.amount - self.discount.amount,
            currency: self.subtotal.currency.clone(),
        }
    }

    /// The amount of each line tax is computed on: its total less its
    /// discount, zero for a line that is not purchasable.
    pub fn taxable(&self) -> Vec<TaxableLine> {
        self.lines
            .iter()
            .map(|l| TaxableLine {
                sku: l.sku.clone(),
                amount: if l.purchasable {
                    l.line_total.amount - l.discount.amount
                } else {
                    0
                },
            })
            .collect()
    }
}

/// Prices a cart's lines from the catalog and applies its promotion. Lines
/// whose product is gone or archived are shown as not purchasable and left
/// out of the totals.
pub fn price_goods(
    lines: &[CartLine],
    products: &HashMap<Sku, Product>,
    currency: &Currency,
    promotion: Option<PromotionContext<'_>>,
) -> Result<Goods, TotalOverflow> {
    let zero = || Money::zero(currency.clone());
    let mut subtotal = zero();
    let mut priced = Vec::with_capacity(lines.len());
    let mut item_count = 0u32;
    let mut weight_grams = 0i64;
    for line in lines {
        let product = products.get(&line.sku);
        let purchasable = product.is_some_and(|p| p.active);
        let unit_price = product.map(|p| p.price.clone()).unwrap_or_else(zero);
        let line_total = unit_price.times(line.quantity).ok_or(TotalOverflow)?;
        let unit_weight = product.map_or(0, |p| p.weight_grams);
        if purchasable {
            subtotal = subtotal.plus(&line_total).ok_or(TotalOverflow)?;
            item_count += line.quantity;
            weight_grams += unit_weight * i64::from(line.quantity);
        }
        priced.push(PricedLine {
            sku: line.sku.clone(),
            name: product.map(|p| p.name.clone()).unwrap_or_default(),
            quantity: line.quantity,
            unit_price,
            line_total,
            discount: zero(),
            tax: zero(),
            available: product.map(|p| p.available).unwrap_or(0),
            purchasable,
            weight_grams: unit_weight,
        });
    }
    let mut discount = zero();
    let promotion = promotion.map(|ctx| {
        let outcome = match ctx.promotion {
            None => Err(NotApplicable::Inactive),
            Some(p) => {
                let amounts: Vec<LineAmount<'_>> = priced
                    .iter()
                    .map(|l| LineAmount {
                        sku: &l.sku,
                        line_total: if l.purchasable {
                            l.line_total.amount
                        } else {
                            0
                        },
                    })
                    .collect();
                p.apply(&amounts, &subtotal, ctx.now, ctx.used_by_customer)
            }
        };
        let description = ctx
            .promotion
            .map(|p| p.description.clone())
            .unwrap_or_default();
        match outcome {
            Ok(shares) => {
                for (line, share) in priced.iter_mut().zip(shares) {
                    line.discount.amount = share;
                    discount.amount += share;
                }
                CartPromotion {
                    code: ctx.code.to_string(),
                    description,
                    applies: true,
                    reason_code: None,
                    reason: None,
                }
            }
            Err(why) => CartPromotion {
                code: ctx.code.to_string(),
                description,
                applies: false,
                reason_code: Some(why.code()),
                reason: Some(why.to_string()),
            },
        }
    });
    Ok(Goods {
        lines: priced,
        item_count,
        subtotal,
        discount,
        promotion,
        weight_grams,
    })
}

/// An amount tax is computed on, for one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxableLine {
    pub sku: Sku,
    pub amount: i64,
}

/// What a tax calculation returns: the tax of each line (in the order
/// given) and of shipping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaxAmounts {
    pub lines: Vec<i64>,
    pub shipping: i64,
}

impl TaxAmounts {
    pub fn total(&self) -> i64 {
        self.lines.iter().sum::<i64>() + self.shipping
    }
}

/// Tax at one rate (or none): each line and shipping taxed and rounded on
/// its own. The default tax adapter's arithmetic.
pub fn tax_at_rate(
    lines: &[TaxableLine],
    shipping: i64,
    rate: Option<&TaxRate>,
    prices_include_tax: bool,
) -> TaxAmounts {
    let Some(rate) = rate else {
        return TaxAmounts {
            lines: vec![0; lines.len()],
            shipping: 0,
        };
    };
    TaxAmounts {
        lines: lines
            .iter()
            .map(|l| tax_on(l.amount, rate.rate_ppm, prices_include_tax))
            .collect(),
        shipping: if rate.shipping_taxed {
            tax_on(shipping, rate.rate_ppm, prices_include_tax)
        } else {
            0
        },
    }
}

/// An order's or cart's totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub tax: Money,
    pub tax_included: bool,
    pub total: Money,
}

/// The totals of goods, a shipping price and their tax.
pub fn totals(
    goods: &Goods,
    shipping: i64,
    tax: &TaxAmounts,
    prices_include_tax: bool,
) -> Result<Totals, TotalOverflow> {
    let currency = &goods.subtotal.currency;
    let money = |amount| Money {
        amount,
        currency: currency.clone(),
    };
    let tax_total = tax.total();
    let mut total = goods
        .after_discount()
        .amount
        .checked_add(shipping)
        .ok_or(TotalOverflow)?;
    if !prices_include_tax {
        total = total.checked_add(tax_total).ok_or(TotalOverflow)?;
    }
    Ok(Totals {
        subtotal: goods.subtotal.clone(),
        discount: goods.discount.clone(),
        shipping: money(shipping),
        tax: money(tax_total),
        tax_included: prices_include_tax,
        total: money(total),
    })
}

/// Everything a cart view shows besides its goods.
pub struct CartExtras<'a> {
    pub shipping_options: Vec<ShippingQuote>,
    pub shipping_option: Option<ShippingQuote>,
    pub tax: &'a TaxAmounts,
    pub prices_include_tax: bool,
}

/// The cart as the storefront shows it.
pub fn cart_view(
    cart: &Cart,
    goods: Goods,
    extras: CartExtras<'_>,
) -> Result<PricedCart, TotalOverflow> {
    let shipping = extras
        .shipping_option
        .as_ref()
        .map_or(0, |q| q.price.amount);
    let totals = totals(&goods, shipping, extras.tax, extras.prices_include_tax)?;
    let mut lines = goods.lines;
    for (line, tax) in lines.iter_mut().zip(&extras.tax.lines) {
        line.tax.amount = *tax;
    }
    let expires_at = chrono::DateTime::from_timestamp(cart.expires_at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    Ok(PricedCart {
        cart_id: cart.cart_id.clone(),
        status: cart.status,
        lines,
        item_count: goods.item_count,
        subtotal: totals.subtotal,
        discount: totals.discount,
        shipping: totals.shipping,
        tax: totals.tax,
        tax_included: totals.tax_included,
        total: totals.total,
        promotion: goods.promotion,
        shipping_address: cart.shipping_address.clone(),
        shipping_options: extras.shipping_options,
        shipping_option: extras.shipping_option,
        expires_at,
        created_at: cart.created_at.clone(),
        updated_at: cart.updated_at.clone(),
        order_id: cart.order_id.clone(),
        merged_into: cart.merged_into.clone(),
    })
}

/// `k` of `n` units' share of `amount`: `floor(amount × k / n)`, so shares
/// of successive units add up exactly and all `n` carry the whole amount.
pub fn share_of_units(amount: i64, quantity: u32, units: u32) -> i64 {
    if quantity == 0 {
        return 0;
    }
    let units = units.min(quantity);
    ((i128::from(amount) * i128::from(units)) / i128::from(quantity)) as i64
}

/// What one order line charged the customer: its total less its discount,
/// plus its tax when prices exclude tax.
pub fn line_charged(line: &OrderLine, tax_included: bool) -> i64 {
    let tax = if tax_included { 0 } else { line.tax_amount() };
    line.line_total.amount - line.discount.as_ref().map_or(0, |d| d.amount) + tax
}

/// What refunding some units of a line gives back, and the tax in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnitsShare {
    pub amount: i64,
    pub tax: i64,
}

/// The share of a line that `units` more units carry after `before` units
/// were already refunded.
pub fn units_share(line: &OrderLine, tax_included: bool, before: u32, units: u32) -> UnitsShare {
    let charged = line_charged(line, tax_included);
    let tax = line.tax_amount();
    let q = line.quantity;
    UnitsShare {
        amount: share_of_units(charged, q, before + units) - share_of_units(charged, q, before),
        tax: share_of_units(tax, q, before + units) - share_of_units(tax, q, before),
    }
}

/// The tax in an amount refunded without units (an administrator's
/// refund): the order's tax in proportion, `round(amount × tax / total)`.
pub fn tax_in_refund(amount: i64, order_tax: i64, order_total: i64) -> i64 {
    if order_total <= 0 || order_tax <= 0 {
        return 0;
    }
    super::tax::div_round(
        i128::from(amount) * i128::from(order_tax),
        i128::from(order_total),
    )
    .min(order_tax)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: i64) -> Money {
        Money {
            amount,
            currency: Currency::parse("USD").unwrap(),
        }
    }

    fn line(quantity: u32, unit: i64, discount: i64, tax: i64) -> OrderLine {
        OrderLine {
            sku: Sku::parse("A").unwrap(),
            name: "A".into(),
            quantity,
            unit_price: usd(unit),
            line_total: usd(unit * i64::from(quantity)),
            discount: (discount > 0).then(|| usd(discount)),
            tax: Some(usd(tax)),
        }
    }

    #[test]
    fn unit_shares_add_up_to_the_whole_line_with_its_tax() {
        // 3 × 10.00, 3.00 off, 7.25 % tax on 27.00 = 1.96 (1.9575 rounded).
        let l = line(3, 1000, 300, 196);
        assert_eq!(line_charged(&l, false), 2896);
        let one = units_share(&l, false, 0, 1);
        let two = units_share(&l, false, 1, 1);
        let three = units_share(&l, false, 2, 1);
        assert_eq!(
            one,
            UnitsShare {
                amount: 965,
                tax: 65
            }
        );
        assert_eq!(one.amount + two.amount + three.amount, 2896);
        assert_eq!(one.tax + two.tax + three.tax, 196);
        assert_eq!(units_share(&l, false, 0, 3).amount, 2896);
        // Tax-inclusive: the line charged its discounted total, tax inside.
        assert_eq!(line_charged(&l, true), 2700);
    }

    #[test]
    fn totals_add_tax_only_when_prices_exclude_it() {
        let goods = Goods {
            lines: vec![],
            item_count: 0,
            subtotal: usd(10_000),
            discount: usd(1_000),
            promotion: None,
            weight_grams: 0,
        };
        let tax = TaxAmounts {
            lines: vec![653],
            shipping: 36,
        };
        let t = totals(&goods, 500, &tax, false).unwrap();
        assert_eq!((t.tax.amount, t.total.amount), (689, 10_189));
        let t = totals(&goods, 500, &tax, true).unwrap();
        assert_eq!((t.tax.amount, t.total.amount), (689, 9_500));
    }

    #[test]
    fn an_admin_refund_carries_the_tax_in_proportion() {
        assert_eq!(tax_in_refund(1000, 689, 10_189), 68);
        assert_eq!(tax_in_refund(10_189, 689, 10_189), 689);
        assert_eq!(tax_in_refund(1000, 0, 10_189), 0);
    }
}

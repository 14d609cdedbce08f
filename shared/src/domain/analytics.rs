//! Sales analytics: what each change of an order adds to the shop's
//! figures, and the reports built from the per-day aggregates.
//!
//! The figures are kept per UTC day from the Orders table's stream:
//!
//! - a **sale** counts once, when the order's payment is captured, on the
//!   day the order was placed: one order, its units, its subtotal (gross
//!   sales), its discount, what was captured (revenue) and, of that, the
//!   shipping (tax excluded) and the tax;
//! - a **refund** counts on the day it was recorded, whatever its path
//!   (a return, an admin refund, compensation, the gateway's dashboard):
//!   the growth of the payment's refunded amount and, of that, the
//!   shipping (tax excluded) and the tax (see [`refunded_split`]);
//! - **returned units** count per SKU on the day a return refunded them.
//!
//! Money is split three ways, so that a shop reads goods, shipping and tax
//! apart and the parts always add up, whether prices include tax or not:
//! `revenue = goods + shipping + tax` and `refunds = goods + shipping +
//! tax` (goods after discounts and shipping both without their tax; the
//! goods part is what is left, so the sum is exact to the cent).
//!
//! Each fact carries a key that is unique for its order, so a stream record
//! delivered twice adds nothing the second time.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::money::{Currency, Money};
use super::order::{Order, PaymentStatus};
use super::returns::RefundStatus;
use super::ValidationError;

/// The longest range a report covers, in days.
pub const MAX_RANGE_DAYS: i64 = 366;
/// The range a report covers when `from` is not given, in days.
pub const DEFAULT_RANGE_DAYS: i64 = 30;

/// One line of a sale: a SKU's units and what was paid for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaleLine {
    pub sku: String,
    pub name: String,
    pub units: u32,
    pub revenue: i64,
}

/// A paid order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sale {
    pub day: NaiveDate,
    pub customer: String,
    pub units: u32,
    /// The subtotal, before the discount.
    pub gross: i64,
    pub discount: i64,
    /// What was captured.
    pub revenue: i64,
    /// Of `revenue`, the shipping charged, tax excluded.
    pub shipping: i64,
    /// Of `revenue`, all the tax (the goods' and the shipping's).
    pub tax: i64,
    pub lines: Vec<SaleLine>,
}

/// Money given back by one change of an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    pub day: NaiveDate,
    /// The growth of the payment's refunded amount.
    pub amount: i64,
    /// Of `amount`, the shipping given back, tax excluded.
    pub shipping: i64,
    /// Of `amount`, the tax given back (the goods' and the shipping's).
    pub tax: i64,
}

/// What one change of an order adds to the figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FactKind {
    Sale(Sale),
    Refund(Refund),
    Returned {
        day: NaiveDate,
        lines: Vec<ReturnedLine>,
    },
}

/// Units of one SKU refunded by a return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnedLine {
    pub sku: String,
    pub name: String,
    pub units: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub order_id: String,
    /// Unique per order and fact: `sale`, `refund#<refunded so far>`,
    /// `returned#<units returned so far>`.
    pub key: String,
    pub kind: FactKind,
}

fn captured(order: &Order) -> bool {
    order
        .payment_record
        .as_ref()
        .is_some_and(|p| matches!(p.status, PaymentStatus::Captured | PaymentStatus::Refunded))
}

fn refunded(order: &Order) -> i64 {
    order
        .payment_record
        .as_ref()
        .filter(|p| matches!(p.status, PaymentStatus::Captured | PaymentStatus::Refunded))
        .and_then(|p| p.refunded.as_ref())
        .map_or(0, |m| m.amount)
}

/// The shipping an order charged, tax excluded: with tax-inclusive prices
/// the shipping price holds its tax, which is taken out.
pub fn shipping_without_tax(order: &Order) -> i64 {
    let inside = if order.tax_included {
        order.shipping_tax_amount()
    } else {
        0
    };
    order.shipping_amount() - inside
}

/// What the customer paid for shipping, its tax included (what a refund
/// entry's `shipping` gives back when it gives all of it back).
fn shipping_with_tax(order: &Order) -> i64 {
    let added = if order.tax_included {
        0
    } else {
        order.shipping_tax_amount()
    };
    order.shipping_amount() + added
}

/// The tax and the shipping (tax excluded) refunded so far, in that order.
///
/// - A payment refunded in full gave everything back: the order's whole
///   tax and shipping. This is how a cancelled or failed order is refunded
///   (`workers::payment::refund_order` records no refund entry), and it
///   also holds when returns and admin refunds add up to the capture.
/// - Otherwise, what the succeeded refund entries say they gave back
///   (returns and admin refunds record their tax and shipping). An entry's
///   `shipping` includes the shipping's tax, which is already in its
///   `tax`: that share is taken out of the shipping.
/// - A partial refund made in the gateway's dashboard says nothing about
///   what it gave back, so it counts as goods.
pub fn refunded_split(order: &Order) -> (i64, i64) {
    let whole_tax = order.tax_amount();
    let whole_shipping = shipping_without_tax(order);
    let refunded = refunded(order);
    let paid = order.payment_record.as_ref().map_or(0, |p| p.amount.amount);
    if refunded > 0 && refunded >= paid {
        return (whole_tax, whole_shipping);
    }
    let shipping_tax = i128::from(order.shipping_tax_amount());
    let shipping_paid = i128::from(shipping_with_tax(order));
    let (mut tax, mut shipping) = (0, 0);
    for entry in order
        .after_sales
        .refunds
        .iter()
        .filter(|r| r.status == RefundStatus::Succeeded)
    {
        tax += entry.tax_amount();
        let given = entry.shipping_amount();
        let its_tax = if shipping_paid > 0 {
            super::tax::div_round(i128::from(given) * shipping_tax, shipping_paid)
        } else {
            0
        };
        shipping += given - its_tax;
    }
    (
        tax.clamp(0, whole_tax.max(0)),
        shipping.clamp(0, whole_shipping.max(0)),
    )
}

/// The UTC day of an RFC 3339 timestamp.
pub fn day_of(timestamp: &str) -> Result<NaiveDate, ValidationError> {
    chrono::DateTime::parse_from_rfc3339(timestamp)
        .map(|t| t.with_timezone(&Utc).date_naive())
        .map_err(|_| ValidationError::new("timestamp", format!("{timestamp} is not RFC 3339")))
}

/// The facts in one change of an order, `old` → `new` (a stream record's
/// images; `old` is `None` for a new order).
pub fn facts(old: Option<&Order>, new: &Order) -> Result<Vec<Fact>, ValidationError> {
    let mut out = Vec::new();
    let order_id = new.order_id.clone();
    let was_captured = old.is_some_and(captured);
    if captured(new) && !was_captured {
        let payment = new.payment_record.as_ref().map_or(0, |p| p.amount.amount);
        let lines: Vec<SaleLine> = new
            .lines
            .iter()
            .map(|l| SaleLine {
                sku: l.sku.as_str().to_string(),
                name: l.name.clone(),
                units: l.quantity,
                revenue: l.paid(),
            })
            .collect();
        out.push(Fact {
            order_id: order_id.clone(),
            key: "sale".into(),
            kind: FactKind::Sale(Sale {
                day: day_of(&new.created_at)?,
                customer: new.customer_sub.clone(),
                units: lines.iter().map(|l| l.units).sum(),
                gross: new.subtotal.amount,
                discount: new.promotion.as_ref().map_or(0, |p| p.discount.amount),
                revenue: payment,
                shipping: shipping_without_tax(new),
                tax: new.tax_amount(),
                lines,
            }),
        });
    }
    let (before, after) = (old.map_or(0, refunded), refunded(new));
    if after > before {
        let amount = after - before;
        let (tax_before, shipping_before) = old.map_or((0, 0), refunded_split);
        let (tax_after, shipping_after) = refunded_split(new);
        // Never more tax and shipping than the money given back, so the
        // goods part is never negative.
        let tax = (tax_after - tax_before).clamp(0, amount);
        let shipping = (shipping_after - shipping_before).clamp(0, amount - tax);
        out.push(Fact {
            order_id: order_id.clone(),
            key: format!("refund#{after}"),
            kind: FactKind::Refund(Refund {
                day: day_of(&new.updated_at)?,
                amount,
                shipping,
                tax,
            }),
        });
    }
    let old_units = old.map(|o| &o.after_sales.refunded_units);
    let mut returned = Vec::new();
    for (sku, &units) in &new.after_sales.refunded_units {
        let earlier = old_units.and_then(|m| m.get(sku)).copied().unwrap_or(0);
        if units > earlier {
            returned.push(ReturnedLine {
                sku: sku.clone(),
                name: new
                    .lines
                    .iter()
                    .find(|l| l.sku.as_str() == sku)
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
                units: units - earlier,
            });
        }
    }
    if !returned.is_empty() {
        let so_far: u32 = new.after_sales.refunded_units.values().sum();
        out.push(Fact {
            order_id,
            key: format!("returned#{so_far}"),
            kind: FactKind::Returned {
                day: day_of(&new.updated_at)?,
                lines: returned,
            },
        });
    }
    Ok(out)
}

/// One day's totals, as aggregated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DayTotals {
    pub day: Option<NaiveDate>,
    pub orders: i64,
    pub units: i64,
    pub gross: i64,
    pub discounts: i64,
    pub revenue: i64,
    /// Of `revenue`: shipping (tax excluded) and tax. Absent (zero) on
    /// days counted before they were kept.
    pub shipping: i64,
    pub tax: i64,
    pub refunds: i64,
    /// Of `refunds`: shipping (tax excluded) and tax.
    pub shipping_refunded: i64,
    pub tax_refunded: i64,
}

/// One SKU's figures on one day, as aggregated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProductDay {
    pub day: Option<NaiveDate>,
    pub sku: String,
    pub name: String,
    pub units_sold: i64,
    pub revenue: i64,
    pub units_returned: i64,
}

/// One customer's paid orders on one day, as aggregated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CustomerDay {
    pub day: Option<NaiveDate>,
    pub customer: String,
    pub orders: i64,
    pub revenue: i64,
}

/// How a sales report groups days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    Month,
}

impl Granularity {
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        match value {
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            _ => Err(ValidationError::new(
                "granularity",
                "must be day, week or month",
            )),
        }
    }

    /// The period `day` falls in: its label and first day.
    fn period(self, day: NaiveDate) -> (String, NaiveDate) {
        match self {
            Self::Day => (day.to_string(), day),
            Self::Week => {
                let week = day.iso_week();
                let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                (format!("{}-W{:02}", week.year(), week.week()), monday)
            }
            Self::Month => (
                format!("{:04}-{:02}", day.year(), day.month()),
                day.with_day(1).unwrap_or(day),
            ),
        }
    }
}

/// A report's inclusive range of UTC days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// `from` and `to` as `YYYY-MM-DD`; `to` defaults to `today`, `from` to
    /// 30 days before `to`. At most [`MAX_RANGE_DAYS`] days.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Self, ValidationError> {
        let date = |field: &str, v: &str| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| ValidationError::new(field, "must be a date, YYYY-MM-DD"))
        };
        let to = match to {
            Some(v) => date("to", v)?,
            None => today,
        };
        let from = match from {
            Some(v) => date("from", v)?,
            None => to - Duration::days(DEFAULT_RANGE_DAYS - 1),
        };
        if from > to {
            return Err(ValidationError::range("from", "must not be after to"));
        }
        if (to - from).num_days() + 1 > MAX_RANGE_DAYS {
            return Err(ValidationError::range(
                "to",
                format!("a range covers at most {MAX_RANGE_DAYS} days"),
            ));
        }
        Ok(Self { from, to })
    }

    /// The months the range touches, `YYYY-MM` (the aggregates' partitions).
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut day = self.from.with_day(1).unwrap_or(self.from);
        while day <= self.to {
            out.push(month_of(day));
            day = day
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(self.to + Duration::days(1));
        }
        out
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// `YYYY-MM`.
pub fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// Average in minor units, rounded half up; 0 for no orders.
fn average(total: i64, count: i64) -> i64 {
    if count == 0 {
        0
    } else {
        (2 * total + count) / (2 * count)
    }
}

/// Figures of one period of a sales report, or of its whole range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesFigures {
    pub period: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub orders: i64,
    pub units: i64,
    /// The goods' prices before discounts (tax included when prices
    /// include it).
    pub gross_sales: Money,
    pub discounts: Money,
    /// What was captured for the period's orders:
    /// `goodsCollected + shippingCollected + taxCollected`.
    pub revenue: Money,
    /// Of `revenue`, what paid for the goods: after discounts, tax
    /// excluded (`grossSales - discounts` when prices exclude tax).
    pub goods_collected: Money,
    /// Of `revenue`, the shipping charged, tax excluded.
    pub shipping_collected: Money,
    /// Of `revenue`, all the tax charged (the goods' and the shipping's).
    pub tax_collected: Money,
    /// What was refunded during the period:
    /// `goodsRefunded + shippingRefunded + taxRefunded`.
    pub refunds: Money,
    /// Of `refunds`, what was given back for goods, tax excluded.
    pub goods_refunded: Money,
    /// Of `refunds`, the shipping given back, tax excluded.
    pub shipping_refunded: Money,
    /// Of `refunds`, the tax given back.
    pub tax_refunded: Money,
    /// `revenue - refunds`.
    pub net_revenue: Money,
    pub average_order_value: Money,
    /// Customers with a paid order in the period.
    pub customers: i64,
    /// Of those, the ones whose first paid order is in the period.
    pub new_customers: i64,
    /// Of those, the ones who had a paid order before the period.
    pub returning_customers: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub granularity: Granularity,
    pub currency: Currency,
    pub totals: SalesFigures,
    pub periods: Vec<SalesFigures>,
}

#[derive(Default)]
struct Sums {
    orders: i64,
    units: i64,
    gross: i64,
    discounts: i64,
    revenue: i64,
    shipping: i64,
    tax: i64,
    refunds: i64,
    shipping_refunded: i64,
    tax_refunded: i64,
    customers: HashSet<String>,
    new_customers: HashSet<String>,
}

impl Sums {
    fn add_day(&mut self, d: &DayTotals) {
        self.orders += d.orders;
        self.units += d.units;
        self.gross += d.gross;
        self.discounts += d.discounts;
        self.revenue += d.revenue;
        self.shipping += d.shipping;
        self.tax += d.tax;
        self.refunds += d.refunds;
        self.shipping_refunded += d.shipping_refunded;
        self.tax_refunded += d.tax_refunded;
    }

    fn add_customer(&mut self, customer: &str, first: Option<NaiveDate>, start: NaiveDate) {
        self.customers.insert(customer.to_string());
        // A customer whose first order is unknown (not aggregated yet)
        // counts as new: this is the earliest order we know of.
        if first.is_none_or(|f| f >= start) {
            self.new_customers.insert(customer.to_string());
        }
    }

    fn figures(
        &self,
        period: String,
        start: NaiveDate,
        end: NaiveDate,
        currency: &Currency,
    ) -> SalesFigures {
        let money = |amount| Money {
            amount,
            currency: currency.clone(),
        };
        let customers = self.customers.len() as i64;
        let new_customers = self.new_customers.len() as i64;
        SalesFigures {
            period,
            start,
            end,
            orders: self.orders,
            units: self.units,
            gross_sales: money(self.gross),
            discounts: money(self.discounts),
            revenue: money(self.revenue),
            goods_collected: money(self.revenue - self.shipping - self.tax),
            shipping_collected: money(self.shipping),
            tax_collected: money(self.tax),
            refunds: money(self.refunds),
            goods_refunded: money(self.refunds - self.shipping_refunded - self.tax_refunded),
            shipping_refunded: money(self.shipping_refunded),
            tax_refunded: money(self.tax_refunded),
            net_revenue: money(self.revenue - self.refunds),
            average_order_value: money(average(self.revenue, self.orders)),
            customers,
            new_customers,
            returning_customers: customers - new_customers,
        }
    }
}

/// The sales report: every period of the range (empty ones included) and
/// the range's totals. `first_orders` holds each customer's first paid
/// order day.
pub fn sales_report(
    range: DateRange,
    granularity: Granularity,
    currency: &Currency,
    days: &[DayTotals],
    customers: &[CustomerDay],
    first_orders: &HashMap<String, NaiveDate>,
) -> SalesReport {
    let mut periods: BTreeMap<NaiveDate, (String, NaiveDate, Sums)> = BTreeMap::new();
    let mut day = range.from;
    while day <= range.to {
        let (label, start) = granularity.period(day);
        periods
            .entry(start)
            .or_insert_with(|| (label, day, Sums::default()))
            .1 = day;
        day += Duration::days(1);
    }
    let mut totals = Sums::default();
    for d in days {
        let Some(day) = d.day.filter(|day| range.contains(*day)) else {
            continue;
        };
        let (_, start) = granularity.period(day);
        if let Some((_, _, sums)) = periods.get_mut(&start) {
            sums.add_day(d);
        }
        totals.add_day(d);
    }
    for c in customers {
        let Some(day) = c.day.filter(|day| range.contains(*day)) else {
            continue;
        };
        let first = first_orders.get(&c.customer).copied();
        let (_, start) = granularity.period(day);
        if let Some((_, _, sums)) = periods.get_mut(&start) {
            sums.add_customer(&c.customer, first, start.max(range.from));
        }
        totals.add_customer(&c.customer, first, range.from);
    }
    SalesReport {
        from: range.from,
        to: range.to,
        granularity,
        currency: currency.clone(),
        totals: totals.figures(
            format!("{}..{}", range.from, range.to),
            range.from,
            range.to,
            currency,
        ),
        periods: periods
            .into_iter()
            .map(|(start, (label, end, sums))| {
                sums.figures(label, start.max(range.from), end, currency)
            })
            .collect(),
    }
}

/// One SKU over a range.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductFigures {
    pub sku: String,
    pub name: String,
    pub units_sold: i64,
    pub revenue: Money,
    pub units_returned: i64,
    /// Units returned per unit sold in the range, 0 to 1 (rounded to 4
    /// places); 0 when none sold.
    pub return_rate: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub currency: Currency,
    /// By units sold, then revenue, then SKU.
    pub top_sellers: Vec<ProductFigures>,
    /// SKUs with returns, by units returned, then return rate, then SKU.
    pub most_returned: Vec<ProductFigures>,
}

fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0
    }
}

/// Top sellers and most returned SKUs over `range`, `limit` of each.
pub fn products_report(
    range: DateRange,
    currency: &Currency,
    rows: &[ProductDay],
    limit: usize,
) -> ProductsReport {
    let mut per_sku: BTreeMap<&str, ProductDay> = BTreeMap::new();
    for r in rows {
        if !r.day.is_some_and(|d| range.contains(d)) {
            continue;
        }
        let p = per_sku.entry(&r.sku).or_insert_with(|| ProductDay {
            sku: r.sku.clone(),
            ..ProductDay::default()
        });
        if !r.name.is_empty() {
            p.name = r.name.clone();
        }
        p.units_sold += r.units_sold;
        p.revenue += r.revenue;
        p.units_returned += r.units_returned;
    }
    let figures: Vec<ProductFigures> = per_sku
        .into_values()
        .map(|p| ProductFigures {
            return_rate: rate(p.units_returned, p.units_sold),
            sku: p.sku,
            name: p.name,
            units_sold: p.units_sold,
            revenue: Money {
                amount: p.revenue,
                currency: currency.clone(),
            },
            units_returned: p.units_returned,
        })
        .collect();
    let mut top: Vec<ProductFigures> = figures
        .iter()
        .filter(|p| p.units_sold > 0)
        .cloned()
        .collect();
    top.sort_by(|a, b| {
        (b.units_sold, b.revenue.amount)
            .cmp(&(a.units_sold, a.revenue.amount))
            .then_with(|| a.sku.cmp(&b.sku))
    });
    top.truncate(limit);
    let mut returned: Vec<ProductFigures> = figures
        .into_iter()
        .filter(|p| p.units_returned > 0)
        .collect();
    returned.sort_by(|a, b| {
        b.units_returned
            .cmp(&a.units_returned)
            .then_with(|| b.return_rate.total_cmp(&a.return_rate))
            .then_with(|| a.sku.cmp(&b.sku))
    });
    returned.truncate(limit);
    ProductsReport {
        from: range.from,
        to: range.to,
        currency: currency.clone(),
        top_sellers: top,
        most_returned: returned,
    }
}

/// Customer behaviour over a range.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomersReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Customers with a paid order in the range.
    pub customers: i64,
    /// Of those, the ones whose first paid order is in the range.
    pub new_customers: i64,
    /// Of those, the ones who had a paid order before the range.
    pub returning_customers: i64,
    /// Of those, the ones with more than one paid order so far: one before
    /// the range, or two in it.
    pub repeat_customers: i64,
    /// `repeatCustomers / customers`, 0 to 1 (4 places).
    pub repeat_customer_rate: f64,
    pub orders: i64,
    pub revenue: Money,
    pub average_order_value: Money,
    /// `orders / customers` (2 places).
    pub orders_per_customer: f64,
}

/// New, returning and repeat customers, and the average order value.
pub fn customers_report(
    range: DateRange,
    currency: &Currency,
    customers: &[CustomerDay],
    first_orders: &HashMap<String, NaiveDate>,
) -> CustomersReport {
    let mut per_customer: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for c in customers {
        if !c.day.is_some_and(|d| range.contains(d)) {
            continue;
        }
        let e = per_customer.entry(&c.customer).or_default();
        e.0 += c.orders;
        e.1 += c.revenue;
    }
    let count = per_customer.len() as i64;
    let mut returning = 0;
    let mut repeat = 0;
    let (mut orders, mut revenue) = (0, 0);
    for (customer, (o, r)) in &per_customer {
        orders += o;
        revenue += r;
        let before = first_orders
            .get(*customer)
            .is_some_and(|first| *first < range.from);
        if before {
            returning += 1;
        }
        if before || *o > 1 {
            repeat += 1;
        }
    }
    let money = |amount| Money {
        amount,
        currency: currency.clone(),
    };
    CustomersReport {
        from: range.from,
        to: range.to,
        customers: count,
        new_customers: count - returning,
        returning_customers: returning,
        repeat_customers: repeat,
        repeat_customer_rate: rate(repeat, count),
        orders,
        revenue: money(revenue),
        average_order_value: money(average(revenue, orders)),
        orders_per_customer: if count == 0 {
            0.0
        } else {
            (orders as f64 / count as f64 * 100.0).round() / 100.0
        },
    }
}

/// A CSV field, quoted when it needs to be (RFC 4180).
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|v| field(v)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

impl SalesReport {
    /// One row per period, amounts in major units of `currency`.
    pub fn to_csv(&self) -> String {
        csv(
            &[
                "period",
                "start",
                "end",
                "orders",
                "units",
                "gross_sales",
                "discounts",
                "revenue",
                "goods_collected",
                "shipping_collected",
                "tax_collected",
                "refunds",
                "goods_refunded",
                "shipping_refunded",
                "tax_refunded",
                "net_revenue",
                "average_order_value",
                "customers",
                "new_customers",
                "returning_customers",
                "currency",
            ],
            self.periods.iter().map(|p| {
                vec![
                    p.period.clone(),
                    p.start.to_string(),
                    p.end.to_string(),
                    p.orders.to_string(),
                    p.units.to_string(),
                    Money::decimal(p.gross_sales.amount),
                    Money::decimal(p.discounts.amount),
                    Money::decimal(p.revenue.amount),
                    Money::decimal(p.goods_collected.amount),
                    Money::decimal(p.shipping_collected.amount),
                    Money::decimal(p.tax_collected.amount),
                    Money::decimal(p.refunds.amount),
                    Money::decimal(p.goods_refunded.amount),
                    Money::decimal(p.shipping_refunded.amount),
                    Money::decimal(p.tax_refunded.amount),
                    Money::decimal(p.net_revenue.amount),
                    Money::decimal(p.average_order_value.amount),
                    p.customers.to_string(),
                    p.new_customers.to_string(),
                    p.returning_customers.to_string(),
                    self.currency.as_str().to_string(),
                ]
            }),
        )
    }
}

impl ProductsReport {
    /// The top sellers, then the most returned, each row saying its list.
    pub fn to_csv(&self) -> String {
        let row = |list: &str, rank: usize, p: &ProductFigures| {
            vec![
                list.to_string(),
                rank.to_string(),
                p.sku.clone(),
                p.name.clone(),
                p.units_sold.to_string(),
                Money::decimal(p.revenue.amount),
                p.units_returned.to_string(),
                format!("{:.4}", p.return_rate),
                self.currency.as_str().to_string(),
            ]
        };
        csv(
            &[
                "list",
                "rank",
                "sku",
                "name",
                "units_sold",
                "revenue",
                "units_returned",
                "return_rate",
                "currency",
            ],
            self.top_sellers
                .iter()
                .enumerate()
                .map(|(i, p)| row("top_seller", i + 1, p))
                .chain(
                    self.most_returned
                        .iter()
                        .enumerate()
                        .map(|(i, p)| row("most_returned", i + 1, p)),
                )
                .collect::<Vec<_>>(),
        )
    }
}

impl CustomersReport {
    /// One row with the range's figures.
    pub fn to_csv(&self) -> String {
        csv(
            &[
                "from",
                "to",
                "customers",
                "new_customers",
                "returning_customers",
                "repeat_customers",
                "repeat_customer_rate",
                "orders",
                "revenue",
                "average_order_value",
                "orders_per_customer",
                "currency",
            ],
            [vec![
                self.from.to_string(),
                self.to.to_string(),
                self.customers.to_string(),
                self.new_customers.to_string(),
                self.returning_customers.to_string(),
                self.repeat_customers.to_string(),
                format!("{:.4}", self.repeat_customer_rate),
                self.orders.to_string(),
                Money::decimal(self.revenue.amount),
                Money::decimal(self.average_order_value.amount),
                format!("{:.2}", self.orders_per_customer),
                self.revenue.currency.as_str().to_string(),
            ]],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: i64) -> serde_json::Value {
        serde_json::json!({ "amount": amount, "currency": "USD" })
    }

    fn order(payment: Option<serde_json::Value>, refunded_units: serde_json::Value) -> Order {
        serde_json::from_value(serde_json::json!({
            "orderId": "o1", "orderNumber": "ORD-000001", "customerSub": "alice",
            "customer": { "name": "Alice", "email": "alice@example.com" },
            "shippingAddress": { "line1": "1 Main St", "city": "Springfield",
                                 "postalCode": "62701", "country": "US" },
            "payment": { "methodToken": "pm_card_visa" },
            "lines": [
                { "sku": "TEE", "name": "Tee", "quantity": 3, "unitPrice": usd(1000),
                  "lineTotal": usd(3000), "discount": usd(300) },
                { "sku": "MUG", "name": "Mug", "quantity": 1, "unitPrice": usd(1000),
                  "lineTotal": usd(1000), "discount": usd(100) }
            ],
            "subtotal": usd(4000), "total": usd(3600), "status": "PAID",
            "statusHistory": [], "cartId": "c1",
            "createdAt": "2026-03-01T23:59:59.000Z", "updatedAt": "2026-03-05T08:00:00.000Z",
            "promotion": { "code": "TEN", "discount": usd(400) },
            "paymentRecord": payment,
            "afterSales": { "refundedUnits": refunded_units }
        }))
        .unwrap()
    }

    fn payment(status: &str, refunded: Option<i64>) -> Option<serde_json::Value> {
        Some(serde_json::json!({
            "provider": "sandbox", "status": status, "paymentId": "p1", "amount": usd(3600),
            "refunded": refunded.map(usd), "updatedAt": "2026-03-05T08:00:00.000Z"
        }))
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_capture_is_a_sale_on_the_day_the_order_was_placed() {
        let before = order(None, serde_json::json!({}));
        let after = order(payment("CAPTURED", None), serde_json::json!({}));
        let facts = facts(Some(&before), &after).unwrap();
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].key, "sale");
        let FactKind::Sale(sale) = &facts[0].kind else {
            panic!("{facts:?}")
        };
        assert_eq!(sale.day, day("2026-03-01"));
        assert_eq!(
            (sale.units, sale.gross, sale.discount, sale.revenue),
            (4, 4000, 400, 3600)
        );
        assert_eq!(sale.lines[0].revenue, 2700);
        // The same change delivered again is the same fact; a later change
        // of a paid order is not a sale.
        assert_eq!(super::facts(Some(&before), &after).unwrap(), facts);
        assert!(super::facts(Some(&after), &after).unwrap().is_empty());
        // A declined charge is no sale.
        let declined = order(payment("DECLINED", None), serde_json::json!({}));
        assert!(super::facts(Some(&before), &declined).unwrap().is_empty());
    }

    #[test]
    fn refunds_and_returned_units_count_their_growth_on_the_day_recorded() {
        let paid = order(
            payment("CAPTURED", Some(900)),
            serde_json::json!({ "TEE": 1 }),
        );
        let more = order(
            payment("CAPTURED", Some(2700)),
            serde_json::json!({ "TEE": 2, "MUG": 1 }),
        );
        let facts = facts(Some(&paid), &more).unwrap();
        assert_eq!(
            facts,
            vec![
                Fact {
                    order_id: "o1".into(),
                    key: "refund#2700".into(),
                    kind: FactKind::Refund(Refund {
                        day: day("2026-03-05"),
                        amount: 1800,
                        shipping: 0,
                        tax: 0,
                    }),
                },
                Fact {
                    order_id: "o1".into(),
                    key: "returned#3".into(),
                    kind: FactKind::Returned {
                        day: day("2026-03-05"),
                        lines: vec![
                            ReturnedLine {
                                sku: "MUG".into(),
                                name: "Mug".into(),
                                units: 1
                            },
                            ReturnedLine {
                                sku: "TEE".into(),
                                name: "Tee".into(),
                                units: 1
                            },
                        ],
                    },
                },
            ]
        );
    }

    #[test]
    fn ranges_default_to_thirty_days_and_refuse_bad_bounds() {
        let today = day("2026-11-22");
        let r = DateRange::parse(None, None, today).unwrap();
        assert_eq!((r.from, r.to), (day("2026-10-24"), today));
        assert_eq!(r.months(), ["2026-10", "2026-11"]);
        assert!(DateRange::parse(Some("2026-11-23"), Some("2026-11-22"), today).is_err());
        assert!(DateRange::parse(Some("22/11/2026"), None, today).is_err());
        assert!(DateRange::parse(Some("2025-01-01"), Some("2026-01-01"), today).is_ok());
        assert!(DateRange::parse(Some("2025-01-01"), Some("2026-01-02"), today).is_err());
        let r = DateRange::parse(Some("2025-12-30"), Some("2026-02-02"), today).unwrap();
        assert_eq!(r.months(), ["2025-12", "2026-01", "2026-02"]);
    }

    #[test]
    fn weeks_are_iso_weeks_clipped_to_the_range_and_customers_split_by_first_order() {
        let usd = Currency::parse("USD").unwrap();
        let range = DateRange {
            from: day("2026-11-04"),
            to: day("2026-11-16"),
        };
        let days = [
            DayTotals {
                day: Some(day("2026-11-04")),
                orders: 1,
                revenue: 1000,
                ..Default::default()
            },
            DayTotals {
                day: Some(day("2026-11-10")),
                orders: 2,
                revenue: 3001,
                ..Default::default()
            },
        ];
        let customers = [
            CustomerDay {
                day: Some(day("2026-11-04")),
                customer: "a".into(),
                orders: 1,
                revenue: 1000,
            },
            CustomerDay {
                day: Some(day("2026-11-10")),
                customer: "a".into(),
                orders: 1,
                revenue: 1000,
            },
            CustomerDay {
                day: Some(day("2026-11-10")),
                customer: "b".into(),
                orders: 1,
                revenue: 2001,
            },
        ];
        let first = HashMap::from([
            ("a".to_string(), day("2026-10-01")),
            ("b".to_string(), day("2026-11-10")),
        ]);
        let r = sales_report(range, Granularity::Week, &usd, &days, &customers, &first);
        let labels: Vec<_> = r
            .periods
            .iter()
            .map(|p| (p.period.as_str(), p.start, p.end))
            .collect();
        assert_eq!(
            labels,
            [
                ("2026-W45", day("2026-11-04"), day("2026-11-08")),
                ("2026-W46", day("2026-11-09"), day("2026-11-15")),
                ("2026-W47", day("2026-11-16"), day("2026-11-16")),
            ]
        );
        assert_eq!(
            (r.periods[1].orders, r.periods[1].average_order_value.amount),
            (2, 1501)
        );
        assert_eq!(
            (r.periods[1].new_customers, r.periods[1].returning_customers),
            (1, 1)
        );
        assert_eq!((r.totals.customers, r.totals.new_customers), (2, 1));
        let c = customers_report(range, &usd, &customers, &first);
        assert_eq!(
            (c.customers, c.repeat_customers, c.repeat_customer_rate),
            (2, 1, 0.5)
        );
    }

    /// The order of `order()` with shipping 5.00 and 10% tax on goods and
    /// shipping: tee 27.00 after discount (tax 2.70 or, inside, 2.45), mug
    /// 9.00 (0.90 or 0.82), shipping (0.50 or 0.45).
    fn taxed(tax_included: bool, payment: Option<serde_json::Value>) -> Order {
        let mut o = order(payment, serde_json::json!({}));
        let (tee, mug, ship) = if tax_included {
            (245, 82, 45)
        } else {
            (270, 90, 50)
        };
        o.lines[0].tax = serde_json::from_value(usd(tee)).ok();
        o.lines[1].tax = serde_json::from_value(usd(mug)).ok();
        o.shipping = serde_json::from_value(usd(500)).ok();
        o.tax = serde_json::from_value(usd(tee + mug + ship)).ok();
        o.tax_included = tax_included;
        o.shipping_option = serde_json::from_value(serde_json::json!({
            "optionId": "std", "name": "Standard", "carrierService": "Ground",
            "price": usd(500), "tax": usd(ship)
        }))
        .ok();
        let total = 3600 + 500 + if tax_included { 0 } else { tee + mug + ship };
        o.total.amount = total;
        if let Some(p) = o.payment_record.as_mut() {
            p.amount.amount = total;
        }
        o
    }

    fn refund_fact(old: &Order, new: &Order) -> Refund {
        let facts = facts(Some(old), new).unwrap();
        match facts.iter().find(|f| f.key.starts_with("refund#")) {
            Some(Fact {
                kind: FactKind::Refund(r),
                ..
            }) => r.clone(),
            _ => panic!("no refund in {facts:?}"),
        }
    }

    fn refund_entry(amount: i64, tax: i64, shipping: i64, status: &str) -> serde_json::Value {
        serde_json::json!({
            "key": format!("k{amount}"), "amount": usd(amount), "reason": "r",
            "status": status, "at": "2026-03-05T08:00:00.000Z",
            "tax": if tax > 0 { usd(tax) } else { serde_json::Value::Null },
            "shipping": if shipping > 0 { usd(shipping) } else { serde_json::Value::Null },
        })
    }

    #[test]
    fn a_sale_splits_what_was_captured_into_goods_shipping_and_tax() {
        for (included, shipping, tax, revenue) in [(false, 500, 410, 4510), (true, 455, 372, 4100)]
        {
            let before = taxed(included, None);
            let after = taxed(included, payment("CAPTURED", None));
            let facts = facts(Some(&before), &after).unwrap();
            let FactKind::Sale(sale) = &facts[0].kind else {
                panic!("{facts:?}")
            };
            assert_eq!(
                (sale.revenue, sale.shipping, sale.tax),
                (revenue, shipping, tax),
                "tax included: {included}"
            );
            // The goods part: after discount, without tax.
            let goods = sale.revenue - sale.shipping - sale.tax;
            assert_eq!(goods, if included { 3600 - 245 - 82 } else { 3600 });
        }
    }

    #[test]
    fn a_return_refunds_the_tax_and_shipping_its_entry_records() {
        // One tee back with the shipping, prices without tax: 9.00 + 0.90
        // tax, and shipping 5.00 + 0.50 tax.
        let paid = taxed(false, payment("CAPTURED", None));
        let mut back = taxed(false, payment("CAPTURED", Some(1540)));
        back.after_sales.refunds =
            vec![serde_json::from_value(refund_entry(1540, 140, 550, "SUCCEEDED")).unwrap()];
        let mut pending = paid.clone();
        pending.after_sales.refunds =
            vec![serde_json::from_value(refund_entry(1540, 140, 550, "PENDING")).unwrap()];
        let refund = refund_fact(&pending, &back);
        assert_eq!(
            (refund.amount, refund.shipping, refund.tax),
            (1540, 500, 140)
        );
        // The same with tax-inclusive prices: the 5.00 shipping holds 0.45.
        let paid = taxed(true, payment("CAPTURED", None));
        let mut back = taxed(true, payment("CAPTURED", Some(1400)));
        back.after_sales.refunds =
            vec![serde_json::from_value(refund_entry(1400, 81 + 45, 500, "SUCCEEDED")).unwrap()];
        let refund = refund_fact(&paid, &back);
        assert_eq!(
            (refund.amount, refund.shipping, refund.tax),
            (1400, 455, 126)
        );
    }

    #[test]
    fn a_refund_in_full_gives_back_the_rest_of_the_tax_and_shipping() {
        // A cancelled order refunded by the workflow: no refund entry.
        let paid = taxed(false, payment("CAPTURED", None));
        let refunded = taxed(false, payment("REFUNDED", Some(4510)));
        let refund = refund_fact(&paid, &refunded);
        assert_eq!(
            (refund.amount, refund.shipping, refund.tax),
            (4510, 500, 410)
        );
        // After a return that gave back a tee's tax and the shipping, the
        // rest of the capture refunded by an admin carries only the rest.
        let mut returned = taxed(false, payment("CAPTURED", Some(1540)));
        returned.after_sales.refunds =
            vec![serde_json::from_value(refund_entry(1540, 140, 550, "SUCCEEDED")).unwrap()];
        let mut rest = taxed(false, payment("REFUNDED", Some(4510)));
        rest.after_sales.refunds = vec![
            serde_json::from_value(refund_entry(1540, 140, 550, "SUCCEEDED")).unwrap(),
            serde_json::from_value(refund_entry(2970, 270, 0, "SUCCEEDED")).unwrap(),
        ];
        let refund = refund_fact(&returned, &rest);
        assert_eq!((refund.amount, refund.shipping, refund.tax), (2970, 0, 270));
        // A part refunded in the gateway's dashboard says nothing of its
        // tax or shipping: goods.
        let dashboard = taxed(false, payment("CAPTURED", Some(1000)));
        let refund = refund_fact(&paid, &dashboard);
        assert_eq!((refund.amount, refund.shipping, refund.tax), (1000, 0, 0));
    }

    #[test]
    fn the_report_splits_revenue_and_refunds_so_the_parts_add_up() {
        let usd = Currency::parse("USD").unwrap();
        let range = DateRange {
            from: day("2026-11-04"),
            to: day("2026-11-05"),
        };
        let days = [
            DayTotals {
                day: Some(day("2026-11-04")),
                orders: 1,
                gross: 4000,
                discounts: 400,
                revenue: 4510,
                shipping: 500,
                tax: 410,
                ..Default::default()
            },
            DayTotals {
                day: Some(day("2026-11-05")),
                refunds: 1540,
                shipping_refunded: 500,
                tax_refunded: 140,
                ..Default::default()
            },
        ];
        let r = sales_report(range, Granularity::Day, &usd, &days, &[], &HashMap::new());
        let t = &r.totals;
        assert_eq!(t.goods_collected.amount, 3600);
        assert_eq!(
            t.goods_collected.amount,
            t.gross_sales.amount - t.discounts.amount
        );
        assert_eq!(
            (t.shipping_collected.amount, t.tax_collected.amount),
            (500, 410)
        );
        assert_eq!(
            (
                t.goods_refunded.amount,
                t.shipping_refunded.amount,
                t.tax_refunded.amount
            ),
            (900, 500, 140)
        );
        assert_eq!(t.net_revenue.amount, 4510 - 1540);
        let csv = r.to_csv();
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let second: Vec<&str> = lines.nth(1).unwrap().split(',').collect();
        let column = |name: &str| second[header.iter().position(|h| *h == name).unwrap()];
        assert_eq!(column("goods_refunded"), "9.00");
        assert_eq!(column("shipping_refunded"), "5.00");
        assert_eq!(column("tax_refunded"), "1.40");
    }

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        assert_eq!(field("Mug, large"), "\"Mug, large\"");
        assert_eq!(field("The \"best\" tee"), "\"The \"\"best\"\" tee\"");
        assert_eq!(field("Tee"), "Tee");
        assert_eq!(Money::decimal(-1205), "-12.05");
    }
}

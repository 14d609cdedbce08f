//! Invariants of the service's stored state: what must hold of stock,
//! orders and money whatever load, races or failures came before. They are
//! read from the tables (and the sandbox gateway's ledger) through
//! `shared::store::Store`, so they check what was written, not what a
//! response said.
//!
//! Read them when the stack is idle (no workflow running, queues drained):
//! a product and the orders holding its stock are read at different
//! moments, so a reservation in flight between the two reads would show
//! as a mismatch. `bench-load` checks them after its run; a property test
//! can check them after any sequence of operations.
//!
//! The rules, per the domain code:
//! - stock: `onHand`, `reserved` and `available` are never negative and
//!   `available = onHand - reserved`; `onHand` is what the inventory ledger
//!   received (receipts, write-offs, restocks) less the units of orders
//!   whose stock was committed (shipped); `reserved` is the units of orders
//!   whose stock is held.
//! - a cart becomes at most one order (checkout closes it in the same
//!   transaction, whatever the Idempotency-Key);
//! - each order's status history is a chain of allowed transitions from
//!   PENDING ending in its status; its stock state is the one its status
//!   implies; its totals add up (`total = subtotal - discount + shipping`,
//!   plus tax when prices exclude it).
//! - money: an order that ended without a sale (REJECTED, PAYMENT_FAILED,
//!   CANCELLED) keeps nothing; a paid order captured exactly its total;
//!   refunds never exceed the capture, on the order or at the gateway; and
//!   what the gateway kept of each payment is what the order that records
//!   it keeps (nothing, when no order records it).

use std::collections::{BTreeMap, BTreeSet};

use shared::domain::order::{Order, OrderStatus, PaymentRecord, PaymentStatus, StockState};
use shared::domain::product::{Product, Sku};
use shared::payments::sandbox::{Operation, SandboxGateway};
use shared::store::orders::OrderFilter;
use shared::store::Store;

/// One invariant and where it does not hold (empty when it holds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invariant {
    pub name: &'static str,
    pub violations: Vec<String>,
}

impl Invariant {
    pub fn holds(&self) -> bool {
        self.violations.is_empty()
    }
}

/// What the caller knows independently of the tables.
#[derive(Clone, Debug, Default)]
pub struct Expected {
    /// Units the caller put into stock per SKU (opening stock and
    /// receipts); each must be what the SKU's ledger received. SKUs left
    /// out are not compared.
    pub received: BTreeMap<Sku, i64>,
    /// The ids of the orders checkout accepted (202), when the caller made
    /// every checkout of the stack: the Orders table must hold these and no
    /// other, save orders of `unanswered_carts`.
    pub accepted: Option<BTreeSet<String>>,
    /// Carts whose checkout got no answer (the client gave up waiting):
    /// each may or may not have become an order.
    pub unanswered_carts: BTreeSet<String>,
}

/// The state the invariants are about, read at one idle moment.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub products: Vec<Product>,
    /// Per SKU, the sum of its inventory ledger's movements.
    pub ledger: BTreeMap<Sku, i64>,
    pub orders: Vec<Order>,
    /// The sandbox gateway's operations, when the stack charges through it.
    pub gateway: Option<Vec<Operation>>,
}

const PAGE: i32 = 500;

impl Snapshot {
    /// Reads every product, its ledger and every order (through the
    /// `AllProducts` and `AllOrders` indexes, page by page).
    pub async fn read(store: &Store, gateway: Option<&SandboxGateway>) -> anyhow::Result<Self> {
        let mut products = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.list_inventory(PAGE, cursor.as_deref(), false).await?;
            products.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let mut ledger = BTreeMap::new();
        for product in &products {
            let mut sum = 0;
            let mut cursor = None;
            loop {
                let page = store
                    .list_ledger(&product.sku, PAGE, cursor.as_deref())
                    .await?;
                sum += page.items.iter().map(|e| e.delta).sum::<i64>();
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            ledger.insert(product.sku.clone(), sum);
        }
        let mut orders = Vec::new();
        let mut cursor = None;
        loop {
            let page = store
                .list_orders(&OrderFilter::default(), PAGE, cursor.as_deref())
                .await?;
            orders.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(Self {
            products,
            ledger,
            orders,
            gateway: gateway.map(SandboxGateway::operations),
        })
    }
}

/// Reads the state and checks every invariant against it.
pub async fn check(
    store: &Store,
    gateway: Option<&SandboxGateway>,
    expected: &Expected,
) -> anyhow::Result<Vec<Invariant>> {
    Ok(evaluate(&Snapshot::read(store, gateway).await?, expected))
}

/// Checks every invariant against a snapshot.
pub fn evaluate(snapshot: &Snapshot, expected: &Expected) -> Vec<Invariant> {
    let mut checks = stock(snapshot, expected);
    checks.extend(orders(snapshot));
    checks.extend(money(snapshot));
    if let Some(accepted) = &expected.accepted {
        checks.push(accepted_orders(
            snapshot,
            accepted,
            &expected.unanswered_carts,
        ));
    }
    checks
}

/// Units per SKU over the lines of the orders whose stock is in `state`.
fn units_in(orders: &[Order], state: StockState) -> BTreeMap<&Sku, i64> {
    let mut units = BTreeMap::new();
    for order in orders.iter().filter(|o| o.stock_state == state) {
        for line in &order.lines {
            *units.entry(&line.sku).or_insert(0) += i64::from(line.quantity);
        }
    }
    units
}

fn stock(snapshot: &Snapshot, expected: &Expected) -> Vec<Invariant> {
    let shipped = units_in(&snapshot.orders, StockState::Committed);
    let held = units_in(&snapshot.orders, StockState::Held);
    let mut never_negative = Vec::new();
    let mut available = Vec::new();
    let mut on_hand = Vec::new();
    let mut reserved = Vec::new();
    for p in &snapshot.products {
        if p.on_hand < 0 || p.reserved < 0 || p.available < 0 {
            never_negative.push(format!(
                "{}: onHand {}, reserved {}, available {}",
                p.sku, p.on_hand, p.reserved, p.available
            ));
        }
        if p.available != p.on_hand - p.reserved {
            available.push(format!(
                "{}: available {} but onHand {} - reserved {} = {}",
                p.sku,
                p.available,
                p.on_hand,
                p.reserved,
                p.on_hand - p.reserved
            ));
        }
        let received = snapshot.ledger.get(&p.sku).copied().unwrap_or(0);
        let out = shipped.get(&p.sku).copied().unwrap_or(0);
        if p.on_hand != received - out {
            on_hand.push(format!(
                "{}: onHand {} but received {received} - shipped {out} = {}",
                p.sku,
                p.on_hand,
                received - out
            ));
        }
        let holding = held.get(&p.sku).copied().unwrap_or(0);
        if p.reserved != holding {
            reserved.push(format!(
                "{}: reserved {} but orders hold {holding}",
                p.sku, p.reserved
            ));
        }
    }
    let known: BTreeSet<&Sku> = snapshot.products.iter().map(|p| &p.sku).collect();
    let mut unknown: Vec<String> = shipped
        .keys()
        .chain(held.keys())
        .filter(|sku| !known.contains(*sku))
        .map(|sku| format!("{sku}: orders move its stock but no product has it"))
        .collect();
    unknown.dedup();
    on_hand.extend(unknown);
    let mut checks = vec![
        Invariant {
            name: "stock counters are never negative",
            violations: never_negative,
        },
        Invariant {
            name: "available = on hand - reserved",
            violations: available,
        },
        Invariant {
            name: "on hand = units received - units shipped",
            violations: on_hand,
        },
        Invariant {
            name: "reserved = units held by orders",
            violations: reserved,
        },
    ];
    if !expected.received.is_empty() {
        let violations = expected
            .received
            .iter()
            .filter_map(|(sku, units)| {
                let ledger = snapshot.ledger.get(sku).copied().unwrap_or(0);
                (ledger != *units)
                    .then(|| format!("{sku}: {units} received, the ledger has {ledger}"))
            })
            .collect();
        checks.push(Invariant {
            name: "the inventory ledger holds every receipt",
            violations,
        });
    }
    checks
}

/// The stock states an order in `status` may have once its workflow is done.
fn stock_states(status: OrderStatus) -> &'static [StockState] {
    use OrderStatus::*;
    match status {
        Pending | Backordered | Rejected => &[StockState::NotHeld],
        Reserved | Paid | AwaitingFulfilment => &[StockState::Held],
        Shipped | Delivered | PartiallyRefunded | Refunded => &[StockState::Committed],
        PaymentFailed => &[StockState::Released],
        // Cancelled before its stock was reserved, or after (then released).
        Cancelled => &[StockState::NotHeld, StockState::Released],
    }
}

fn orders(snapshot: &Snapshot) -> Vec<Invariant> {
    let mut history = Vec::new();
    let mut stock = Vec::new();
    let mut totals = Vec::new();
    let mut per_cart: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in &snapshot.orders {
        per_cart.entry(&o.cart_id).or_default().push(&o.order_id);
        let id = &o.order_id;
        let statuses: Vec<OrderStatus> = o.status_history.iter().map(|c| c.status).collect();
        if statuses.first() != Some(&OrderStatus::Pending) {
            history.push(format!("{id}: history starts {:?}", statuses.first()));
        }
        for pair in statuses.windows(2) {
            if !pair[1].can_follow(pair[0]) {
                history.push(format!(
                    "{id}: {} followed {}",
                    pair[1].as_str(),
                    pair[0].as_str()
                ));
            }
        }
        if statuses.last() != Some(&o.status) {
            history.push(format!(
                "{id}: is {} but its history ends {:?}",
                o.status.as_str(),
                statuses.last()
            ));
        }
        if !stock_states(o.status).contains(&o.stock_state) {
            stock.push(format!(
                "{id}: {} with stock {:?}",
                o.status.as_str(),
                o.stock_state
            ));
        }
        let lines: i64 = o.lines.iter().map(|l| l.line_total.amount).sum();
        for l in &o.lines {
            if l.line_total.amount != l.unit_price.amount * i64::from(l.quantity) {
                totals.push(format!(
                    "{id}: {} line total {} is not {} x {}",
                    l.sku, l.line_total.amount, l.quantity, l.unit_price.amount
                ));
            }
        }
        if o.subtotal.amount != lines {
            totals.push(format!(
                "{id}: subtotal {} but lines sum to {lines}",
                o.subtotal.amount
            ));
        }
        let discount = o
            .discount
            .as_ref()
            .or(o.promotion.as_ref().map(|p| &p.discount))
            .map_or(0, |d| d.amount);
        let tax = if o.tax_included { 0 } else { o.tax_amount() };
        let total = o.subtotal.amount - discount + o.shipping_amount() + tax;
        if o.total.amount != total {
            totals.push(format!(
                "{id}: total {} but subtotal {} - discount {discount} + shipping {} + tax {tax} = {total}",
                o.total.amount,
                o.subtotal.amount,
                o.shipping_amount()
            ));
        }
    }
    let twice = per_cart
        .iter()
        .filter(|(_, orders)| orders.len() > 1)
        .map(|(cart, orders)| format!("cart {cart}: orders {}", orders.join(", ")))
        .collect();
    vec![
        Invariant {
            name: "no cart was checked out twice",
            violations: twice,
        },
        Invariant {
            name: "every status change was an allowed one",
            violations: history,
        },
        Invariant {
            name: "each order's stock state agrees with its status",
            violations: stock,
        },
        Invariant {
            name: "each order's totals add up",
            violations: totals,
        },
    ]
}

/// What the order's payment record says was kept: the capture less its
/// refunds (nothing for a decline).
fn kept(record: &PaymentRecord) -> i64 {
    match record.status {
        PaymentStatus::Declined => 0,
        PaymentStatus::Captured | PaymentStatus::Refunded => {
            record.amount.amount - record.refunded.as_ref().map_or(0, |m| m.amount)
        }
    }
}

fn money(snapshot: &Snapshot) -> Vec<Invariant> {
    use OrderStatus::*;
    let mut agrees = Vec::new();
    let mut refunds = Vec::new();
    for o in &snapshot.orders {
        let id = &o.order_id;
        let status = o.status.as_str();
        let record = o.payment_record.as_ref();
        match o.status {
            Pending | Backordered | Reserved => {
                if let Some(p) = record.filter(|p| p.status != PaymentStatus::Declined) {
                    agrees.push(format!("{id}: {status} with a payment {:?}", p.status));
                }
            }
            Rejected | PaymentFailed | Cancelled => {
                if let Some(p) = record.filter(|p| kept(p) != 0) {
                    agrees.push(format!(
                        "{id}: {status} but keeps {} of a {:?} payment",
                        kept(p),
                        p.status
                    ));
                }
            }
            Paid | AwaitingFulfilment | Shipped | Delivered | PartiallyRefunded | Refunded => {
                match record {
                    Some(p) if p.status != PaymentStatus::Declined && p.amount == o.total => {
                        if o.status == Refunded && kept(p) != 0 {
                            agrees.push(format!("{id}: REFUNDED but keeps {}", kept(p)));
                        }
                    }
                    Some(p) => agrees.push(format!(
                        "{id}: {status} with a {:?} payment of {} for a total of {}",
                        p.status, p.amount.amount, o.total.amount
                    )),
                    None => agrees.push(format!("{id}: {status} without a payment")),
                }
            }
        }
        let captured = record
            .filter(|p| p.status != PaymentStatus::Declined)
            .map_or(0, |p| p.amount.amount);
        if let Some(p) = record {
            let refunded = p.refunded.as_ref().map_or(0, |m| m.amount);
            if refunded > p.amount.amount || refunded < 0 {
                refunds.push(format!(
                    "{id}: refunded {refunded} of a payment of {}",
                    p.amount.amount
                ));
            }
        }
        let after_sales = o.after_sales.refunded_total();
        if after_sales > captured {
            refunds.push(format!(
                "{id}: returns and refunds of {after_sales} against a capture of {captured}"
            ));
        }
    }
    let mut checks = vec![
        Invariant {
            name: "each order's payment agrees with its status",
            violations: agrees,
        },
        Invariant {
            name: "refunds never exceed the capture (orders)",
            violations: refunds,
        },
    ];
    if let Some(operations) = &snapshot.gateway {
        checks.extend(gateway(&snapshot.orders, operations));
    }
    checks
}

/// The gateway's ledger against the orders' payment records.
fn gateway(orders: &[Order], operations: &[Operation]) -> Vec<Invariant> {
    let mut charged: BTreeMap<&str, i64> = BTreeMap::new();
    let mut refunded: BTreeMap<&str, i64> = BTreeMap::new();
    for operation in operations {
        match operation {
            Operation::Charge { payment_id, amount } => {
                *charged.entry(payment_id).or_insert(0) += amount.amount;
            }
            Operation::Refund {
                payment_id, amount, ..
            } => *refunded.entry(payment_id).or_insert(0) += amount.amount,
        }
    }
    let mut recorded: BTreeMap<&str, (&str, i64)> = BTreeMap::new();
    let mut unknown = Vec::new();
    for o in orders {
        let Some(p) = o
            .payment_record
            .as_ref()
            .filter(|p| p.status != PaymentStatus::Declined)
        else {
            continue;
        };
        match p.payment_id.as_deref() {
            Some(id) if charged.contains_key(id) => {
                recorded.insert(id, (&o.order_id, kept(p)));
            }
            Some(id) => unknown.push(format!(
                "{}: records payment {id}, which the gateway never charged",
                o.order_id
            )),
            None => unknown.push(format!("{}: a captured payment without an id", o.order_id)),
        }
    }
    let mut over = Vec::new();
    let mut kept_elsewhere = unknown;
    for (payment, charge) in &charged {
        let back = refunded.get(payment).copied().unwrap_or(0);
        if back > *charge {
            over.push(format!(
                "{payment}: refunded {back} of a charge of {charge}"
            ));
        }
        let net = charge - back;
        match recorded.get(payment) {
            Some((order, on_order)) if net != *on_order => kept_elsewhere.push(format!(
                "{payment} of order {order}: the gateway kept {net}, the order says {on_order}"
            )),
            None if net != 0 => kept_elsewhere.push(format!(
                "{payment}: the gateway kept {net} that no order records"
            )),
            _ => {}
        }
    }
    for payment in refunded.keys().filter(|p| !charged.contains_key(*p)) {
        over.push(format!("{payment}: refunded but never charged"));
    }
    vec![
        Invariant {
            name: "refunds never exceed the capture (gateway)",
            violations: over,
        },
        Invariant {
            name: "the gateway kept what the orders record",
            violations: kept_elsewhere,
        },
    ]
}

fn accepted_orders(
    snapshot: &Snapshot,
    accepted: &BTreeSet<String>,
    unanswered_carts: &BTreeSet<String>,
) -> Invariant {
    let stored: BTreeSet<&String> = snapshot.orders.iter().map(|o| &o.order_id).collect();
    let mut violations: Vec<String> = accepted
        .iter()
        .filter(|id| !stored.contains(id))
        .map(|id| format!("{id}: accepted but not stored"))
        .collect();
    violations.extend(
        snapshot
            .orders
            .iter()
            .filter(|o| !accepted.contains(&o.order_id) && !unanswered_carts.contains(&o.cart_id))
            .map(|o| format!("{}: stored but never accepted", o.order_id)),
    );
    Invariant {
        name: "the orders stored are the checkouts accepted",
        violations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::checkout::{Address, Customer};
    use shared::domain::money::{Currency, Money};
    use shared::domain::order::{OrderLine, PaymentMethod, StatusChange};

    fn usd(amount: i64) -> Money {
        Money {
            amount,
            currency: Currency::parse("USD").unwrap(),
        }
    }

    fn sku(s: &str) -> Sku {
        Sku::parse(s).unwrap()
    }

    fn product(s: &str, on_hand: i64, reserved: i64) -> Product {
        Product {
            sku: sku(s),
            name: s.into(),
            description: String::new(),
            price: usd(500),
            active: true,
            allow_backorder: false,
            low_stock_threshold: 0,
            weight_grams: 0,
            on_hand,
            reserved,
            available: on_hand - reserved,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    /// An order of `quantity` units of A at 500 that went through `path`.
    fn order(id: &str, quantity: u32, path: &[OrderStatus], stock: StockState) -> Order {
        let total = usd(500 * i64::from(quantity));
        Order {
            order_id: id.into(),
            order_number: "ORD-000001".into(),
            customer_sub: "c".into(),
            customer: Customer {
                name: "Ada".into(),
                email: "ada@example.com".into(),
                phone: None,
            },
            shipping_address: Address {
                line1: "1 Main St".into(),
                line2: None,
                city: "Springfield".into(),
                region: None,
                postal_code: "62701".into(),
                country: "US".into(),
            },
            billing_address: None,
            payment: PaymentMethod {
                method_token: "pm_card_visa".into(),
            },
            lines: vec![OrderLine {
                sku: sku("A"),
                name: "A".into(),
                quantity,
                unit_price: usd(500),
                line_total: total.clone(),
                discount: None,
                tax: None,
            }],
            subtotal: total.clone(),
            discount: None,
            shipping: None,
            tax: None,
            tax_included: false,
            shipping_option: None,
            total: total.clone(),
            status: *path.last().unwrap(),
            status_history: path
                .iter()
                .map(|s| StatusChange {
                    status: *s,
                    at: String::new(),
                    reason: None,
                })
                .collect(),
            cart_id: format!("cart-{id}"),
            created_at: String::new(),
            updated_at: String::new(),
            stock_state: stock,
            payment_record: path.contains(&OrderStatus::Paid).then(|| {
                PaymentRecord::captured(
                    "sandbox",
                    format!("pi_{id}"),
                    "card".into(),
                    None,
                    None,
                    total,
                    "",
                )
            }),
            shipment: None,
            tracking_events: Vec::new(),
            promotion: None,
            backorder_token: None,
            after_sales: Default::default(),
            erased_at: None,
        }
    }

    fn failed(checks: &[Invariant]) -> Vec<&'static str> {
        checks
            .iter()
            .filter(|c| !c.holds())
            .map(|c| c.name)
            .collect()
    }

    /// Ten units received; 2 shipped, 3 held, 1 rejected order.
    fn consistent() -> Snapshot {
        use OrderStatus::*;
        Snapshot {
            products: vec![product("A", 8, 3)],
            ledger: BTreeMap::from([(sku("A"), 10)]),
            orders: vec![
                order(
                    "o1",
                    2,
                    &[Pending, Reserved, Paid, Shipped],
                    StockState::Committed,
                ),
                order("o2", 3, &[Pending, Reserved, Paid], StockState::Held),
                order("o3", 9, &[Pending, Rejected], StockState::NotHeld),
            ],
            gateway: Some(vec![
                Operation::Charge {
                    payment_id: "pi_o1".into(),
                    amount: usd(1000),
                },
                Operation::Charge {
                    payment_id: "pi_o2".into(),
                    amount: usd(1500),
                },
            ]),
        }
    }

    #[test]
    fn a_consistent_state_holds_every_invariant() {
        let expected = Expected {
            received: BTreeMap::from([(sku("A"), 10)]),
            accepted: Some(["o1", "o2", "o3"].map(String::from).into()),
            ..Expected::default()
        };
        let checks = evaluate(&consistent(), &expected);
        assert_eq!(failed(&checks), Vec::<&str>::new(), "{checks:#?}");
        assert_eq!(checks.len(), 14);
    }

    #[test]
    fn an_oversold_sku_breaks_the_stock_invariants() {
        let mut state = consistent();
        state.products = vec![product("A", -1, 3)];
        let checks = evaluate(&state, &Expected::default());
        assert_eq!(
            failed(&checks),
            [
                "stock counters are never negative",
                "on hand = units received - units shipped"
            ]
        );
    }

    #[test]
    fn a_leaked_reservation_is_found() {
        let mut state = consistent();
        state.orders[1].status = OrderStatus::Cancelled;
        state.orders[1].status_history.push(StatusChange {
            status: OrderStatus::Cancelled,
            at: String::new(),
            reason: None,
        });
        if let Some(p) = state.orders[1].payment_record.as_mut() {
            p.status = PaymentStatus::Refunded;
            p.refunded = Some(usd(1500));
        }
        state.gateway.as_mut().unwrap().push(Operation::Refund {
            payment_id: "pi_o2".into(),
            refund_id: "re_o2".into(),
            amount: usd(1500),
        });
        assert_eq!(
            failed(&evaluate(&state, &Expected::default())),
            ["each order's stock state agrees with its status"]
        );
    }

    #[test]
    fn money_kept_for_a_failed_order_or_refunded_twice_is_found() {
        let mut state = consistent();
        state.orders[2].payment_record = Some(PaymentRecord::captured(
            "sandbox",
            "pi_o3".into(),
            "card".into(),
            None,
            None,
            usd(4500),
            "",
        ));
        let gateway = state.gateway.as_mut().unwrap();
        gateway.push(Operation::Charge {
            payment_id: "pi_o3".into(),
            amount: usd(4500),
        });
        for n in 0..2 {
            gateway.push(Operation::Refund {
                payment_id: "pi_o1".into(),
                refund_id: format!("re_{n}"),
                amount: usd(1000),
            });
        }
        assert_eq!(
            failed(&evaluate(&state, &Expected::default())),
            [
                "each order's payment agrees with its status",
                "refunds never exceed the capture (gateway)",
                "the gateway kept what the orders record"
            ]
        );
    }

    #[test]
    fn a_skipped_status_and_a_missing_order_are_found() {
        let mut state = consistent();
        state.orders[0].status_history.remove(1);
        let expected = Expected {
            accepted: Some(["o1", "o2", "o3", "o4"].map(String::from).into()),
            ..Expected::default()
        };
        assert_eq!(
            failed(&evaluate(&state, &expected)),
            [
                "every status change was an allowed one",
                "the orders stored are the checkouts accepted"
            ]
        );
    }

    #[test]
    fn a_cart_checked_out_twice_is_found_and_an_unanswered_checkout_is_not_a_stranger() {
        let mut state = consistent();
        // o3's checkout went unanswered; o2 was placed from the same cart.
        state.orders[1].cart_id = "cart-o3".into();
        let expected = Expected {
            accepted: Some(["o1", "o2"].map(String::from).into()),
            unanswered_carts: ["cart-o3".to_string()].into(),
            ..Expected::default()
        };
        assert_eq!(
            failed(&evaluate(&state, &expected)),
            ["no cart was checked out twice"]
        );
    }
}

//! Shipping labels, read back without the code that wrote them: the PDF must
//! parse, show the addresses and order, and carry a barcode a scanner reads
//! as the tracking number. No emulator needed.

use lopdf::content::Content;
use lopdf::Document;
use shared::domain::checkout::Address;
use shared::domain::money::{Currency, Money};
use shared::domain::order::{Order, OrderLine, OrderShipping, OrderStatus, Shipment};
use shared::domain::product::Sku;
use shared::fulfilment::label::{render, Sender};
use shared::fulfilment::{Carrier, LocalCarrier};
use tests::label::{read_label, LabelContents};

const NOW: &str = "2026-01-02T03:04:05Z";

fn order(name: &str) -> Order {
    let usd = Currency::parse("USD").unwrap();
    let line = |sku: &str, name: &str, quantity: u32| OrderLine {
        sku: Sku::parse(sku).unwrap(),
        name: name.into(),
        quantity,
        unit_price: Money {
            amount: 1250,
            currency: usd.clone(),
        },
        line_total: Money {
            amount: 1250 * i64::from(quantity),
            currency: usd.clone(),
        },
        discount: None,
        tax: None,
    };
    let lines = vec![line("MUG-01", "Mug", 2), line("TEE-02", "T-shirt", 1)];
    let mut order = tests::sample_order("0194c7e2-label-test", "sub-1", lines, NOW);
    order.order_number = "ORD-004217".into();
    order.customer.name = name.into();
    order.shipping_address.line2 = Some("Apt 4 (rear)".into());
    order.status = OrderStatus::Paid;
    order.status_history[0].status = OrderStatus::Paid;
    order
}

fn shipment(tracking_number: &str) -> Shipment {
    Shipment {
        carrier: "Local Carrier".into(),
        tracking_number: tracking_number.into(),
        tracking_url: format!("https://track.local-carrier.test/{tracking_number}"),
        shipped_at: NOW.into(),
    }
}

fn sender() -> Sender {
    Sender {
        name: "Acme Goods Ltd".into(),
        address: Address {
            line1: "500 Warehouse Rd".into(),
            line2: None,
            city: "Chicago".into(),
            region: Some("IL".into()),
            postal_code: "60601".into(),
            country: "US".into(),
        },
    }
}

fn shows(label: &LabelContents, needle: &str) -> bool {
    label.text.iter().any(|t| t.contains(needle))
}

fn assert_reads_back(order: &Order, shipment: &Shipment) {
    let pdf = render(order, shipment, &sender());
    let label = read_label(&pdf).unwrap();
    assert_eq!(label.pages, 1);
    assert_eq!(label.barcode, shipment.tracking_number, "{:?}", label.text);
    for needle in [
        order.order_number.as_str(),
        order.customer.name.as_str(),
        order.shipping_address.postal_code.as_str(),
        "Acme Goods Ltd",
        "60601",
        "Local Carrier",
        "Items: 3",
        shipment.tracking_number.as_str(),
    ] {
        assert!(shows(&label, needle), "{needle:?} not in {:?}", label.text);
    }
}

#[tokio::test]
async fn a_label_for_a_local_carrier_shipment_scans_as_its_tracking_number() {
    let order = order("Ada Lovelace");
    let shipment = Carrier::Local(LocalCarrier)
        .create_shipment(&order, NOW)
        .await
        .unwrap();
    assert!(shipment.tracking_number.starts_with("LC"));
    assert_eq!(shipment.tracking_number.len(), 14);
    assert_reads_back(&order, &shipment);
}

#[test]
fn tracking_numbers_of_other_shapes_scan_too() {
    let order = order("Ada Lovelace");
    for tracking in [
        "LC000000000000",
        "LC987654321098",
        "1Z999AA10123456784",
        "abc-123_XYZ",
        "7",
        "Q4",
        "RR123456789GB",
        "A(b)c\\d {|}~ 12345",
        "123456789012345678901234567890",
    ] {
        assert_reads_back(&order, &shipment(tracking));
    }
}

#[test]
fn names_with_accents_print_in_latin_1_and_the_rest_as_question_marks() {
    let label = read_label(&render(
        &order("Zoë Åström-Łukasz"),
        &shipment("LC123456789012"),
        &sender(),
    ))
    .unwrap();
    assert!(shows(&label, "Zoë Åström-?ukasz"), "{:?}", label.text);
    assert_eq!(label.barcode, "LC123456789012");
}

/// Applies `change` to the list of bar rectangles (`re` operations of the
/// page that are as tall as most of them) and writes the PDF back out.
fn with_bars_changed(
    pdf: &[u8],
    change: impl FnOnce(&mut Vec<lopdf::content::Operation>, &[usize]),
) -> Vec<u8> {
    let mut doc = Document::load_mem(pdf).unwrap();
    let page_id = *doc.get_pages().values().next().unwrap();
    let mut content = Content::decode(&doc.get_page_content(page_id)).unwrap();
    let height = |op: &lopdf::content::Operation| op.operands[3].as_float().unwrap();
    let res: Vec<usize> = (0..content.operations.len())
        .filter(|&i| content.operations[i].operator == "re")
        .collect();
    let bar_height = res
        .iter()
        .map(|&i| height(&content.operations[i]))
        .max_by_key(|h| {
            res.iter()
                .filter(|&&j| height(&content.operations[j]) == *h)
                .count()
        })
        .unwrap();
    let bars: Vec<usize> = res
        .into_iter()
        .filter(|&i| height(&content.operations[i]) == bar_height)
        .collect();
    assert!(bars.len() > 20, "{} bars", bars.len());
    change(&mut content.operations, &bars);
    doc.change_page_content(page_id, content.encode().unwrap())
        .unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn assert_misreads(pdf: &[u8], tracking: &str) {
    match read_label(pdf) {
        Ok(label) => assert_ne!(label.barcode, tracking, "the corrupted bars still scan"),
        Err(e) => assert!(e.to_string().contains("barcode"), "{e:#}"),
    }
}

#[test]
fn a_label_with_a_missing_bar_does_not_scan_as_the_tracking_number() {
    let tracking = "LC123456789012";
    let pdf = render(&order("Ada Lovelace"), &shipment(tracking), &sender());
    // The untouched round trip reads fine, so what fails below is the bar.
    let same = with_bars_changed(&pdf, |_, _| {});
    assert_eq!(read_label(&same).unwrap().barcode, tracking);

    let missing = with_bars_changed(&pdf, |ops, bars| {
        ops.remove(bars[bars.len() / 2]);
    });
    assert_misreads(&missing, tracking);
}

#[test]
fn a_label_with_a_widened_bar_does_not_scan_as_the_tracking_number() {
    let tracking = "LC123456789012";
    let pdf = render(&order("Ada Lovelace"), &shipment(tracking), &sender());
    let widened = with_bars_changed(&pdf, |ops, bars| {
        let narrowest = bars
            .iter()
            .map(|&i| ops[i].operands[2].as_float().unwrap())
            .fold(f32::INFINITY, f32::min);
        let bar = &mut ops[bars[bars.len() / 2]];
        let width = bar.operands[2].as_float().unwrap();
        bar.operands[2] = lopdf::Object::Real(width + narrowest);
    });
    assert_misreads(&widened, tracking);
}

#[test]
fn something_that_is_not_a_pdf_is_refused() {
    assert!(read_label(b"%PDF-1.7\nnot really").is_err());
    assert!(read_label(b"").is_err());
}

#[test]
fn the_label_names_the_carrier_service_the_customer_chose() {
    let usd = Currency::parse("USD").unwrap();
    let mut express = order("Ada Lovelace");
    express.shipping_option = Some(OrderShipping {
        option_id: "7d0f3e2a-1b4c-4d5e-8f60-0a1b2c3d4e52".into(),
        name: "Express".into(),
        carrier_service: "Express Air".into(),
        price: Money {
            amount: 1_900,
            currency: usd.clone(),
        },
        tax: Money {
            amount: 0,
            currency: usd,
        },
    });
    let pdf = render(&express, &shipment("LC123456789012"), &sender());
    if let Some(path) = std::env::var_os("LABEL_PDF_OUT") {
        std::fs::write(path, &pdf).unwrap();
    }
    let label = read_label(&pdf).unwrap();
    assert!(
        shows(&label, "Local Carrier - Express Air"),
        "{:?}",
        label.text
    );
    assert_eq!(label.barcode, "LC123456789012");
}

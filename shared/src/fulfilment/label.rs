//! Shipping labels: a one-page 4x6 inch PDF with the sender, the recipient,
//! the order and a Code 128 barcode of the tracking number.
//!
//! The PDF uses the standard Helvetica fonts (nothing embedded) with
//! WinAnsiEncoding, so Latin-1 names print as they are and anything else is
//! shown as `?`. The barcode is drawn as filled vector rectangles, one per
//! bar, so it stays sharp at any printer resolution. The output depends only
//! on its inputs: the same order and shipment give the same bytes.

use barcoders::sym::code128::Code128;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::domain::checkout::Address;
use crate::domain::order::{Order, Shipment};

/// Who the parcel is from (the shop's return address).
#[derive(Clone, Debug)]
pub struct Sender {
    /// The shop's name, printed first in the FROM block.
    pub name: String,
    /// Where undeliverable parcels go back to.
    pub address: Address,
}

/// Page width: 4 inches in points.
const WIDTH: f32 = 288.0;
/// Page height: 6 inches in points.
const HEIGHT: f32 = 432.0;
/// White space between the paper's edge and any text or bar.
const MARGIN: f32 = 14.0;
/// Where the frame around the label is drawn, from the paper's edge.
const FRAME_INSET: f32 = 7.0;
/// Blank modules kept on each side of the bars, as Code 128 requires.
const QUIET_MODULES: usize = 10;
/// The widest module (narrowest bar) drawn; narrower when the data is long.
const MAX_MODULE: f32 = 1.5;
/// How tall the bars are.
const BAR_HEIGHT: f32 = 90.0;
/// How much smaller than asked text may be set to fit before it is cut short.
const MIN_SCALE: f32 = 0.75;
/// Baseline of the human-readable tracking number under the bars.
const TRACKING_BASELINE: f32 = 24.0;

/// Renders a 4x6 inch (288x432 pt) one-page PDF shipping label.
///
/// The label shows the sender (FROM), the recipient (SHIP TO), the carrier,
/// the order number, the number of items and the tracking number, both as a
/// Code 128 barcode and printed under it. Text too wide for the label is
/// cut short with `...`. A tracking number that Code 128 cannot carry (empty,
/// or not printable ASCII) is printed without a barcode.
pub fn render(order: &Order, shipment: &Shipment, sender: &Sender) -> Vec<u8> {
    let catalog_id = Ref::new(1);
    let page_tree_id = Ref::new(2);
    let page_id = Ref::new(3);
    let content_id = Ref::new(4);
    let regular_id = Ref::new(5);
    let bold_id = Ref::new(6);
    let info_id = Ref::new(7);

    let content = page_content(order, shipment, sender);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(page_tree_id);
    pdf.pages(page_tree_id).kids([page_id]).count(1);
    {
        let mut page = pdf.page(page_id);
        page.parent(page_tree_id)
            .media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Font::Regular.resource(), regular_id);
        fonts.pair(Font::Bold.resource(), bold_id);
    }
    pdf.stream(content_id, &content);
    for (id, font) in [(regular_id, Font::Regular), (bold_id, Font::Bold)] {
        pdf.type1_font(id)
            .base_font(font.base_font())
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let title = format!("Shipping label {}", order.order_number);
    pdf.document_info(info_id).title(TextStr(&title));
    pdf.finish()
}

/// Draws the whole label into one content stream.
fn page_content(order: &Order, shipment: &Shipment, sender: &Sender) -> Vec<u8> {
    let mut page = Page {
        content: Content::new(),
    };
    let text_width = WIDTH - 2.0 * MARGIN;

    // Frame.
    page.content
        .set_line_width(1.0)
        .set_stroke_gray(0.0)
        .rect(
            FRAME_INSET,
            FRAME_INSET,
            WIDTH - 2.0 * FRAME_INSET,
            HEIGHT - 2.0 * FRAME_INSET,
        )
        .stroke();

    // FROM: small, top left.
    let mut y = HEIGHT - MARGIN - 7.0;
    page.text(MARGIN, y, Font::Bold, 7.0, "FROM", text_width);
    y -= 11.0;
    page.text(MARGIN, y, Font::Regular, 9.0, &sender.name, text_width);
    for line in address_lines(&sender.address) {
        y -= 10.0;
        page.text(MARGIN, y, Font::Regular, 8.0, &line, text_width);
    }
    y -= 9.0;
    page.rule(y);

    // SHIP TO: the largest text on the label.
    y -= 13.0;
    page.text(MARGIN, y, Font::Bold, 8.0, "SHIP TO", text_width);
    y -= 19.0;
    page.text(
        MARGIN,
        y,
        Font::Bold,
        16.0,
        &order.customer.name,
        text_width,
    );
    for line in address_lines(&order.shipping_address) {
        y -= 17.0;
        page.text(MARGIN, y, Font::Regular, 14.0, &line, text_width);
    }
    y -= 11.0;
    page.rule(y);

    // Carrier, order and item count.
    y -= 17.0;
    let items = format!("Items: {}", item_count(order));
    let items_width = Font::Regular.measure(&win_ansi(&items), 10.0);
    // The carrier and the service the parcel was booked with (Ground,
    // Express Air), as the customer chose it at checkout.
    let carrier = match &order.shipping_option {
        Some(option) => format!("{} - {}", shipment.carrier, option.carrier_service),
        None => shipment.carrier.clone(),
    };
    page.text(
        MARGIN,
        y,
        Font::Bold,
        13.0,
        &carrier,
        text_width - items_width - 8.0,
    );
    page.text(
        WIDTH - MARGIN - items_width,
        y,
        Font::Regular,
        10.0,
        &items,
        items_width,
    );
    y -= 18.0;
    let order_line = format!("Order {}", order.order_number);
    page.text(MARGIN, y, Font::Bold, 14.0, &order_line, text_width);
    y -= 10.0;
    page.rule(y);

    // Barcode and the tracking number under it.
    let bars_bottom = TRACKING_BASELINE + 13.0;
    page.text(
        MARGIN,
        bars_bottom + BAR_HEIGHT + 8.0,
        Font::Bold,
        7.0,
        "TRACKING NUMBER",
        text_width,
    );
    match code128_modules(&shipment.tracking_number) {
        Some(modules) => page.barcode(&modules, bars_bottom),
        None => {
            tracing::warn!(
                order_number = %order.order_number,
                "tracking number cannot be drawn as Code 128; label printed without a barcode"
            );
            page.centered_text(
                bars_bottom + BAR_HEIGHT / 2.0,
                Font::Regular,
                9.0,
                "(no barcode)",
                text_width,
            );
        }
    }
    page.centered_text(
        TRACKING_BASELINE,
        Font::Bold,
        12.0,
        &shipment.tracking_number,
        text_width,
    );

    page.content.finish().into_vec()
}

/// Sums the quantities of the order's lines.
fn item_count(order: &Order) -> u64 {
    order.lines.iter().map(|l| u64::from(l.quantity)).sum()
}

/// An address as printed: street lines, `City, Region Postal`, country.
fn address_lines(address: &Address) -> Vec<String> {
    let mut lines = vec![address.line1.clone()];
    if let Some(line2) = address.line2.as_deref().filter(|l| !l.trim().is_empty()) {
        lines.push(line2.to_string());
    }
    let mut city = address.city.clone();
    if let Some(region) = address.region.as_deref().filter(|r| !r.trim().is_empty()) {
        city.push_str(", ");
        city.push_str(region);
    }
    city.push(' ');
    city.push_str(&address.postal_code);
    lines.push(city);
    lines.push(address.country.clone());
    lines
}

/// A page's content stream being drawn.
struct Page {
    content: Content,
}

impl Page {
    /// Shows `text` with its baseline starting at (`x`, `y`) and at most
    /// `max_width` points wide: set smaller (down to [`MIN_SCALE`] of
    /// `size`) if need be, then cut short.
    fn text(&mut self, x: f32, y: f32, font: Font, size: f32, text: &str, max_width: f32) {
        let bytes = win_ansi(text);
        let width = font.measure(&bytes, size);
        let size = if width > max_width {
            // Rounded down so that the rounded size still fits.
            ((size * max_width / width).max(size * MIN_SCALE) * 100.0).floor() / 100.0
        } else {
            size
        };
        let bytes = font.fit(&bytes, size, max_width);
        self.content
            .set_fill_gray(0.0)
            .begin_text()
            .set_font(font.resource(), size)
            .next_line(round2(x), round2(y))
            .show(Str(&bytes))
            .end_text();
    }

    /// Like [`Page::text`], centred on the page.
    fn centered_text(&mut self, y: f32, font: Font, size: f32, text: &str, max_width: f32) {
        let bytes = font.fit(&win_ansi(text), size, max_width);
        let x = (WIDTH - font.measure(&bytes, size)) / 2.0;
        self.content
            .set_fill_gray(0.0)
            .begin_text()
            .set_font(font.resource(), size)
            .next_line(round2(x), round2(y))
            .show(Str(&bytes))
            .end_text();
    }

    /// A horizontal line across the label at `y`.
    fn rule(&mut self, y: f32) {
        self.content
            .set_line_width(0.75)
            .set_stroke_gray(0.0)
            .move_to(FRAME_INSET, round2(y))
            .line_to(WIDTH - FRAME_INSET, round2(y))
            .stroke();
    }

    /// Draws the bars (`1` modules) centred on the page, bottom at `y`: one
    /// filled rectangle per bar, the module as wide as fits the label with
    /// its quiet zones, but no wider than [`MAX_MODULE`].
    fn barcode(&mut self, modules: &[u8], y: f32) {
        let available = WIDTH - 2.0 * MARGIN;
        let total = (modules.len() + 2 * QUIET_MODULES) as f32;
        // Whole hundredths of a point, rounded down, so every bar edge
        // lands on the same grid.
        let module = ((available / total).min(MAX_MODULE) * 100.0).floor() / 100.0;
        let x0 = round2((WIDTH - modules.len() as f32 * module) / 2.0);
        self.content.set_fill_gray(0.0);
        for (start, len) in bar_runs(modules) {
            self.content.rect(
                round2(x0 + start as f32 * module),
                round2(y),
                round2(len as f32 * module),
                BAR_HEIGHT,
            );
        }
        self.content.fill_nonzero();
    }
}

/// The runs of `1`s in `modules`, as (first module, number of modules).
fn bar_runs(modules: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, &m) in modules.iter().enumerate() {
        match (m != 0, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i - s));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, modules.len() - s));
    }
    runs
}

/// Encodes `data` as Code 128 modules (1 = bar, 0 = space), start to stop
/// pattern without quiet zones. `None` if `data` is empty or has anything
/// but printable ASCII.
fn code128_modules(data: &str) -> Option<Vec<u8>> {
    let input = code128_input(data)?;
    Code128::new(input).ok().map(|code| code.encode())
}

/// Spells `data` in barcoders' Code 128 syntax (`Ɓ` = character set B,
/// `Ć` = set C): set B for text, set C (two digits a symbol) for runs of four
/// or more digits, or for data that is all digits and of even length.
fn code128_input(data: &str) -> Option<String> {
    const SET_B: char = '\u{0181}';
    const SET_C: char = '\u{0106}';
    let bytes = data.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|b| (b' '..=b'~').contains(b)) {
        return None;
    }
    let mut out = String::with_capacity(bytes.len() + 4);
    let mut set: Option<char> = None;
    let mut i = 0;
    while i < bytes.len() {
        let mut run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let all_digits = i == 0 && run == bytes.len();
        if run >= 4 || (all_digits && run >= 2 && run % 2 == 0) {
            if run % 2 == 1 {
                // An odd run: its first digit goes in set B.
                if set != Some(SET_B) {
                    out.push(SET_B);
                    set = Some(SET_B);
                }
                out.push(char::from(bytes[i]));
                i += 1;
                run -= 1;
            }
            if set != Some(SET_C) {
                out.push(SET_C);
                set = Some(SET_C);
            }
            out.extend(bytes[i..i + run].iter().map(|&b| char::from(b)));
            i += run;
        } else {
            if set != Some(SET_B) {
                out.push(SET_B);
                set = Some(SET_B);
            }
            out.push(char::from(bytes[i]));
            i += 1;
        }
    }
    Some(out)
}

/// Rounds to hundredths of a point, to keep the content stream short.
fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// The two standard fonts the label uses.
#[derive(Clone, Copy, Debug)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The name the page's resources give the font.
    fn resource(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    /// The standard (base-14) font's PostScript name.
    fn base_font(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"Helvetica"),
            Font::Bold => Name(b"Helvetica-Bold"),
        }
    }

    /// Advance width of a WinAnsi byte, in thousandths of the font size.
    fn advance(self, byte: u8) -> u16 {
        let table = match self {
            Font::Regular => &HELVETICA_WIDTHS,
            Font::Bold => &HELVETICA_BOLD_WIDTHS,
        };
        match byte {
            b' '..=b'~' => table[usize::from(byte - b' ')],
            // Accented letters and symbols: about as wide as a capital.
            _ => 667,
        }
    }

    /// Width of `bytes` at `size`, in points.
    fn measure(self, bytes: &[u8], size: f32) -> f32 {
        let units: u32 = bytes.iter().map(|&b| u32::from(self.advance(b))).sum();
        units as f32 * size / 1000.0
    }

    /// `bytes`, cut short with `...` so that they fit in `max_width`.
    fn fit(self, bytes: &[u8], size: f32, max_width: f32) -> Vec<u8> {
        if self.measure(bytes, size) <= max_width {
            return bytes.to_vec();
        }
        let ellipsis = self.measure(b"...", size);
        let mut out = bytes.to_vec();
        while !out.is_empty() && self.measure(&out, size) + ellipsis > max_width {
            out.pop();
        }
        while out.last() == Some(&b' ') {
            out.pop();
        }
        out.extend_from_slice(b"...");
        out
    }
}

/// Encodes `text` in WinAnsiEncoding (Windows-1252): Latin-1 letters as
/// they are, the typographic characters it has at 0x80-0x9F, white space as
/// a space and everything else as `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match u32::from(c) {
            0x20..=0x7E | 0xA0..=0xFF => u32::from(c) as u8,
            _ if c.is_whitespace() => b' ',
            _ => WIN_ANSI_EXTRA
                .iter()
                .find(|(ch, _)| *ch == c)
                .map_or(b'?', |&(_, byte)| byte),
        })
        .collect()
}

/// The characters WinAnsiEncoding puts at 0x80-0x9F.
const WIN_ANSI_EXTRA: [(char, u8); 27] = [
    ('\u{20AC}', 0x80),
    ('\u{201A}', 0x82),
    ('\u{0192}', 0x83),
    ('\u{201E}', 0x84),
    ('\u{2026}', 0x85),
    ('\u{2020}', 0x86),
    ('\u{2021}', 0x87),
    ('\u{02C6}', 0x88),
    ('\u{2030}', 0x89),
    ('\u{0160}', 0x8A),
    ('\u{2039}', 0x8B),
    ('\u{0152}', 0x8C),
    ('\u{017D}', 0x8E),
    ('\u{2018}', 0x91),
    ('\u{2019}', 0x92),
    ('\u{201C}', 0x93),
    ('\u{201D}', 0x94),
    ('\u{2022}', 0x95),
    ('\u{2013}', 0x96),
    ('\u{2014}', 0x97),
    ('\u{02DC}', 0x98),
    ('\u{2122}', 0x99),
    ('\u{0161}', 0x9A),
    ('\u{203A}', 0x9B),
    ('\u{0153}', 0x9C),
    ('\u{017E}', 0x9E),
    ('\u{0178}', 0x9F),
];

/// Helvetica advance widths for ' ' (0x20) to '~' (0x7E), from its AFM.
#[rustfmt::skip]
const HELVETICA_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold advance widths for ' ' (0x20) to '~' (0x7E), from its AFM.
#[rustfmt::skip]
const HELVETICA_BOLD_WIDTHS: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkout::Customer;
    use crate::domain::money::{Currency, Money};
    use crate::domain::order::{OrderLine, OrderStatus, PaymentMethod};
    use crate::domain::product::Sku;

    fn address(postal_code: &str) -> Address {
        Address {
            line1: "1 Main St".into(),
            line2: Some("Apt (4)\\B".into()),
            city: "Springfield".into(),
            region: Some("IL".into()),
            postal_code: postal_code.into(),
            country: "US".into(),
        }
    }

    fn order(name: &str) -> Order {
        let usd = Money {
            amount: 1000,
            currency: Currency::parse("USD").unwrap(),
        };
        Order {
            order_id: "order-1".into(),
            order_number: "ORD-000042".into(),
            customer_sub: "sub".into(),
            customer: Customer {
                name: name.into(),
                email: "ada@example.com".into(),
                phone: None,
            },
            shipping_address: address("62701"),
            billing_address: None,
            payment: PaymentMethod {
                method_token: "pm_card_visa".into(),
            },
            lines: vec![OrderLine {
                sku: Sku::parse("SKU-1").unwrap(),
                name: "Widget".into(),
                quantity: 3,
                unit_price: usd.clone(),
                line_total: usd.clone(),
                discount: None,
                tax: None,
            }],
            subtotal: usd.clone(),
            discount: None,
            shipping: None,
            tax: None,
            tax_included: false,
            shipping_option: None,
            total: usd,
            status: OrderStatus::Paid,
            status_history: Vec::new(),
            cart_id: "cart-1".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            stock_state: Default::default(),
            payment_record: None,
            shipment: None,
            tracking_events: Vec::new(),
            promotion: None,
            backorder_token: None,
            after_sales: Default::default(),
            erased_at: None,
        }
    }

    fn shipment(tracking_number: &str) -> Shipment {
        Shipment {
            carrier: "Local Carrier".into(),
            tracking_number: tracking_number.into(),
            tracking_url: format!("https://track.local-carrier.test/{tracking_number}"),
            shipped_at: "2026-01-02T00:00:00Z".into(),
        }
    }

    fn sender() -> Sender {
        Sender {
            name: "The Shop".into(),
            address: address("10001"),
        }
    }

    #[test]
    fn a_label_is_a_complete_pdf() {
        let pdf = render(
            &order("Ada Lovelace"),
            &shipment("LC123456789012"),
            &sender(),
        );
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Helvetica-Bold"));
        assert!(text.contains("(Order ORD-000042) Tj"));
        assert!(text.contains("(Items: 3) Tj"));
        assert!(text.contains(" re\n"));
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let a = render(
            &order("Ada Lovelace"),
            &shipment("LC123456789012"),
            &sender(),
        );
        let b = render(
            &order("Ada Lovelace"),
            &shipment("LC123456789012"),
            &sender(),
        );
        assert_eq!(a, b);
        let c = render(
            &order("Ada Lovelace"),
            &shipment("LC123456789013"),
            &sender(),
        );
        assert_ne!(a, c);
    }

    #[test]
    fn odd_input_still_renders() {
        for tracking in ["", "é", "X", &"A1".repeat(40)] {
            let pdf = render(
                &order("Zoë (the) \\ Łukasz 山田"),
                &shipment(tracking),
                &sender(),
            );
            assert!(pdf.starts_with(b"%PDF-"));
        }
    }

    #[test]
    fn text_is_win_ansi_with_question_marks_for_the_rest() {
        assert_eq!(win_ansi("Zoë – Ł\t€"), b"Zo\xEB \x96 ? \x80".to_vec());
    }

    #[test]
    fn long_text_is_cut_short_to_fit() {
        let long = vec![b'W'; 200];
        let fitted = Font::Bold.fit(&long, 12.0, 100.0);
        assert!(fitted.ends_with(b"..."));
        assert!(Font::Bold.measure(&fitted, 12.0) <= 100.0);
    }

    #[test]
    fn digit_runs_use_character_set_c() {
        assert_eq!(
            code128_input("LC123456789012").as_deref(),
            Some("\u{0181}LC\u{0106}123456789012")
        );
        assert_eq!(
            code128_input("AB12345x").as_deref(),
            Some("\u{0181}AB1\u{0106}2345\u{0181}x")
        );
        assert_eq!(code128_input("1234").as_deref(), Some("\u{0106}1234"));
        assert_eq!(code128_input("123").as_deref(), Some("\u{0181}123"));
        assert_eq!(code128_input(""), None);
        assert_eq!(code128_input("né"), None);
    }

    #[test]
    fn tracking_numbers_fit_with_their_quiet_zones() {
        // Start, L, C, code C, six digit pairs, check, stop (13 modules).
        let modules = code128_modules("LC123456789012").unwrap();
        assert_eq!(modules.len(), 11 * 10 + 11 + 13);
        // Set B only: start, 30 characters, check, stop.
        let long = code128_modules(&"A-".repeat(15)).unwrap();
        assert_eq!(long.len(), 11 * 32 + 13);
        let module = (WIDTH - 2.0 * MARGIN) / (long.len() + 2 * QUIET_MODULES) as f32;
        assert!(module > 0.6);
    }

    #[test]
    fn bars_are_runs_of_ones() {
        assert_eq!(
            bar_runs(&[1, 1, 0, 1, 0, 0, 1]),
            vec![(0, 2), (3, 1), (6, 1)]
        );
    }
}

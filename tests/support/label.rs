//! Reads a shipping label PDF back the way a person or a scanner would,
//! without the code that wrote it: `lopdf` parses the file and its page
//! content, the text shown is collected, and the filled rectangles of the
//! barcode are rasterized and decoded by `rxing` (a port of ZXing).

use anyhow::{anyhow, bail, ensure, Context};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object};
use rxing::common::HybridBinarizer;
use rxing::oned::Code128Reader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, Reader};

/// What a label shows.
#[derive(Clone, Debug)]
pub struct LabelContents {
    /// Number of pages in the document.
    pub pages: usize,
    /// Every string shown on the first page (`Tj`, `TJ`, `'`, `"`), in order,
    /// decoded as WinAnsiEncoding.
    pub text: Vec<String>,
    /// What the barcode scanner read from the bars.
    pub barcode: String,
}

/// Pixels per barcode module (narrowest bar) in the rasterized image.
const PIXELS_PER_MODULE: f32 = 3.0;
/// White modules added on each side of the bars in the image.
const IMAGE_QUIET_MODULES: f32 = 15.0;
/// Rows of the rasterized image.
const IMAGE_HEIGHT: u32 = 40;
/// Refuse to rasterize anything wider than this (a malformed drawing).
const MAX_IMAGE_WIDTH: u32 = 20_000;
/// Cap on the decompressed page content.
const MAX_CONTENT_BYTES: usize = 16 << 20;

/// Parses the PDF, collects the shown text strings and decodes the barcode
/// from the drawn bars.
///
/// The bars are the largest set of dark filled rectangles sharing one bottom
/// edge and height on the first page (after applying `cm` transforms). They
/// are drawn into a white grayscale image, each at its own position and
/// width, and handed to a Code 128 reader. Fails if the PDF does not parse,
/// has no page, has no bars, or the scanner reads no Code 128 barcode.
pub fn read_label(pdf: &[u8]) -> anyhow::Result<LabelContents> {
    let doc = Document::load_mem(pdf).context("the PDF does not parse")?;
    let pages = doc.get_pages();
    let page_id = *pages.values().next().context("the PDF has no page")?;
    let data = doc
        .get_page_content_with_limit(page_id, MAX_CONTENT_BYTES)
        .context("the page content cannot be read")?;
    let content = Content::decode(&data).context("the page content does not parse")?;
    let drawing = interpret(&content.operations)?;
    let barcode = decode_bars(&drawing.filled)?;
    Ok(LabelContents {
        pages: pages.len(),
        text: drawing.text,
        barcode,
    })
}

/// An axis-aligned box in page space.
#[derive(Clone, Copy, Debug)]
struct BoxPt {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

/// What the page draws that the reader cares about.
#[derive(Default)]
struct Drawing {
    text: Vec<String>,
    /// Rectangles filled with a dark colour.
    filled: Vec<BoxPt>,
}

/// A PDF transformation matrix `[a b c d e f]`.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`: the matrix of applying `m` first.
fn concat(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn numbers(op: &Operation, count: usize) -> anyhow::Result<Vec<f32>> {
    ensure!(
        op.operands.len() >= count,
        "`{}` needs {count} operands, has {}",
        op.operator,
        op.operands.len()
    );
    op.operands[..count]
        .iter()
        .map(|o| {
            o.as_float()
                .map_err(|e| anyhow!("`{}` operand: {e}", op.operator))
        })
        .collect()
}

/// Runs the content stream's operators that matter for text and filled
/// rectangles: the graphics state stack, `cm`, gray/RGB/CMYK fill colours,
/// `re` and the fill and path-ending operators.
fn interpret(operations: &[Operation]) -> anyhow::Result<Drawing> {
    let mut drawing = Drawing::default();
    let mut ctm = IDENTITY;
    // Fill darkness is kept as luminance: 0 black, 1 white.
    let mut fill = 0.0f32;
    let mut stack: Vec<(Matrix, f32)> = Vec::new();
    let mut path: Vec<BoxPt> = Vec::new();

    for op in operations {
        match op.operator.as_str() {
            "q" => stack.push((ctm, fill)),
            "Q" => (ctm, fill) = stack.pop().context("`Q` without `q`")?,
            "cm" => {
                let n = numbers(op, 6)?;
                ctm = concat(&[n[0], n[1], n[2], n[3], n[4], n[5]], &ctm);
            }
            "g" => fill = numbers(op, 1)?[0],
            "rg" => {
                let n = numbers(op, 3)?;
                fill = 0.299 * n[0] + 0.587 * n[1] + 0.114 * n[2];
            }
            "k" => {
                let n = numbers(op, 4)?;
                fill = (1.0 - n[0]).min(1.0 - n[1]).min(1.0 - n[2]) * (1.0 - n[3]);
            }
            "re" => {
                let n = numbers(op, 4)?;
                let corners = [
                    apply(&ctm, n[0], n[1]),
                    apply(&ctm, n[0] + n[2], n[1] + n[3]),
                ];
                let x0 = corners[0].0.min(corners[1].0);
                let x1 = corners[0].0.max(corners[1].0);
                let y0 = corners[0].1.min(corners[1].1);
                let y1 = corners[0].1.max(corners[1].1);
                path.push(BoxPt {
                    x: x0,
                    y: y0,
                    w: x1 - x0,
                    h: y1 - y0,
                });
            }
            "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                if fill < 0.5 {
                    drawing.filled.append(&mut path);
                }
                path.clear();
            }
            "S" | "s" | "n" => path.clear(),
            "Tj" | "'" => drawing.text.push(shown(op.operands.first())?),
            "\"" => drawing.text.push(shown(op.operands.get(2))?),
            "TJ" => {
                let items = op
                    .operands
                    .first()
                    .context("`TJ` without an array")?
                    .as_array()
                    .map_err(|e| anyhow!("`TJ` operand: {e}"))?;
                let mut line = String::new();
                for item in items {
                    if let Object::String(bytes, _) = item {
                        line.push_str(&from_win_ansi(bytes));
                    }
                }
                drawing.text.push(line);
            }
            _ => {}
        }
    }
    Ok(drawing)
}

fn shown(operand: Option<&Object>) -> anyhow::Result<String> {
    let bytes = operand
        .context("a text operator without its string")?
        .as_str()
        .map_err(|e| anyhow!("text operand: {e}"))?;
    Ok(from_win_ansi(bytes))
}

/// Decodes WinAnsiEncoding (Windows-1252) bytes.
fn from_win_ansi(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
        '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{FFFD}', 'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Finds the bars among the filled rectangles, rasterizes them and scans
/// the image.
fn decode_bars(filled: &[BoxPt]) -> anyhow::Result<String> {
    // Bars share a bottom edge and a height; group on tenths of a point.
    let key = |b: &BoxPt| ((b.y * 10.0).round() as i64, (b.h * 10.0).round() as i64);
    let mut groups: Vec<((i64, i64), Vec<BoxPt>)> = Vec::new();
    for b in filled.iter().filter(|b| b.w > 0.0 && b.h > 0.0) {
        match groups.iter_mut().find(|(k, _)| *k == key(b)) {
            Some((_, bars)) => bars.push(*b),
            None => groups.push((key(b), vec![*b])),
        }
    }
    let bars = groups
        .into_iter()
        .map(|(_, bars)| bars)
        .max_by_key(|bars| bars.len())
        .filter(|bars| bars.len() >= 10)
        .context("no barcode: fewer than 10 filled bars in a row")?;

    let module = bars.iter().map(|b| b.w).fold(f32::INFINITY, f32::min);
    let left = bars.iter().map(|b| b.x).fold(f32::INFINITY, f32::min);
    let right = bars
        .iter()
        .map(|b| b.x + b.w)
        .fold(f32::NEG_INFINITY, f32::max);
    let scale = PIXELS_PER_MODULE / module;
    let margin = IMAGE_QUIET_MODULES * module;
    let width_px = ((right - left + 2.0 * margin) * scale).ceil();
    ensure!(
        width_px.is_finite() && width_px > 0.0 && width_px <= MAX_IMAGE_WIDTH as f32,
        "barcode image would be {width_px} px wide"
    );
    let width = width_px as u32;

    let mut row = vec![255u8; width as usize];
    for b in &bars {
        let c0 = ((b.x - left + margin) * scale).round() as usize;
        let c1 = ((b.x + b.w - left + margin) * scale).round() as usize;
        for px in &mut row[c0.min(width as usize)..c1.min(width as usize)] {
            *px = 0;
        }
    }
    let pixels: Vec<u8> = (0..IMAGE_HEIGHT)
        .flat_map(|_| row.iter().copied())
        .collect();

    let source = Luma8LuminanceSource::new(pixels, width, IMAGE_HEIGHT)
        .map_err(|e| anyhow!("barcode image: {e}"))?;
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let hints = DecodeHints {
        TryHarder: Some(true),
        ..Default::default()
    };
    let result = Code128Reader
        .decode_with_hints(&mut bitmap, &hints)
        .map_err(|e| anyhow!("the scanner reads no Code 128 barcode: {e}"))?;
    if *result.getBarcodeFormat() != BarcodeFormat::CODE_128 {
        bail!("the scanner read a {:?}", result.getBarcodeFormat());
    }
    Ok(result.getText().to_string())
}

//! Packs the bulk of report.html, its charts and its long tables, so that the page stays a few
//! megabytes: each block's HTML is gzip-compressed and base64-encoded into a `data-z`
//! attribute, and the page's one script ([`SCRIPT`]) inflates it with the browser's own
//! `DecompressionStream` (nothing fetched, no library) and puts it in place of the block's
//! placeholders (elements of class `ph`): blocks near the screen first, then the rest in the
//! background, and whatever is left before printing.
//!
//! Even compacted ([`super::compact`]), the charts of `china-2020` with every variant are
//! 8 MB of SVG, most of it daily data that no sharing removes; a block of one kind of chart
//! across 22 variants gzips to about a seventh of its size. Packing chart by chart would
//! keep twice as much (each chart alone repeats less), and one block for the whole page
//! would pack no smaller but could not put the charts on screen first (docs/performance.md).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

/// The script that unpacks the page's packed blocks.
pub const SCRIPT: &str = include_str!("unpack.js");

/// What the page says where its blocks cannot be unpacked: shown by the script when the
/// browser lacks `DecompressionStream`, and without scripts (in `<noscript>`).
pub const CANNOT_UNPACK: &str = "This report keeps its charts and its tables of every other \
    region compressed, and this browser cannot unpack them: open it with scripts allowed in \
    Chrome or Edge 80 or later, Firefox 113 or later, or Safari 16.4 or later. Each chart is \
    also a file of its own, named under it.";

/// `html` gzip-compressed (best compression, no name or time in the header, so the same
/// input always packs to the same bytes) and base64-encoded.
pub fn pack(html: &str) -> String {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(html.as_bytes())
        .expect("writing to memory cannot fail");
    let bytes = gz.finish().expect("writing to memory cannot fail");
    STANDARD.encode(bytes)
}

/// The attribute holding a packed block: ` data-z="…"` (base64 needs no escaping).
pub fn attribute(html: &str) -> String {
    format!(" data-z=\"{}\"", pack(html))
}

/// The placeholder of a chart: a shaded box of the chart's width-to-height ratio (read from
/// the `width` and `height` of its root element), so that the page does not shift as charts
/// arrive.
pub fn chart_placeholder(svg: &str) -> String {
    let root = &svg[..svg.find('>').unwrap_or(svg.len())];
    let attr = |name: &str| {
        let at = root.find(&format!(" {name}=\""))? + name.len() + 3;
        let len = root[at..].find('"')?;
        let v = &root[at..at + len];
        v.parse::<u32>().ok().map(|_| v)
    };
    match attr("width").zip(attr("height")) {
        Some((w, h)) => format!("<div class=\"ph\" style=\"aspect-ratio:{w}/{h}\"></div>"),
        None => "<div class=\"ph\"></div>".to_string(),
    }
}

/// What the page's script does with a packed block: base64-decode, then gunzip.
#[cfg(test)]
pub(crate) fn unpack(packed: &str) -> String {
    use std::io::Read;
    let bytes = STANDARD.decode(packed).expect("base64");
    let mut out = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut out)
        .expect("gzip of UTF-8");
    out
}

/// Every packed block of `page`, unpacked, in page order.
#[cfg(test)]
pub(crate) fn unpack_all(page: &str) -> Vec<String> {
    page.split(" data-z=\"")
        .skip(1)
        .map(|rest| unpack(&rest[..rest.find('"').expect("a closed attribute")]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_block_unpacks_to_the_same_html_and_packs_the_same_each_time() {
        let svg = "<svg width=\"1100\" height=\"600\"><title>Surgical mask, Hubei: \
                   demand vs supply — 5th–95th</title><path class=\"s0\" d=\"M0 0h4v4z\"/>\
                   <use href=\"#u0\"/></svg>"
            .repeat(20);
        let packed = pack(&svg);
        assert_eq!(unpack(&packed), svg);
        assert_eq!(pack(&svg), packed, "deterministic");
        assert!(packed.len() * 10 < svg.len(), "repeats pack small");
        assert!(
            packed
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
            "safe in a double-quoted attribute"
        );
        assert_eq!(unpack(&pack("")), "");
        let page = format!("<div{}></div><p{}>", attribute("x"), attribute(&svg));
        assert_eq!(unpack_all(&page), ["x".to_string(), svg]);
    }

    #[test]
    fn a_chart_placeholder_keeps_the_chart_s_proportions() {
        assert_eq!(
            chart_placeholder("<svg width=\"1100\" height=\"600\" viewBox=\"0 0 1100 600\">"),
            "<div class=\"ph\" style=\"aspect-ratio:1100/600\"></div>"
        );
        assert_eq!(
            chart_placeholder("<svg viewBox=\"0 0 1 1\"><rect width=\"3\" height=\"4\"/>"),
            "<div class=\"ph\"></div>",
            "only the root's size counts"
        );
    }
}

//! The fast path of reading a scenario: one parse of the text straight into the raw scenario,
//! with no `toml::Table` built, cloned or walked, and no span index. It succeeds only for a
//! file the slow path would accept as it is; anything it cannot vouch for (an unknown field, a
//! number that may be out of range, a value of the wrong shape) sends the file down the slow
//! path, which reports every problem with its line and field.
//!
//! The TOML parser holds every token and parse event of a document at once, tens of times
//! the text's size, so the long runs of `[[node]]` and `[[link]]` entries of a large network
//! are read in pieces of about [`PIECE`] bytes of whole entries, one at a time, and the rest of
//! the file on its own. The next piece is lexed and parsed on a second thread while the events
//! of the last are read ([`pipeline`]): the two take about as long as each other.
//!
//! Splitting is only a way to read: when a piece or the rest does not parse on its own (a
//! header line inside a multi-line string, say), the file is read whole.

mod events;
mod pipeline;

use super::MAX_MAGNITUDE;
use super::raw::{RawLink, RawNode, RawScenario};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

/// Text per piece of entries read at once. The parser holds every token of a piece, tens of
/// times its text, and two pieces are in hand at a time (see `pipeline`): at 256 kB rather than
/// 1 MB a 2×10⁴-node file loads in 92 MB instead of 121 MB, and a fifth faster, as every page
/// of that peak is one the kernel must first map.
const PIECE: usize = 1 << 18;

/// The arrays of tables read in pieces.
const BULK: [&str; 2] = ["node", "link"];

/// One piece of entries, as the rest of the file would hold them.
#[derive(Deserialize)]
struct Entries {
    #[serde(default)]
    node: Vec<RawNode>,
    #[serde(default)]
    link: Vec<RawLink>,
}

/// What one parse of the text found.
pub(super) enum Parsed {
    /// The text is well formed and every field is known and of the right shape.
    Clean(Box<RawScenario>),
    /// The text parses, but the slow path has to read it to report or rule out a problem.
    Unsure,
    /// A TOML syntax error: the message and the byte range it is at.
    Syntax(String, Option<std::ops::Range<usize>>),
}

/// Parses `text` once and, when nothing in it needs a closer look, deserializes the raw
/// scenario from the parsed document.
pub(super) fn parse(text: &str) -> Parsed {
    let (rest, pieces, counts) = split(text);
    if !pieces.is_empty()
        && let Some(raw) = read_in_pieces(&rest, &pieces, counts)
    {
        return Parsed::Clean(Box::new(raw));
    }
    match read::<RawScenario>(text) {
        Read::Clean(raw) => Parsed::Clean(Box::new(raw)),
        Read::Unsure => Parsed::Unsure,
        Read::Syntax(e) => Parsed::Syntax(e.message().trim().to_string(), e.span()),
    }
}

/// What reading one document found.
enum Read<T> {
    Clean(T),
    Unsure,
    Syntax(toml::de::Error),
}

/// Parses `text` and deserializes a `T` from it when every field is known and every number
/// plain.
fn read<T: DeserializeOwned>(text: &str) -> Read<T> {
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => return Read::Syntax(e),
    };
    if !doc.get_ref().values().all(|v| plain_numbers(v.get_ref())) {
        return Read::Unsure;
    }
    let mut unknown = false;
    let value = T::deserialize(serde_ignored::Deserializer::new(
        toml::de::Deserializer::from(doc),
        &mut |_| unknown = true,
    ));
    match value {
        Ok(value) if !unknown => Read::Clean(value),
        _ => Read::Unsure,
    }
}

/// The raw scenario from the rest of the file and its pieces of entries (about `counts` of each
/// array in [`BULK`]), or `None` when any of them needs a closer look (the whole file is then
/// read as one document).
fn read_in_pieces(rest: &str, pieces: &[&str], counts: [usize; 2]) -> Option<RawScenario> {
    let Read::Clean(mut raw) = read::<RawScenario>(rest) else {
        return None;
    };
    // Entries given another way (an inline array, a header spelled differently) would have to
    // be merged in file order: read whole.
    if !raw.node.is_empty() || !raw.link.is_empty() {
        return None;
    }
    // Sized once: growing a list of 10⁵ entries by doubling would copy it and leave it up to
    // twice its size.
    raw.node.reserve_exact(counts[0]);
    raw.link.reserve_exact(counts[1]);
    // The next piece is lexed and parsed on another thread while this one's events are read.
    let every_piece = pipeline::two_stages(
        pieces,
        |piece, scratch| events::parse(piece, scratch),
        |piece, parsed, scratch| match read_piece(piece, parsed, scratch) {
            Some(entries) => {
                raw.node.extend(entries.node);
                raw.link.extend(entries.link);
                true
            }
            None => false,
        },
    );
    every_piece.then_some(raw)
}

/// One piece's entries: from the parser's events when it `parsed` (into `scratch`), or, for what
/// that reader leaves, through the TOML table.
fn read_piece(piece: &str, parsed: bool, scratch: &events::Scratch) -> Option<Entries> {
    parsed
        .then(|| events::read(piece, scratch))
        .flatten()
        .or_else(|| match read::<Entries>(piece) {
            Read::Clean(entries) => Some(entries),
            _ => None,
        })
}

/// Splits `text` into the rest of the file and pieces of whole `[[node]]` and `[[link]]`
/// entries (each with the sub-tables that follow its header, `[node.stock]` say), and how many
/// entries of each array in [`BULK`] they hold. A line is taken as a header when, trimmed, it
/// starts with `[`; the pieces are empty when there are no entries to split off.
fn split(text: &str) -> (String, Vec<&str>, [usize; 2]) {
    let mut rest = String::new();
    let mut pieces = Vec::new();
    let mut counts = [0; 2];
    // The run of entries being read: its array's name and where its current piece starts.
    let mut run: Option<(&str, usize)> = None;
    let mut rest_from = Some(0);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let header = line.trim();
        if header.starts_with('[') {
            let entry = BULK.into_iter().position(|name| {
                header.strip_prefix("[[").and_then(|h| h.strip_suffix("]]")) == Some(name)
            });
            if let Some(k) = entry {
                counts[k] += 1;
            }
            let entry = entry.map(|k| BULK[k]);
            let inside = run.is_some_and(|(name, _)| {
                let sub = |open: &str| {
                    header
                        .strip_prefix(open)
                        .and_then(|h| h.strip_prefix(name))
                        .is_some_and(|h| h.starts_with('.'))
                };
                sub("[") || sub("[[")
            });
            match (entry, run) {
                // Another entry of the run: a piece ends here once it is large enough.
                (Some(name), Some((current, piece))) if name == current => {
                    if offset - piece >= PIECE {
                        pieces.push(&text[piece..offset]);
                        run = Some((name, offset));
                    }
                }
                _ if inside => {}
                (Some(name), _) => {
                    close(text, &mut run, &mut pieces, offset);
                    if let Some(from) = rest_from.take() {
                        rest.push_str(&text[from..offset]);
                    }
                    run = Some((name, offset));
                }
                (None, _) => {
                    close(text, &mut run, &mut pieces, offset);
                    rest_from.get_or_insert(offset);
                }
            }
        }
        offset += line.len();
    }
    close(text, &mut run, &mut pieces, offset);
    if let Some(from) = rest_from {
        rest.push_str(&text[from..]);
    }
    (rest, pieces, counts)
}

/// Ends the run being read at `offset`, its last piece with it.
fn close<'a>(
    text: &'a str,
    run: &mut Option<(&str, usize)>,
    pieces: &mut Vec<&'a str>,
    offset: usize,
) {
    if let Some((_, piece)) = run.take()
        && piece < offset
    {
        pieces.push(&text[piece..offset]);
    }
}

/// Whether every number in `v` is one the slow path's range check lets through: finite, within
/// [`MAX_MAGNITUDE`] and representable (an integer that overflows 64 bits, or a seed beyond the
/// magnitude, is left to the slow path to judge and report).
fn plain_numbers(v: &DeValue<'_>) -> bool {
    match v {
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .is_ok_and(|x| x.is_finite() && x.abs() <= MAX_MAGNITUDE),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .is_ok_and(|x| (x as f64).abs() <= MAX_MAGNITUDE),
        DeValue::Table(t) => t.values().all(|v| plain_numbers(v.get_ref())),
        DeValue::Array(a) => a.iter().all(|v| plain_numbers(v.get_ref())),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::prelude;

    fn clean(text: &str) -> bool {
        matches!(parse(text), Parsed::Clean(_))
    }

    #[test]
    fn a_well_formed_file_is_read_in_one_pass() {
        assert!(clean(&prelude(30)));
    }

    #[test]
    fn entries_are_split_off_with_their_sub_tables() {
        let text = "[scenario]\nname = \"a\"\n[[node]]\nid = \"x\"\n[node.stock]\nmask = 1\n[[node.lines]]\nitem = \"mask\"\n[[node]]\nid = \"y\"\n[policy]\nconversion = true\n[[link]]\nfrom = \"x\"\n";
        let (rest, pieces, counts) = split(text);
        assert_eq!(counts, [2, 1]);
        assert_eq!(
            rest,
            "[scenario]\nname = \"a\"\n[policy]\nconversion = true\n"
        );
        assert_eq!(
            pieces,
            [
                "[[node]]\nid = \"x\"\n[node.stock]\nmask = 1\n[[node.lines]]\nitem = \"mask\"\n[[node]]\nid = \"y\"\n",
                "[[link]]\nfrom = \"x\"\n"
            ]
        );
    }

    #[test]
    fn a_file_read_in_pieces_reads_as_the_whole() {
        let text = crate::generate::national(&crate::generate::NationalSpec {
            nodes: 3000,
            regions: 5,
            days: 30,
            seed: 3,
            min_cross_region_days: 0.5,
        })
        .unwrap();
        let (rest, pieces, counts) = split(&text);
        assert!(pieces.len() > 1, "{} pieces", pieces.len());
        let whole = match read::<RawScenario>(&text) {
            Read::Clean(raw) => raw,
            _ => panic!("the generated file reads"),
        };
        assert_eq!(counts, [whole.node.len(), whole.link.len()]);
        let split = read_in_pieces(&rest, &pieces, counts).expect("read in pieces");
        assert_eq!(format!("{whole:?}"), format!("{split:?}"));
    }

    #[test]
    fn a_piece_with_a_sub_table_reads_through_the_toml_table() {
        let mut text = crate::generate::national(&crate::generate::NationalSpec {
            nodes: 100,
            regions: 2,
            days: 30,
            seed: 3,
            min_cross_region_days: 0.5,
        })
        .unwrap();
        // After the links: a run, and a piece, of its own.
        text.push_str("[[node]]\nid = \"extra\"\nkind = \"warehouse\"\nregion = \"R000\"\n");
        text.push_str("[node.stock]\nmask = 5\n");
        let (rest, pieces, counts) = split(&text);
        let mut scratch = events::Scratch::default();
        assert!(events::read_piece(pieces[0], &mut scratch).is_some());
        assert!(events::read_piece(pieces.last().unwrap(), &mut scratch).is_none());
        let Read::Clean(whole) = read::<RawScenario>(&text) else {
            panic!("the file reads");
        };
        let split = read_in_pieces(&rest, &pieces, counts).expect("read in pieces");
        assert_eq!(format!("{whole:?}"), format!("{split:?}"));
    }

    #[test]
    fn a_header_inside_a_string_reads_the_file_whole() {
        let base = prelude(30);
        // Comment lines make the entry a piece long, so the split falls inside the string.
        let padding = "# padding\n".repeat(PIECE / 10 + 1);
        let text = format!(
            "{base}\n[[node]]\nid = \"a\"\nkind = \"hospital\"\n{padding}region = \"\"\"\n[[node]]\n\"\"\"\n"
        );
        let (_, pieces, _) = split(&text);
        assert_eq!(pieces.len(), 2);
        match parse(&text) {
            Parsed::Clean(raw) => assert_eq!(raw.node.len(), 1),
            _ => panic!("reads"),
        }
    }

    #[test]
    fn anything_to_report_goes_down_the_slow_path() {
        let base = prelude(30);
        // An unknown field, numbers out of range or not finite, a value of the wrong type.
        assert!(clean(&format!(
            "{base}\n[policy]\nproductivity_under_controls = 0.8\n"
        )));
        for extra in [
            "[policy]\nproductivity_under_controls = 0.8\ntypo = 1\n",
            "[policy]\nproductivity_under_controls = 1e16\n",
            "[policy]\nproductivity_under_controls = nan\n",
            "[policy]\nproductivity_under_controls = -inf\n",
            "[policy]\nproductivity_under_controls = \"high\"\n",
        ] {
            assert!(
                matches!(parse(&format!("{base}\n{extra}")), Parsed::Unsure),
                "{extra}"
            );
        }
        assert!(matches!(parse("a = \n"), Parsed::Syntax(_, Some(_))));
    }
}

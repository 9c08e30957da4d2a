//! Reading a piece of `[[node]]` and `[[link]]` entries straight from the TOML parser's events
//! (`toml_parser`, the lexer and parser the `toml` crate itself uses): serde is driven from the
//! events of the piece, so no TOML table is built, sorted or walked, and numbers are checked as
//! they are read.
//!
//! It reads a subset of TOML: `[[node]]` and `[[link]]` headers, bare or quoted keys without
//! escapes and without dots, and values that are strings, integers, floats, booleans, arrays and
//! inline tables. Anything else (a sub-table header such as `[node.stock]` or `[[node.lines]]`,
//! a dotted key, a date, a key escaped or given twice), any syntax error, unknown field, value
//! of the wrong shape or number the slow path might reject ends the read with [`Bail`], and the
//! piece is read through the TOML table instead: what is accepted never depends on the subset.

use super::Entries;
use crate::scenario::MAX_MAGNITUDE;
use serde::Deserialize;
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use toml_parser::decoder::ScalarKind;
use toml_parser::lexer::Token;
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{ParseError, Raw, Source};

/// How deep arrays and inline tables may nest: the `toml` crate's limit, so that both read the
/// same documents.
const DEPTH: u32 = 80;

/// The token and event buffers, kept from one piece to the next.
#[derive(Default)]
pub(super) struct Scratch {
    tokens: Vec<Token>,
    events: Vec<Event>,
}

/// The entries of `piece` in file order, or `None` when the piece is not one this reader can
/// vouch for.
#[cfg(test)]
pub(super) fn read_piece(piece: &str, scratch: &mut Scratch) -> Option<Entries> {
    if parse(piece, scratch) {
        read(piece, scratch)
    } else {
        None
    }
}

/// The entries of `piece` in file order from the events [`parse`] left in `scratch`, or `None`
/// when the piece is not one this reader can vouch for.
pub(super) fn read(piece: &str, scratch: &Scratch) -> Option<Entries> {
    let mut reader = Reader {
        source: Source::new(piece),
        events: &scratch.events,
        pos: 0,
        keys: Vec::new(),
    };
    let mut entries = Entries {
        node: Vec::new(),
        link: Vec::new(),
    };
    reader.entries(&mut entries).ok()?;
    Some(entries)
}

/// Lexes and parses `piece` into `scratch.events`, without the whitespace, comments and newlines
/// (checked as the `toml` crate checks them); false on any syntax error.
pub(super) fn parse(piece: &str, scratch: &mut Scratch) -> bool {
    let source = Source::new(piece);
    scratch.tokens.clear();
    scratch.tokens.extend(source.lex());
    scratch.events.clear();
    let events = &mut scratch.events;
    let mut keep = |event: Event| {
        if !matches!(
            event.kind(),
            EventKind::Whitespace | EventKind::Comment | EventKind::Newline
        ) {
            events.push(event);
        }
    };
    let mut validate = ValidateWhitespace::new(&mut keep, source);
    let mut guard = RecursionGuard::new(&mut validate, DEPTH);
    let mut error: Option<ParseError> = None;
    toml_parser::parser::parse_document(&scratch.tokens, &mut guard, &mut error);
    error.is_none()
}

/// Why a piece is not read this way. Which problem it was does not matter: the piece is then
/// read through the TOML table, and the slow path reports whatever is wrong.
#[derive(Debug)]
struct Bail;

impl std::fmt::Display for Bail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("left to the TOML table")
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Bail
    }
}

/// The significant events of one piece and where reading is.
struct Reader<'e, 'de> {
    source: Source<'de>,
    events: &'e [Event],
    pos: usize,
    /// The keys of the tables being read, innermost last, to catch a key given twice.
    keys: Vec<&'de str>,
}

impl<'de> Reader<'_, 'de> {
    fn peek(&self) -> Option<EventKind> {
        self.events.get(self.pos).map(Event::kind)
    }

    fn next(&mut self) -> Result<Event, Bail> {
        let event = *self.events.get(self.pos).ok_or(Bail)?;
        self.pos += 1;
        Ok(event)
    }

    fn raw(&self, event: Event) -> Result<Raw<'de>, Bail> {
        self.source.get(event).ok_or(Bail)
    }

    /// Every `[[node]]` and `[[link]]` entry, each into its list.
    fn entries(&mut self, entries: &mut Entries) -> Result<(), Bail> {
        // Headers left to read: a list is sized once for all of them (a piece holds entries of
        // one list), not grown by doubling.
        let mut left = self
            .events
            .iter()
            .filter(|e| e.kind() == EventKind::ArrayTableOpen)
            .count();
        while self.pos < self.events.len() {
            let open = self.next()?;
            let key = self.next()?;
            // A dotted header (`[[node.lines]]`) has a key separator where the close should be.
            if open.kind() != EventKind::ArrayTableOpen
                || key.kind() != EventKind::SimpleKey
                || self.next()?.kind() != EventKind::ArrayTableClose
            {
                return Err(Bail);
            }
            match self.key(key)? {
                "node" => push(&mut entries.node, left, Entry(self))?,
                "link" => push(&mut entries.link, left, Entry(self))?,
                _ => return Err(Bail),
            }
            left -= 1;
        }
        Ok(())
    }

    /// A key as written, unless it has escapes to decode.
    fn key(&self, event: Event) -> Result<&'de str, Bail> {
        let raw = self.raw(event)?;
        // A bare key (the usual one) is its own text: nothing to decode or check.
        let text = raw.as_str();
        if !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Ok(text);
        }
        let mut key = Cow::Borrowed("");
        let mut error: Option<ParseError> = None;
        raw.decode_key(&mut key, &mut error);
        match key {
            Cow::Borrowed(key) if error.is_none() => Ok(key),
            _ => Err(Bail),
        }
    }

    /// A scalar value, decoded and handed to `visitor` as the `toml` crate hands it, numbers
    /// only when plain: finite, within [`MAX_MAGNITUDE`] and an integer within 64 bits.
    fn scalar<V: Visitor<'de>>(&self, event: Event, visitor: V) -> Result<V::Value, Bail> {
        let mut text = Cow::Borrowed("");
        let mut error: Option<ParseError> = None;
        let kind = self.raw(event)?.decode_scalar(&mut text, &mut error);
        if error.is_some() {
            return Err(Bail);
        }
        match kind {
            ScalarKind::String => match text {
                Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
                Cow::Owned(s) => visitor.visit_string(s),
            },
            ScalarKind::Boolean(b) => visitor.visit_bool(b),
            ScalarKind::Integer(radix) => match i64::from_str_radix(&text, radix.value()) {
                Ok(x) if (x as f64).abs() <= MAX_MAGNITUDE => visitor.visit_i64(x),
                _ => Err(Bail),
            },
            ScalarKind::Float => match text.parse::<f64>() {
                Ok(x) if x.is_finite() && x.abs() <= MAX_MAGNITUDE => visitor.visit_f64(x),
                _ => Err(Bail),
            },
            ScalarKind::DateTime => Err(Bail),
        }
    }
}

/// Reads an entry into `list`, sized for the `left` entries of the piece when it is first used.
fn push<'de, T: Deserialize<'de>>(
    list: &mut Vec<T>,
    left: usize,
    entry: Entry<'_, '_, 'de>,
) -> Result<(), Bail> {
    if list.capacity() == 0 {
        list.reserve_exact(left);
    }
    list.push(T::deserialize(entry)?);
    Ok(())
}

/// The body of an entry: its key-value lines up to the next header, as a map.
struct Entry<'r, 'e, 'de>(&'r mut Reader<'e, 'de>);

impl<'de> de::Deserializer<'de> for Entry<'_, '_, 'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        read_map(self.0, false, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// Reads a table (an inline one, or an entry's body) into `visitor`, which must read all of it.
fn read_map<'de, V: Visitor<'de>>(
    reader: &mut Reader<'_, 'de>,
    inline: bool,
    visitor: V,
) -> Result<V::Value, Bail> {
    let mut map = Map {
        start: reader.keys.len(),
        reader,
        inline,
        done: false,
    };
    let value = visitor.visit_map(&mut map)?;
    if map.done { Ok(value) } else { Err(Bail) }
}

/// One value, starting at the reader's next event.
struct Value<'r, 'e, 'de>(&'r mut Reader<'e, 'de>);

impl<'de> de::Deserializer<'de> for Value<'_, '_, 'de> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        let event = self.0.next()?;
        match event.kind() {
            EventKind::Scalar => self.0.scalar(event, visitor),
            EventKind::InlineTableOpen => read_map(self.0, true, visitor),
            EventKind::ArrayOpen => {
                let mut seq = Seq {
                    reader: self.0,
                    done: false,
                };
                let value = visitor.visit_seq(&mut seq)?;
                if seq.done { Ok(value) } else { Err(Bail) }
            }
            _ => Err(Bail),
        }
    }

    // As in the `toml` crate: a value that is there is `Some`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Bail> {
        visitor.visit_newtype_struct(self)
    }

    // Types the `toml` crate reads specially (spans, dates) are left to it.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        if name.starts_with("$__") {
            return Err(Bail);
        }
        self.deserialize_any(visitor)
    }

    // An enum as a string names a unit variant; one written as a table is left to the `toml`
    // crate.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        let event = self.0.next()?;
        if event.kind() != EventKind::Scalar || event.encoding().is_none() {
            return Err(Bail);
        }
        let mut text = Cow::Borrowed("");
        let mut error: Option<ParseError> = None;
        // A quoted scalar decodes as a string.
        let kind = self.0.raw(event)?.decode_scalar(&mut text, &mut error);
        if kind != ScalarKind::String || error.is_some() {
            return Err(Bail);
        }
        visitor.visit_enum(text.into_deserializer())
    }

    // Only a field the type does not know is skipped: the slow path reports it.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Bail> {
        Err(Bail)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

/// The elements of an array, after its opening bracket.
struct Seq<'r, 'e, 'de> {
    reader: &'r mut Reader<'e, 'de>,
    done: bool,
}

impl<'de> SeqAccess<'de> for Seq<'_, '_, 'de> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Bail> {
        if self.done {
            return Ok(None);
        }
        if self.reader.peek() == Some(EventKind::ValueSep) {
            self.reader.pos += 1;
        }
        if self.reader.peek() == Some(EventKind::ArrayClose) {
            self.reader.pos += 1;
            self.done = true;
            return Ok(None);
        }
        seed.deserialize(Value(self.reader)).map(Some)
    }

    // The elements left, counted ahead as the `toml` crate knows them: lists are then
    // allocated at their length, not grown to a capacity of four.
    fn size_hint(&self) -> Option<usize> {
        if self.done {
            return Some(0);
        }
        let mut depth = 0_usize;
        let mut count = 0;
        for event in &self.reader.events[self.reader.pos..] {
            match event.kind() {
                EventKind::Scalar if depth == 0 => count += 1,
                EventKind::ArrayOpen | EventKind::InlineTableOpen => {
                    count += usize::from(depth == 0);
                    depth += 1;
                }
                EventKind::ArrayClose | EventKind::InlineTableClose if depth == 0 => break,
                EventKind::ArrayClose | EventKind::InlineTableClose => depth -= 1,
                _ => {}
            }
        }
        Some(count)
    }
}

/// The key-value pairs of a table: an inline one after its opening brace, or an entry's body.
struct Map<'r, 'e, 'de> {
    reader: &'r mut Reader<'e, 'de>,
    inline: bool,
    /// Where this table's keys start in the reader's stack of keys.
    start: usize,
    done: bool,
}

impl<'de> MapAccess<'de> for Map<'_, '_, 'de> {
    type Error = Bail;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Bail> {
        if self.done {
            return Ok(None);
        }
        let reader = &mut *self.reader;
        if self.inline && reader.peek() == Some(EventKind::ValueSep) {
            reader.pos += 1;
        }
        let end = match reader.peek() {
            Some(EventKind::SimpleKey) => false,
            Some(EventKind::InlineTableClose) if self.inline => {
                reader.pos += 1;
                true
            }
            None | Some(EventKind::ArrayTableOpen | EventKind::StdTableOpen) if !self.inline => {
                true
            }
            _ => return Err(Bail),
        };
        if end {
            self.done = true;
            reader.keys.truncate(self.start);
            return Ok(None);
        }
        let event = reader.next()?;
        // A dotted key has a key separator where the `=` should be.
        if reader.next()?.kind() != EventKind::KeyValSep {
            return Err(Bail);
        }
        let key = reader.key(event)?;
        if reader.keys[self.start..].contains(&key) {
            return Err(Bail);
        }
        reader.keys.push(key);
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        seed.deserialize(Value(self.reader))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Read, read};
    use super::*;
    use proptest::prelude::*;

    /// A piece read by the event reader, as its entries' `Debug` text.
    fn by_events(piece: &str) -> Option<String> {
        read_piece(piece, &mut Scratch::default()).map(|e| format!("{:?} {:?}", e.node, e.link))
    }

    /// The same piece read through the TOML table, the way the slow path would vouch for it.
    fn by_table(piece: &str) -> Option<String> {
        match read::<Entries>(piece) {
            Read::Clean(e) => Some(format!("{:?} {:?}", e.node, e.link)),
            _ => None,
        }
    }

    const NODE: &str = "[[node]]\nid = \"a\"\nkind = \"factory\"\nregion = \"r\"\n";

    #[test]
    fn entries_read_as_the_toml_table_reads_them() {
        let piece = format!(
            "{NODE}stock = {{ mask = 1_000, gown = 2.5e3 }} # a comment\n\
             lines = [\n  {{ item = \"mask\", lines = 0x2, rate_per_line = +60, \
             repair_days = {{ dist = \"uniform\", min = 1, max = 3 }} }},\n]\n\
             [[link]]\nfrom = 'a'\nto = \"b\\u0041\"\nmode = \"ferry+road\"\n\
             lead_time_days = {{ dist = \"exponential\", mean = 2 }}\n\
             [[ node ]]\nid = \"c\"\nkind = \"hospital\"\nregion = \"r\"\nreplenish = []\n"
        );
        let read = by_events(&piece);
        assert!(read.is_some());
        assert_eq!(read, by_table(&piece));
    }

    #[test]
    fn what_the_reader_does_not_handle_is_left_to_the_table() {
        // Each is read through the TOML table, to the same entries.
        for extra in [
            "[node.stock]\nmask = 1\n",
            "[[node.lines]]\nitem = \"mask\"\nlines = 1\nrate_per_line = 1\n",
            "stock.mask = 1\n",
            "\"st\\u006fck\" = { mask = 1 }\n",
            "size = { sme = {} }\n",
        ] {
            let piece = format!("{NODE}{extra}");
            assert_eq!(by_events(&piece), None, "{extra}");
            assert!(by_table(&piece).is_some(), "{extra}");
        }
        // A date: the table path does not vouch for it either.
        let piece = format!("{NODE}cluster = 2020-01-24\n");
        assert_eq!(by_events(&piece), None);
        assert_eq!(by_table(&piece), None);
    }

    #[test]
    fn anything_to_report_is_not_read() {
        for extra in [
            "typo = 1\n",
            "shifts = 1\nshifts = 2\n",
            "stock = { mask = 1, mask = 2 }\n",
            "shifts = 1e16\n",
            "shifts = nan\n",
            "shifts = inf\n",
            "shifts = 99999999999999999999\n",
            "shifts = \"high\"\n",
            "size = \"tiny\"\n",
            "lines = [{ item = \"mask\", lines = 1.5, rate_per_line = 1 }]\n",
            "shifts = \n",
            "shifts = 1 # \u{7f}\n",
        ] {
            let piece = format!("{NODE}{extra}");
            assert_eq!(by_events(&piece), None, "{extra}");
            assert_eq!(by_table(&piece), None, "{extra}");
        }
        // Not an entry of a list read in pieces.
        assert_eq!(by_events("[[region]]\nid = \"r\"\n"), None);
        assert_eq!(by_events("id = \"r\"\n"), None);
    }

    /// A number as TOML may write it, some of them ones the slow path has to judge. These leaf
    /// strategies are boxed: unboxed, an entry's value tree nests their unions by value, and in
    /// a debug build making it took more than a test thread's 2 MB of stack.
    fn number() -> BoxedStrategy<String> {
        prop_oneof![
            (-1_000_000i64..1_000_000).prop_map(|x| x.to_string()),
            (-1e6..1e6f64).prop_map(|x| format!("{x:?}")),
            (0.0..1.0f64).prop_map(|x| format!("{x:e}")),
            Just("1_000".to_string()),
            Just("0x1F".to_string()),
            Just("+2.5".to_string()),
            Just("1e400".to_string()),
            Just("-inf".to_string()),
            Just("12345678901234567890".to_string()),
        ]
        .boxed()
    }

    fn string() -> BoxedStrategy<String> {
        prop_oneof![
            "[a-zA-Z0-9_+-]{0,6}".prop_map(|s| format!("\"{s}\"")),
            "[a-z]{0,4}".prop_map(|s| format!("'{s}'")),
            Just("\"tab\\there \\u00e9\"".to_string()),
            Just("\"\"\"multi\nline\"\"\"".to_string()),
        ]
        .boxed()
    }

    fn dist() -> BoxedStrategy<String> {
        prop_oneof![
            number().prop_map(|v| format!("{{ dist = \"fixed\", value = {v} }}")),
            (number(), number())
                .prop_map(|(a, b)| format!("{{ min = {a}, dist = \"uniform\", max = {b} }}")),
            (number(), number(), number()).prop_map(|(a, b, c)| format!(
                "{{ dist = \"triangular\", min = {a}, mode = {b}, max = {c} }}"
            )),
            number().prop_map(|m| format!("{{ dist = \"exponential\", mean = {m} }}")),
            number().prop_map(|m| format!("{{ dist = \"gamma\", mean = {m} }}")),
            number().prop_map(|m| format!("{{ dist = \"fixed\", value = {m}, extra = 1 }}")),
        ]
        .boxed()
    }

    /// Fields of one entry, each maybe left out, with now and then one unknown, repeated or
    /// of the wrong type.
    fn node() -> impl Strategy<Value = Vec<String>> {
        let kind = prop_oneof![
            Just("\"factory\""),
            Just("\"hospital\""),
            Just("\"castle\""),
            Just("1")
        ];
        let stock = prop::collection::vec(("[a-c]", number()), 0..3).prop_map(|items| {
            let items: Vec<_> = items.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{{ {} }}", items.join(", "))
        });
        let line = (string(), number(), number(), prop::option::of(dist())).prop_map(
            |(item, lines, rate, fail)| {
                let fail = fail
                    .map(|d| format!(", time_to_failure_days = {d}"))
                    .unwrap_or_default();
                format!("{{ item = {item}, lines = {lines}, rate_per_line = {rate}{fail} }}")
            },
        );
        let lines = (prop::collection::vec(line, 0..3), any::<bool>()).prop_map(|(l, comma)| {
            format!(
                "[{}{}]",
                l.join(",\n  "),
                if comma && !l.is_empty() { "," } else { "" }
            )
        });
        let replenish = (
            string(),
            number(),
            number(),
            prop::option::of(number()),
            dist(),
        )
            .prop_map(|(source, s, big_s, review, delay)| {
                let review = review
                    .map(|r| format!(", review_days = {r}"))
                    .unwrap_or_default();
                format!(
                    "[{{ item = \"mask\", source = {source}, reorder_point = {s}, \
                     order_up_to = {big_s}{review}, order_delay_hours = {delay} }}]"
                )
            });
        (
            string(),
            kind,
            prop::option::of(string()),
            prop::option::of(prop_oneof![Just("\"sme\""), Just("\"large\"")]),
            prop::option::of(any::<bool>()),
            prop::option::of(number()),
            prop::option::of(stock),
            prop::option::of(lines),
            prop::option::of(replenish),
            prop::option::of(number()),
            prop::option::of(prop_oneof![
                Just("typo = 1"),
                Just("shifts = 2"),
                Just("id = \"x\"")
            ]),
        )
            .prop_map(
                |(id, kind, region, size, closed, shifts, stock, lines, replenish, share, odd)| {
                    let mut fields = vec![format!("id = {id}"), format!("kind = {kind}")];
                    let optional = [
                        region.map(|r| format!("region = {r}")),
                        size.map(|s| format!("size = {s}")),
                        closed.map(|c| format!("closed_at_start = {c}")),
                        shifts.map(|s| format!("shifts = {s}")),
                        stock.map(|s| format!("stock = {s}")),
                        lines.map(|l| format!("lines = {l}")),
                        replenish.map(|r| format!("replenish = {r}")),
                        share.map(|s| format!("census = {{ share_of_region = {s} }}")),
                        odd.map(str::to_string),
                    ];
                    fields.extend(optional.into_iter().flatten());
                    fields
                },
            )
    }

    fn link() -> impl Strategy<Value = Vec<String>> {
        let step = (number(), number())
            .prop_map(|(d, t)| format!("{{ day = {d}, trucks_per_day = {t} }}"));
        (
            string(),
            string(),
            dist(),
            prop::option::of(prop_oneof![
                Just("\"road\""),
                Just("\"ferry+road\""),
                Just("\"boat\"")
            ]),
            prop::option::of(prop::collection::vec(step, 0..3)),
            prop::option::of(any::<bool>()),
        )
            .prop_map(|(from, to, lead, mode, capacity, both)| {
                let mut fields = vec![
                    format!("from = {from}"),
                    format!("to = {to}"),
                    format!("lead_time_days = {lead}"),
                ];
                let optional = [
                    mode.map(|m| format!("mode = {m}")),
                    capacity.map(|c| format!("capacity = [{}]", c.join(", "))),
                    both.map(|b| format!("both_ways = {b}")),
                ];
                fields.extend(optional.into_iter().flatten());
                fields
            })
    }

    proptest! {
        /// Random entries, well formed or not, in any order of their fields and with comments
        /// and blank lines between: the event reader reads exactly what the TOML table reads,
        /// and nothing it does not vouch for.
        #[test]
        fn random_entries_read_as_the_toml_table_reads_them(
            entries in prop::collection::vec(
                (prop_oneof![node().prop_map(|f| ("node", f)), link().prop_map(|f| ("link", f))],
                 any::<usize>()),
                1..5,
            ),
        ) {
            let mut piece = String::new();
            for ((name, mut fields), turn) in entries {
                // The fields in another order.
                let n = fields.len();
                fields.rotate_left(turn % n);
                piece.push_str(&format!("[[{name}]]\n"));
                for (k, field) in fields.iter().enumerate() {
                    let gap = if k % 3 == 1 { "\n# note\n" } else { "" };
                    piece.push_str(&format!("{field}{gap}\n"));
                }
                piece.push('\n');
            }
            prop_assert_eq!(by_events(&piece), by_table(&piece), "{}", piece);
        }
    }
}

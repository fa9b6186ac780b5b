//! A YAML loader that keeps a line and column on every value.
//!
//! The loader drives `yaml-rust2`'s event parser and builds its own [`Node`] tree, so that it
//! decides the typing itself: plain scalars resolve by the YAML 1.2 core schema (only `true`
//! and `false` are booleans, `yes` and `NO` stay strings), quoted scalars are always strings,
//! and numbers keep their source text so that no digit is lost. Things that have silently
//! changed data in other tools are rejected with a diagnostic instead: duplicate keys, aliases
//! and merge keys, numbers with leading zeros, hexadecimal or octal numbers, custom tags, and
//! nesting deeper than [`MAX_DEPTH`].

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span};

/// The deepest nesting of sequences and mappings accepted. Inventory documents need about six
/// levels; the limit stops hostile input from exhausting the stack of later recursive steps.
pub const MAX_DEPTH: usize = 64;

/// A YAML value with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// The typed content of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number as written, such as `42`, `-1.5` or `1e3`.
    Number(Box<str>),
    String(String),
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
}

/// One key and value of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    /// Returns the mapping entries, or `None` when this is not a mapping.
    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    /// Returns the entry with the given key of a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries()?.iter().find(|entry| entry.key == key)
    }

    /// Returns the node at a JSON Pointer's tokens, such as `["records", "3", "email"]`.
    pub fn pointer<'a>(&'a self, tokens: &[impl AsRef<str>]) -> Option<&'a Node> {
        let mut node = self;
        for token in tokens {
            let token = token.as_ref();
            node = match &node.value {
                Value::Mapping(entries) => &entries.iter().find(|entry| entry.key == token)?.value,
                Value::Sequence(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Returns the span of the key whose value is at `tokens`, or the value's span when the
    /// value is a sequence item or the root. Unknown keys and missing fields point here.
    pub fn key_span_at(&self, tokens: &[impl AsRef<str>]) -> Option<Span> {
        let (last, parent) = tokens.split_last()?;
        let parent = self.pointer(parent)?;
        match &parent.value {
            Value::Mapping(entries) => entries
                .iter()
                .find(|entry| entry.key == last.as_ref())
                .map(|entry| entry.key_span),
            _ => parent.pointer(&[last]).map(|node| node.span),
        }
    }

    /// Describes the value for error messages: its YAML type and, for scalars, the text as
    /// written, such as ``number `0012` `` or ``string `NO` ``.
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "null".to_string(),
            Value::Bool(value) => format!("boolean `{value}`"),
            Value::Number(text) => format!("number `{text}`"),
            Value::String(text) => format!("string `{}`", shorten(text)),
            Value::Sequence(_) => "a sequence".to_string(),
            Value::Mapping(_) => "a mapping".to_string(),
        }
    }

    /// Converts the node into JSON. Numbers keep their exact value: integers become JSON
    /// integers and other numbers `f64`.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(value) => serde_json::Value::Bool(*value),
            Value::Number(text) => number_to_json(text),
            Value::String(text) => serde_json::Value::String(text.clone()),
            Value::Sequence(items) => items.iter().map(Node::to_json).collect(),
            Value::Mapping(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|entry| (entry.key.clone(), entry.value.to_json()))
                    .collect(),
            ),
        }
    }
}

fn shorten(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    if text.chars().count() <= MAX_CHARS {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX_CHARS).collect();
        format!("{head}...")
    }
}

/// Converts number text that passed [`resolve_plain`] into JSON, exactly where possible.
fn number_to_json(text: &str) -> serde_json::Value {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if let Ok(value) = digits.parse::<i64>() {
        return value.into();
    }
    if let Ok(value) = digits.parse::<u64>() {
        return value.into();
    }
    match digits
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
    {
        Some(number) => serde_json::Value::Number(number),
        None => serde_json::Value::String(text.to_string()),
    }
}

impl crate::schema::jtd::Instance for Node {
    fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(value) => Some(value),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Number(text) => text.strip_prefix('+').unwrap_or(text).parse().ok(),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&[Self]> {
        match &self.value {
            Value::Sequence(items) => Some(items),
            _ => None,
        }
    }

    fn is_object(&self) -> bool {
        matches!(self.value, Value::Mapping(_))
    }

    fn get(&self, key: &str) -> Option<&Self> {
        self.entry(key).map(|entry| &entry.value)
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries()
            .unwrap_or_default()
            .iter()
            .map(|entry| entry.key.as_str())
    }
}

/// One YAML document of a file. `root` is `None` for a document that holds only comments.
#[derive(Debug)]
pub struct Document {
    pub root: Option<Node>,
    /// The start of the document, for problems that concern the whole document.
    pub span: Span,
}

/// Parses every document of a file. Problems go into `diagnostics`; a document with a problem
/// is still returned when its structure could be read, so later checks can report more.
pub fn parse(text: &str, file: FileId, diagnostics: &mut Diagnostics) -> Vec<Document> {
    let mut builder = Builder {
        file,
        text,
        diagnostics,
        documents: Vec::new(),
        stack: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok((event, marker)) => {
                if let Err(stop) = builder.on_event(event, marker) {
                    builder.diagnostics.push(stop);
                    break;
                }
            }
            Err(error) => {
                let span = builder.span(error.marker(), 1);
                let diagnostic = if error.info().contains("recursion limit") {
                    // The scanner reads flow collections (`[[[...`) ahead of the events, so
                    // its own nesting limit can trip before `MAX_DEPTH` does.
                    Diagnostic::error("YAML nesting is deeper than the parser's limit", Some(span))
                        .with_help(format!(
                            "inventory documents need only a few levels; at most {MAX_DEPTH} are accepted"
                        ))
                } else {
                    Diagnostic::error(format!("invalid YAML: {}", error.info()), Some(span))
                };
                builder.diagnostics.push(diagnostic);
                break;
            }
        }
    }
    builder.documents
}

/// A collection that is still being read.
enum Open {
    Sequence {
        items: Vec<Node>,
        span: Span,
    },
    Mapping {
        entries: Vec<Entry>,
        pending_key: Option<(String, Span)>,
        span: Span,
    },
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    diagnostics: &'a mut Diagnostics,
    documents: Vec<Document>,
    stack: Vec<Open>,
}

impl Builder<'_> {
    fn span(&self, marker: &Marker, len: usize) -> Span {
        Span {
            file: self.file,
            line: u32::try_from(marker.line()).unwrap_or(u32::MAX),
            column: u32::try_from(marker.col() + 1).unwrap_or(u32::MAX),
            len: u32::try_from(len).unwrap_or(u32::MAX),
        }
    }

    /// Handles one parser event. An `Err` stops reading the file: the problem makes the rest
    /// of it meaningless or unsafe to read.
    fn on_event(&mut self, event: Event, marker: Marker) -> Result<(), Diagnostic> {
        match event {
            Event::DocumentStart => {
                let span = self.span(&marker, 1);
                self.documents.push(Document { root: None, span });
            }
            Event::Alias(_) => {
                let span = self.span(&marker, 1);
                return Err(
                    Diagnostic::error("YAML aliases are not supported", Some(span)).with_help(
                        "write the value out in full; aliases can hide or multiply data",
                    ),
                );
            }
            Event::Scalar(text, style, anchor, tag) => {
                let span = self.span(&marker, scalar_width(&text, style));
                if anchor != 0 {
                    self.anchor_warning(&marker, span);
                }
                let value = self.scalar_value(text, style, tag.as_ref(), span);
                self.add(Node { value, span })?;
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let is_sequence = matches!(event, Event::SequenceStart(..));
                let span = self.span(&marker, 1);
                if anchor != 0 {
                    self.anchor_warning(&marker, span);
                }
                if let Some(tag) = tag {
                    self.unsupported_tag(&format!("{}{}", tag.handle, tag.suffix), span);
                }
                if self.stack.len() >= MAX_DEPTH {
                    return Err(Diagnostic::error(
                        format!("YAML nesting is deeper than the limit of {MAX_DEPTH} levels"),
                        Some(span),
                    ));
                }
                self.stack.push(if is_sequence {
                    Open::Sequence {
                        items: Vec::new(),
                        span,
                    }
                } else {
                    Open::Mapping {
                        entries: Vec::new(),
                        pending_key: None,
                        span,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Open::Sequence { items, span }) => Node {
                        value: Value::Sequence(items),
                        span,
                    },
                    Some(Open::Mapping { entries, span, .. }) => Node {
                        span: mapping_span(span, &entries),
                        value: Value::Mapping(entries),
                    },
                    None => return Ok(()),
                };
                self.add(node)?;
            }
            Event::StreamStart | Event::DocumentEnd | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn anchor_warning(&mut self, marker: &Marker, value_span: Span) {
        let span = self.anchor_span(marker).unwrap_or(value_span);
        let diagnostic = Diagnostic::error("YAML anchors are not supported", Some(span))
            .with_help("remove the `&name` anchor and write each value out in full");
        self.diagnostics.push(diagnostic);
    }

    /// Finds the `&name` token written before the value at `marker`. The parser reports only
    /// where the value starts, which for a block mapping is its first key on the next line.
    fn anchor_span(&self, marker: &Marker) -> Option<Span> {
        let byte = self
            .text
            .char_indices()
            .nth(marker.index())
            .map_or(self.text.len(), |(byte, _)| byte);
        let before = &self.text[..byte];
        // The anchor is on the value's line, or on the line above for a block collection.
        let mut region_start = before.rfind('\n').unwrap_or(0);
        region_start = before[..region_start]
            .rfind('\n')
            .map_or(0, |index| index + 1);
        let region = &before[region_start..];
        let offset = region
            .rmatch_indices('&')
            .map(|(index, _)| index)
            .find(|&index| {
                region[..index]
                    .chars()
                    .next_back()
                    .is_none_or(|c| c.is_whitespace() || matches!(c, ':' | '[' | '{' | ',' | '-'))
            })?;
        let anchor_start = region_start + offset;
        let token_length = self.text[anchor_start..]
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .unwrap_or(self.text.len() - anchor_start);
        let line_start = before[..anchor_start]
            .rfind('\n')
            .map_or(0, |index| index + 1);
        let line = before[..anchor_start].matches('\n').count() + 1;
        let column = before[line_start..anchor_start].chars().count() + 1;
        let length = self.text[anchor_start..anchor_start + token_length]
            .chars()
            .count();
        Some(Span {
            file: self.file,
            line: u32::try_from(line).ok()?,
            column: u32::try_from(column).ok()?,
            len: u32::try_from(length).ok()?,
        })
    }

    fn unsupported_tag(&mut self, tag: &str, span: Span) {
        let message = format!("YAML tag `{tag}` is not supported");
        let help = "remove the tag; quote a value to make it a string";
        self.diagnostics
            .push(Diagnostic::error(message, Some(span)).with_help(help));
    }

    fn scalar_value(
        &mut self,
        text: String,
        style: TScalarStyle,
        tag: Option<&yaml_rust2::parser::Tag>,
        span: Span,
    ) -> Value {
        if let Some(tag) = tag {
            if tag.handle == "tag:yaml.org,2002:" && tag.suffix == "str" {
                return Value::String(text);
            }
            self.unsupported_tag(&format!("{}{}", tag.handle, tag.suffix), span);
        }
        if style != TScalarStyle::Plain {
            return Value::String(text);
        }
        match resolve_plain(&text) {
            Ok(value) => value,
            Err(problem) => {
                let message = format!("ambiguous number `{text}`: {problem}");
                let help = format!(
                    "if it is a number, write it in plain decimal without leading zeros; if it is text, quote it (\"{text}\")"
                );
                self.diagnostics
                    .push(Diagnostic::error(message, Some(span)).with_help(help));
                Value::String(text)
            }
        }
    }

    /// Adds a finished node to the open collection, or makes it the document's root.
    fn add(&mut self, node: Node) -> Result<(), Diagnostic> {
        match self.stack.last_mut() {
            None => {
                // A document with only comments reads as an empty scalar, that is a null.
                if let Some(document) = self.documents.last_mut()
                    && node.value != Value::Null
                {
                    document.root = Some(node);
                }
            }
            Some(Open::Sequence { items, .. }) => items.push(node),
            Some(Open::Mapping {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let key = match node.value {
                        Value::String(key) => key,
                        Value::Number(text) => text.into_string(),
                        Value::Bool(value) => value.to_string(),
                        Value::Null => String::new(),
                        Value::Sequence(_) | Value::Mapping(_) => {
                            return Err(Diagnostic::error(
                                "mapping keys must be plain text, not a sequence or mapping",
                                Some(node.span),
                            ));
                        }
                    };
                    if key == "<<" {
                        self.diagnostics.push(
                            Diagnostic::error(
                                "YAML merge keys (`<<`) are not supported",
                                Some(node.span),
                            )
                            .with_help("write the merged keys out in full"),
                        );
                    }
                    if let Some(first) = entries.iter().find(|entry| entry.key == key) {
                        let diagnostic =
                            Diagnostic::error(format!("duplicate key `{key}`"), Some(node.span))
                                .with_label("duplicate key")
                                .with_related(first.key_span, "first defined here")
                                .with_help("remove one of them; YAML does not allow a key twice");
                        self.diagnostics.push(diagnostic);
                    }
                    *pending_key = Some((key, node.span));
                }
                Some((key, key_span)) => {
                    let mut node = node;
                    // The parser places an empty value (`key:` and a line break) at the next
                    // token, often on a later line, so errors about it point at the key.
                    if node.value == Value::Null && node.span.line > key_span.line {
                        node.span = key_span;
                    }
                    // A merge key was reported when read, and a duplicate key keeps its first
                    // value, so neither is stored.
                    if key != "<<" && !entries.iter().any(|entry| entry.key == key) {
                        entries.push(Entry {
                            key,
                            key_span,
                            value: node,
                        });
                    }
                }
            },
        }
        Ok(())
    }
}

/// Returns where a mapping starts. The parser marks a block mapping at the `:` of its first
/// key, which is past the key, so the first key's position is used instead. A flow mapping's
/// `{` comes before its first key and is kept.
fn mapping_span(start: Span, entries: &[Entry]) -> Span {
    match entries.first() {
        Some(first)
            if (first.key_span.line, first.key_span.column) < (start.line, start.column) =>
        {
            Span {
                len: 1,
                ..first.key_span
            }
        }
        _ => start,
    }
}

/// Returns how many characters the caret under a scalar should span.
fn scalar_width(text: &str, style: TScalarStyle) -> usize {
    let first_line = text.lines().next().unwrap_or("").chars().count();
    match style {
        TScalarStyle::Plain if !text.contains('\n') => first_line.max(1),
        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted if !text.contains('\n') => {
            first_line + 2
        }
        _ => 1,
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema, except that numbers whose meaning
/// differs between YAML versions or tools are returned as an `Err` describing why.
fn resolve_plain(text: &str) -> Result<Value, &'static str> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if unsigned.starts_with("0x") || unsigned.starts_with("0o") {
        let digits = &unsigned[2..];
        let radix = if unsigned.starts_with("0x") { 16 } else { 8 };
        if !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) {
            return Err("hexadecimal and octal numbers are read differently by different tools");
        }
        return Ok(Value::String(text.to_string()));
    }
    if !is_core_number(unsigned) {
        return Ok(Value::String(text.to_string()));
    }
    let integer_part = unsigned.split(['.', 'e', 'E']).next().unwrap_or("");
    if integer_part.len() > 1 && integer_part.starts_with('0') {
        return Err("leading zeros are dropped by YAML 1.2 and read as octal by YAML 1.1");
    }
    Ok(Value::Number(text.into()))
}

/// Matches the core schema's number forms without sign: `123`, `1.5`, `.5`, `1.`, `1e3`.
fn is_core_number(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(index) => (&text[..index], Some(&text[index + 1..])),
        None => (text, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && digits(whole),
        Some(fraction) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
    };
    let exponent_ok = exponent.is_none_or(|exponent| {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !exponent.is_empty() && digits(exponent)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (Vec<Document>, Diagnostics) {
        let mut diagnostics = Diagnostics::default();
        let documents = parse(text, FileId(0), &mut diagnostics);
        (documents, diagnostics)
    }

    fn root(text: &str) -> Node {
        let (documents, diagnostics) = load(text);
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
        documents
            .into_iter()
            .next()
            .and_then(|document| document.root)
            .expect("a root node")
    }

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        let node = root("a: NO\nb: yes\nc: on\nd: true\ne: N\n");
        let values: Vec<_> = node
            .entries()
            .unwrap()
            .iter()
            .map(|e| e.value.value.clone())
            .collect();
        assert_eq!(values[0], Value::String("NO".into()));
        assert_eq!(values[1], Value::String("yes".into()));
        assert_eq!(values[2], Value::String("on".into()));
        assert_eq!(values[3], Value::Bool(true));
        assert_eq!(values[4], Value::String("N".into()));
    }

    #[test]
    fn numbers_keep_their_text() {
        let node = root("a: 1.10\nb: 9007199254740993\nc: 1_000\nd: '0012'\n");
        assert_eq!(
            node.pointer(&["a"]).unwrap().value,
            Value::Number("1.10".into())
        );
        assert_eq!(
            node.pointer(&["b"]).unwrap().to_json(),
            serde_json::json!(9007199254740993u64)
        );
        assert_eq!(
            node.pointer(&["c"]).unwrap().value,
            Value::String("1_000".into())
        );
        assert_eq!(
            node.pointer(&["d"]).unwrap().value,
            Value::String("0012".into())
        );
    }

    #[test]
    fn leading_zeros_and_hex_are_errors() {
        for text in ["id: 0012\n", "id: 0x10\n", "id: -0o17\n"] {
            let (_, diagnostics) = load(text);
            assert_eq!(diagnostics.error_count(), 1, "{text}");
            assert!(
                diagnostics.items()[0]
                    .message
                    .starts_with("ambiguous number"),
                "{text}"
            );
            assert_eq!(diagnostics.items()[0].span.unwrap().column, 5);
        }
    }

    #[test]
    fn duplicate_key_shows_both_places() {
        let (_, diagnostics) = load("status: ACTIVE\nmfa: true\nstatus: DEACTIVATED\n");
        let item = &diagnostics.items()[0];
        assert_eq!(item.message, "duplicate key `status`");
        assert_eq!(item.span.unwrap().line, 3);
        assert_eq!(item.related[0].0.line, 1);
    }

    #[test]
    fn aliases_are_rejected() {
        let (_, diagnostics) = load("a: &x [1, 2]\nb: *x\n");
        let messages: Vec<_> = diagnostics
            .items()
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            messages.contains(&"YAML aliases are not supported"),
            "{messages:?}"
        );
    }

    #[test]
    fn anchor_error_points_at_the_anchor() {
        let (_, diagnostics) = load("defaults: &d\n  status: ACTIVE\nmemory: &m 65536\n");
        let spans: Vec<(u32, u32, u32)> = diagnostics
            .items()
            .iter()
            .filter(|item| item.message == "YAML anchors are not supported")
            .map(|item| {
                let span = item.span.unwrap();
                (span.line, span.column, span.len)
            })
            .collect();
        assert_eq!(spans, [(1, 11, 2), (3, 9, 2)]);
    }

    #[test]
    fn deep_nesting_stops_with_an_error() {
        // Flow collections hit the scanner's own limit first.
        let flow = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let (_, diagnostics) = load(&flow);
        assert_eq!(diagnostics.error_count(), 1);
        assert!(diagnostics.items()[0].message.contains("parser's limit"));

        let block: String = (0..100)
            .map(|depth| format!("{}- \n", "  ".repeat(depth)))
            .collect();
        let (_, diagnostics) = load(&block);
        let message = &diagnostics.items()[0].message;
        assert!(message.contains("deeper than the limit of 64"), "{message}");
    }

    #[test]
    fn positions_are_one_based() {
        let node = root("records:\n  - email: a@example.com\n");
        let email = node.pointer(&["records", "0", "email"]).unwrap();
        assert_eq!(
            (email.span.line, email.span.column, email.span.len),
            (2, 12, 13)
        );
        let key = node.key_span_at(&["records", "0", "email"]).unwrap();
        assert_eq!((key.line, key.column), (2, 5));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let (_, diagnostics) = load("a: b: c\n");
        let item = &diagnostics.items()[0];
        assert!(item.message.starts_with("invalid YAML"), "{}", item.message);
        assert_eq!(item.span.unwrap().line, 1);
    }

    #[test]
    fn multiple_documents_and_comment_only_documents() {
        let (documents, _) = load("# only a comment\n---\na: 1\n---\n");
        assert_eq!(documents.iter().filter(|d| d.root.is_some()).count(), 1);
    }
}

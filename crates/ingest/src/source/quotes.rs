//! Whether a CSV file leaves a quoted field open at its end. A quote that
//! is never closed makes the reader take the rest of the file as one value,
//! so the records after it would never land: the file is refused instead,
//! naming the line the quote opened on.

/// The reader's view of quoting, byte by byte, as the `csv` crate reads it:
/// a quote opens a field only as its first byte, and a doubled quote inside
/// one is a quote.
pub(super) struct Quotes {
    delimiter: u8,
    quote: u8,
    state: State,
    /// The line the open quoted field began on.
    opened: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// Just after a quote inside a quoted field: closed, unless another follows.
    QuoteInQuoted,
}

impl Quotes {
    pub(super) fn new(delimiter: u8, quote: u8) -> Self {
        Self {
            delimiter,
            quote,
            state: State::FieldStart,
            opened: 0,
        }
    }

    /// Feeds one byte, on the 1-based physical line `line`.
    pub(super) fn feed(&mut self, b: u8, line: u64) {
        let ends_field = b == self.delimiter || b == b'\n' || b == b'\r';
        self.state = match self.state {
            State::FieldStart if b == self.quote => {
                self.opened = line;
                State::Quoted
            }
            State::FieldStart | State::Unquoted if ends_field => State::FieldStart,
            State::FieldStart | State::Unquoted => State::Unquoted,
            State::Quoted if b == self.quote => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == self.quote => State::Quoted,
            State::QuoteInQuoted if ends_field => State::FieldStart,
            State::QuoteInQuoted => State::Unquoted,
        };
    }

    /// Whether the bytes fed so far end inside a quoted field, where a line
    /// break is part of the value rather than the end of the record.
    pub(super) fn in_quoted_field(&self) -> bool {
        self.state == State::Quoted
    }

    /// The line of a quoted field still open at the end of the file.
    pub(super) fn open_at_end(&self) -> Option<u64> {
        (self.state == State::Quoted).then_some(self.opened)
    }
}

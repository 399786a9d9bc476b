//! Records' raw values as one text, for reading large files: a record of
//! separately allocated strings costs an allocation a field, which for a
//! million records is most of the time spent reading them.

/// The values of a run of records, every field of every record: one text
/// and where each value ends in it (it starts where the one before ends).
/// An empty value is a missing one. Reuse it run after run with
/// [`Values::clear`], which keeps its buffers.
#[derive(Debug, Clone, Default)]
pub struct Values {
    width: usize,
    text: String,
    ends: Vec<usize>,
}

impl Values {
    /// Values of records with `width` fields each (the schema's).
    pub fn new(width: usize) -> Values {
        Values {
            width,
            ..Values::default()
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// The records held.
    pub fn len(&self) -> usize {
        self.ends.len().checked_div(self.width).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// Adds a record: `write(field, text)` appends each field's value to
    /// `text`, in field order, appending nothing for a missing value and
    /// leaving what `text` held before as it was. The values go straight
    /// into the one text rather than through a buffer of their own.
    pub fn push(&mut self, mut write: impl FnMut(usize, &mut String)) {
        for field in 0..self.width {
            write(field, &mut self.text);
            self.ends.push(self.text.len());
        }
    }

    /// The value of a record's field; `None` when missing.
    pub fn get(&self, record: usize, field: usize) -> Option<&str> {
        if field >= self.width {
            return None;
        }
        let i = record.checked_mul(self.width)?.checked_add(field)?;
        let start = match i.checked_sub(1) {
            Some(p) => *self.ends.get(p)?,
            None => 0,
        };
        let end = *self.ends.get(i)?;
        self.text.get(start..end).filter(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn values_read_back_by_record_and_field() {
        let mut v = Values::new(2);
        v.push(|f, b| b.push_str(["Ann", ""][f]));
        v.push(|f, b| b.push_str(["Bo", "Leeds"][f]));
        assert_eq!(v.len(), 2);
        assert_eq!(v.get(0, 0), Some("Ann"));
        assert_eq!(v.get(0, 1), None);
        assert_eq!(v.get(1, 1), Some("Leeds"));
        assert_eq!(v.get(2, 0), None);
        assert_eq!(v.get(0, 2), None);
        v.clear();
        assert!(v.is_empty());
        v.push(|_, b| b.push('x'));
        assert_eq!((v.len(), v.get(0, 1)), (1, Some("x")));
    }
}

//! A polars text column written in place: every value goes straight into one byte buffer,
//! sized for the sheet's records up front, and the column is made from it at the end.
//! polars' own builder copied each value from a `String` into blocks that start at 8 KiB and
//! double, a fresh block (and its page faults) each time one filled: a tenth of validation,
//! which writes a key, a digest and the text columns of every stored record.

use polars::prelude::{Column, IntoColumn, StringChunked};
use polars_arrow::array::{Utf8ViewArray, View};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;

/// The values of one text column, pushed in row order.
pub struct TextColumn {
    views: Vec<View>,
    /// Values longer than a view holds inline, one after another.
    bytes: String,
    /// Buffers already full (a buffer is addressed by 32-bit offsets).
    full: Vec<Vec<u8>>,
    /// Which rows hold a value, once a row without one was pushed.
    validity: Option<MutableBitmap>,
}

impl TextColumn {
    /// A column for `rows` values of about `bytes` bytes in all (values of up to 12 bytes
    /// take none: a view holds them inline).
    pub fn with_capacity(rows: usize, bytes: usize) -> TextColumn {
        TextColumn {
            views: Vec::with_capacity(rows),
            bytes: String::with_capacity(bytes),
            full: Vec::new(),
            validity: None,
        }
    }

    /// The bytes `value` takes in the buffer: none when its view holds it.
    pub fn buffered_len(value: Option<&str>) -> usize {
        value.map_or(0, |value| {
            if value.len() <= View::MAX_INLINE_SIZE as usize {
                0
            } else {
                value.len()
            }
        })
    }

    /// Appends a value, `None` for an empty optional cell.
    pub fn push(&mut self, value: Option<&str>) {
        match value {
            // A value the view holds is not copied to the buffer first.
            Some(value) if value.len() <= View::MAX_INLINE_SIZE as usize => {
                self.views.push(View::new_inline(value.as_bytes()));
                if let Some(validity) = &mut self.validity {
                    validity.push(true);
                }
            }
            Some(value) => self.push_with(|out| out.push_str(value)),
            None => self.push_null(),
        }
    }

    /// Appends the value `write` appends to the string it is given (a record's key, a
    /// digest), without a copy of its own.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        let start = self.bytes.len();
        write(&mut self.bytes);
        let value = &self.bytes.as_bytes()[start..];
        let view = if value.len() <= View::MAX_INLINE_SIZE as usize {
            let view = View::new_inline(value);
            self.bytes.truncate(start);
            view
        } else {
            self.view_in_buffer(start)
        };
        self.views.push(view);
        if let Some(validity) = &mut self.validity {
            validity.push(true);
        }
    }

    /// The view of the value written at `start`, the last in `bytes`; a buffer that would
    /// outgrow 32-bit offsets is closed first, the value moved to a new one.
    #[inline]
    fn view_in_buffer(&mut self, start: usize) -> View {
        let (start, offset) = match u32::try_from(self.bytes.len()) {
            Ok(_) => (start, start as u32),
            Err(_) => {
                let value = self.bytes.split_off(start);
                let full = std::mem::replace(&mut self.bytes, value);
                self.full.push(full.into_bytes());
                (0, 0)
            }
        };
        View::new_from_bytes(
            &self.bytes.as_bytes()[start..],
            self.full.len() as u32,
            offset,
        )
    }

    fn push_null(&mut self) {
        let validity = self.validity.get_or_insert_with(|| {
            let mut validity = MutableBitmap::with_capacity(self.views.capacity());
            validity.extend_constant(self.views.len(), true);
            validity
        });
        validity.push(false);
        self.views.push(View::default());
    }

    /// The polars column named `name`.
    pub fn finish(mut self, name: &str) -> Column {
        self.full.push(self.bytes.into_bytes());
        let values = self.views.iter().map(|view| view.length as usize).sum();
        let buffered = self.full.iter().map(Vec::len).sum();
        // SAFETY: the buffers are `String`s' bytes, so UTF-8, and each view is made by
        // polars' own constructors from a whole value: inline from its bytes, or from its
        // bytes at their offset in the buffer it names. polars' checked constructor
        // validated every value again, two-thirds as costly as writing them.
        let array = unsafe {
            Utf8ViewArray::new_unchecked(
                ArrowDataType::Utf8View,
                self.views.into(),
                self.full.into_iter().map(Into::into).collect(),
                self.validity.map(Into::into),
                Some(values),
                buffered,
            )
        };
        StringChunked::with_chunk(name.into(), array).into_column()
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::{IntoColumn, StringChunkedBuilder};
    use polars_arrow::array::{Array, Utf8ViewArray};
    use polars_arrow::datatypes::ArrowDataType;

    use super::TextColumn;

    fn values() -> Vec<Option<String>> {
        let long = "Петров Пётр Петрович, 8Б".to_string();
        vec![
            Some("У-1".into()),
            Some(String::new()),
            None,
            Some("ровно12байт!".into()),
            Some("тринадцать!!!".into()),
            Some(long.clone()),
            None,
            Some(long),
            Some("a".into()),
        ]
    }

    #[test]
    fn a_column_written_in_place_equals_polars_own() {
        for skip in 0..3 {
            let values = &values()[skip..];
            let mut expected = StringChunkedBuilder::new("c".into(), values.len());
            let mut column = TextColumn::with_capacity(values.len(), 4);
            for value in values {
                expected.append_option(value.as_deref());
                column.push(value.as_deref());
            }
            let expected = expected.finish().into_column();
            let column = column.finish("c");
            assert!(column.equals_missing(&expected), "{column:?} {expected:?}");
            assert_eq!(column.null_count(), expected.null_count());
            let array = column.str().expect("text").downcast_as_array();
            // What polars' checked constructor checks: UTF-8, views within their buffers.
            let checked = Utf8ViewArray::try_new(
                ArrowDataType::Utf8View,
                array.views().clone(),
                array.data_buffers().clone(),
                array.validity().cloned(),
            );
            assert!(checked.is_ok(), "{checked:?}");
            let sizes = |a: &Utf8ViewArray| (a.total_bytes_len(), a.total_buffer_len());
            assert_eq!(sizes(array), sizes(checked.as_ref().expect("checked")));
        }
    }

    #[test]
    fn values_written_by_a_closure_are_what_it_appended() {
        let mut column = TextColumn::with_capacity(0, 0);
        column.push_with(|out| out.push_str("ключ|событие"));
        column.push_with(|out| out.push('к'));
        let column = column.finish("c");
        let texts: Vec<_> = column.str().expect("text").iter().collect();
        assert_eq!(texts, [Some("ключ|событие"), Some("к")]);
    }
}

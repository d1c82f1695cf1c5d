/// Converts byte offsets into character (Unicode scalar) offsets, which is what users, Python and
/// PAN tooling index texts by.
#[derive(Debug, Clone)]
pub struct CharMap {
    /// Byte offset of each char start; empty when the text is ASCII (bytes == chars).
    starts: Vec<u32>,
    len_bytes: usize,
}

impl CharMap {
    pub fn new(text: &str) -> Self {
        let starts = if text.is_ascii() { Vec::new() } else { text.char_indices().map(|(i, _)| i as u32).collect() };
        CharMap { starts, len_bytes: text.len() }
    }

    /// Character offset of a byte offset. A byte inside a multi-byte char maps to that char; offsets
    /// past the end clamp to the char length, so a span never points outside the text.
    pub fn char_of(&self, byte: usize) -> usize {
        let byte = byte.min(self.len_bytes);
        if self.starts.is_empty() {
            return byte;
        }
        if byte == self.len_bytes {
            return self.starts.len();
        }
        self.starts.partition_point(|&s| (s as usize) <= byte) - 1
    }

    /// Byte offset of a character offset (the inverse of [`CharMap::char_of`] on char starts).
    pub fn byte_of(&self, ch: usize) -> usize {
        if self.starts.is_empty() {
            return ch.min(self.len_bytes);
        }
        self.starts.get(ch).map_or(self.len_bytes, |&b| b as usize)
    }

    /// Length of the text in characters.
    pub fn len_chars(&self) -> usize {
        if self.starts.is_empty() {
            self.len_bytes
        } else {
            self.starts.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_identity() {
        let m = CharMap::new("hello");
        assert_eq!(m.char_of(3), 3);
        assert_eq!(m.char_of(99), 5);
        assert_eq!(m.byte_of(2), 2);
    }

    #[test]
    fn multibyte_maps_to_chars() {
        let t = "a’b€c";
        let m = CharMap::new(t);
        assert_eq!(m.len_chars(), 5);
        assert_eq!(m.char_of(0), 0);
        assert_eq!(m.char_of(1), 1);
        assert_eq!(m.char_of(2), 1, "inside the quote char");
        assert_eq!(m.char_of(4), 2);
        assert_eq!(m.char_of(t.len()), 5);
        assert_eq!(m.byte_of(3), 5);
        assert_eq!(m.byte_of(5), t.len());
    }
}

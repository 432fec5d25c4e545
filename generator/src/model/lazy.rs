//! [`Lazy`]: a part of the model that the embedded model decodes only when it is first read.
//!
//! The binary embeds the lowered model as postcard bytes ([`crate::embedded`]). Most commands
//! read only part of it: `bpfspec check` of an object reads the rights of the helpers it calls,
//! and the kfuncs only when it calls one. A `Lazy` field is written as its own postcard bytes,
//! which a start copies in one piece and decodes on first use, so a start pays for what its
//! command reads. A model lowered at run time (`--specs DIR`) holds every value decoded already.
//! Decoded with [`decode_static`], the encoded bytes are not even copied: each `Lazy` keeps a
//! slice of the embedded bytes.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

/// A value of the model, decoded from its postcard bytes on first access.
///
/// Its serde form is those postcard bytes (a byte string), whatever the serializer: the model's
/// serde derives serve only the embedded postcard model, and nothing writes it as JSON.
pub struct Lazy<T> {
    value: OnceLock<T>,
    /// The encoded value, while it has not been decoded; empty once it has or when built decoded.
    encoded: Cow<'static, [u8]>,
}

thread_local! {
    /// The bytes [`decode_static`] is decoding on this thread, if any.
    static STATIC_SOURCE: Cell<&'static [u8]> = const { Cell::new(&[]) };
}

/// Decode `bytes` (postcard), letting every [`Lazy`] in the value keep its slice of `bytes`
/// instead of a copy.
pub fn decode_static<T: serde::de::DeserializeOwned>(bytes: &'static [u8]) -> postcard::Result<T> {
    let before = STATIC_SOURCE.replace(bytes);
    let decoded = postcard::from_bytes(bytes);
    STATIC_SOURCE.set(before);
    decoded
}

/// An encoded value; static bytes stay borrowed by the `Lazy`s inside it.
#[allow(clippy::ptr_arg, reason = "whether the bytes are borrowed decides how the value is decoded")]
fn decode<T: serde::de::DeserializeOwned>(encoded: &Cow<'static, [u8]>) -> T {
    match encoded {
        Cow::Borrowed(bytes) => decode_static(bytes),
        Cow::Owned(bytes) => postcard::from_bytes(bytes),
    }
    .expect("build.rs encoded this value from the same model types")
}

/// `part` as a slice of the static bytes [`decode_static`] is decoding, if it is one.
fn static_part(part: &[u8]) -> Option<&'static [u8]> {
    let source = STATIC_SOURCE.get();
    let offset = (part.as_ptr() as usize).checked_sub(source.as_ptr() as usize)?;
    source.get(offset..offset.checked_add(part.len())?)
}

impl<T> Lazy<T> {
    /// A value that is decoded already.
    pub fn new(value: T) -> Self {
        Lazy { value: OnceLock::from(value), encoded: Cow::Borrowed(&[]) }
    }
}

impl<T: serde::de::DeserializeOwned> Lazy<T> {
    fn get(&self) -> &T {
        self.value.get_or_init(|| decode(&self.encoded))
    }

    /// The value, decoded.
    pub fn into_inner(self) -> T {
        let encoded = self.encoded;
        self.value.into_inner().unwrap_or_else(|| decode(&encoded))
    }
}

impl<T> From<T> for Lazy<T> {
    fn from(value: T) -> Self {
        Lazy::new(value)
    }
}

impl<T: serde::de::DeserializeOwned> Deref for Lazy<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T: serde::de::DeserializeOwned> DerefMut for Lazy<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.get();
        self.encoded = Cow::Borrowed(&[]);
        self.value.get_mut().expect("decoded just now")
    }
}

impl<T: serde::de::DeserializeOwned + Clone> Clone for Lazy<T> {
    fn clone(&self) -> Self {
        Lazy::new(self.get().clone())
    }
}

impl<T: serde::de::DeserializeOwned + fmt::Debug> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl<T: serde::de::DeserializeOwned + fmt::Display> fmt::Display for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl<T: serde::de::DeserializeOwned + PartialEq> PartialEq for Lazy<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: serde::de::DeserializeOwned + Eq> Eq for Lazy<T> {}

impl<T: serde::de::DeserializeOwned + Default> Default for Lazy<T> {
    fn default() -> Self {
        Lazy::new(T::default())
    }
}

impl<T> FromIterator<T> for Lazy<Vec<T>> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Lazy::new(iter.into_iter().collect())
    }
}

impl<'a, T: serde::de::DeserializeOwned> IntoIterator for &'a Lazy<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.get().iter()
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> serde::Serialize for Lazy<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes = postcard::to_allocvec(self.get()).map_err(serde::ser::Error::custom)?;
        serializer.serialize_bytes(&bytes)
    }
}

impl<'de, T> serde::Deserialize<'de> for Lazy<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Cow<'static, [u8]>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the postcard bytes of a model value")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(static_part(v).map_or_else(|| Cow::Owned(v.to_vec()), Cow::Borrowed))
            }
        }
        let encoded = deserializer.deserialize_bytes(Bytes)?;
        Ok(Lazy { value: OnceLock::new(), encoded })
    }
}

#[cfg(test)]
mod tests {
    use super::Lazy;

    #[test]
    fn a_lazy_value_round_trips_through_postcard_and_decodes_on_first_use() {
        let outer: (u32, Lazy<Vec<String>>, u8) = (7, Lazy::new(vec!["a".to_owned(), "bc".to_owned()]), 9);
        let bytes = postcard::to_allocvec(&outer).expect("serializes");
        let back: (u32, Lazy<Vec<String>>, u8) = postcard::from_bytes(&bytes).expect("deserializes");
        assert_eq!(back.0, 7);
        assert_eq!(back.2, 9, "the bytes after the lazy value are read in place");
        assert!(back.1.value.get().is_none(), "not decoded before it is read");
        assert_eq!(back.1.iter().map(String::as_str).collect::<Vec<_>>(), ["a", "bc"]);
        let mut back = back.1;
        back.push("d".to_owned());
        assert_eq!(back.len(), 3);
        assert_eq!(back.clone().into_inner(), ["a", "bc", "d"]);
    }

    #[test]
    fn decoded_from_static_bytes_a_lazy_value_borrows_them() {
        let outer = vec![Lazy::new("one".to_owned()), Lazy::new("two".to_owned())];
        let bytes: &'static [u8] = postcard::to_allocvec(&outer).expect("serializes").leak();
        let back: Vec<Lazy<String>> = super::decode_static(bytes).expect("deserializes");
        for lazy in &back {
            assert!(matches!(lazy.encoded, std::borrow::Cow::Borrowed(_)), "kept a slice of the static bytes");
        }
        assert_eq!(*back[1], "two");
        let copied: Vec<Lazy<String>> = postcard::from_bytes(bytes).expect("deserializes");
        assert!(matches!(copied[0].encoded, std::borrow::Cow::Owned(_)), "other bytes are copied");
        assert_eq!(*copied[0], "one");
    }
}

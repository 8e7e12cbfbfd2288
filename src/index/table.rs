//! Arrays read in place from a loaded index file.
//!
//! A [`Table`] is either a plain `Vec` (while an index is built, or in tests
//! that damage one on purpose) or a window into the loaded file's bytes: the
//! file is copied once into 8-byte-aligned memory ([`Bytes`]) and each
//! fixed-width section is then viewed as `&[T]` where it lies, so loading
//! allocates nothing per record. Both deref to `&[T]`, so readers index,
//! slice and binary-search a table as they did a `Vec`.
//!
//! Only [`Pod`] types can be viewed: `repr(C)`, no padding, every bit
//! pattern valid, and the file is little-endian like every target medcode
//! runs on (wasm32, x86-64, aarch64).

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

#[cfg(target_endian = "big")]
compile_error!("the index is read in place as little-endian arrays");

/// Plain old data: any bytes of the right length are a valid value.
///
/// # Safety
/// Implementors are `repr(C)` (or primitive), have no padding bytes, no
/// invalid bit patterns, and an alignment of at most 8.
pub unsafe trait Pod: Copy + 'static {}
unsafe impl Pod for u8 {}
unsafe impl Pod for u16 {}
unsafe impl Pod for u32 {}

/// A loaded file's bytes, 8-byte aligned, shared by every table viewing it.
pub struct Bytes {
    store: BytesStore,
    len: usize,
}

enum BytesStore {
    /// The caller's buffer, kept as it was because it was already aligned.
    Bytes(Vec<u8>),
    /// A copy into 8-byte words.
    Words(Vec<u64>),
    /// Bytes owned elsewhere, viewed for a moment ([`Bytes::borrowed`]).
    Borrowed(*const u8),
}

// SAFETY: a borrowed store is only read, and only while its owner lends it.
unsafe impl Send for Bytes {}
unsafe impl Sync for Bytes {}

impl Bytes {
    /// Copies `src` into aligned memory.
    pub fn copy_from(src: &[u8]) -> Arc<Bytes> {
        let mut words = vec![0u64; src.len().div_ceil(8)];
        // SAFETY: `words` holds at least `src.len()` bytes; u8 has no alignment.
        let dst =
            unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr() as *mut u8, src.len()) };
        dst.copy_from_slice(src);
        Arc::new(Bytes {
            store: BytesStore::Words(words),
            len: src.len(),
        })
    }

    /// Takes the buffer as it is when it is 8-byte aligned (large
    /// allocations are, natively and in wasm), else copies it.
    pub fn from_vec(v: Vec<u8>) -> Arc<Bytes> {
        if (v.as_ptr() as usize) % 8 != 0 {
            return Self::copy_from(&v);
        }
        Arc::new(Bytes {
            len: v.len(),
            store: BytesStore::Bytes(v),
        })
    }

    /// Views `src` where it lies, without copying.
    ///
    /// # Safety
    /// Every clone of the result and every table viewing it must be dropped
    /// before `src` is freed or written.
    pub unsafe fn borrowed(src: &[u8]) -> Arc<Bytes> {
        Arc::new(Bytes {
            store: BytesStore::Borrowed(src.as_ptr()),
            len: src.len(),
        })
    }

    fn ptr(&self) -> *const u8 {
        match &self.store {
            BytesStore::Borrowed(p) => *p,
            BytesStore::Bytes(v) => v.as_ptr(),
            BytesStore::Words(w) => w.as_ptr() as *const u8,
        }
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the store holds at least `len` initialized bytes.
        unsafe { std::slice::from_raw_parts(self.ptr(), self.len) }
    }
}

/// A `Vec<T>` while building, a view into loaded bytes after loading.
pub struct Table<T: Pod> {
    store: Store<T>,
}

enum Store<T: Pod> {
    Owned(Vec<T>),
    /// `ptr..ptr+len` lies inside `_bytes`, aligned for `T` (checked in [`Table::view`]).
    Mapped {
        _bytes: Arc<Bytes>,
        ptr: *const T,
        len: usize,
    },
}

// SAFETY: a mapped table only reads memory its `Arc` keeps alive and that
// nothing writes after loading; an owned one is a `Vec`.
unsafe impl<T: Pod + Send> Send for Table<T> {}
unsafe impl<T: Pod + Sync> Sync for Table<T> {}

impl<T: Pod> Table<T> {
    /// Views `bytes[off..off + count * size_of::<T>()]` in place, or `None`
    /// when that is out of bounds or misaligned for `T`.
    pub fn view(bytes: &Arc<Bytes>, off: usize, count: usize) -> Option<Table<T>> {
        let size = std::mem::size_of::<T>();
        let end = count.checked_mul(size)?.checked_add(off)?;
        if end > bytes.len || off % std::mem::align_of::<T>() != 0 {
            return None;
        }
        // SAFETY: in bounds (checked above); the store is 8-aligned, so an
        // offset aligned for T (align <= 8) gives an aligned pointer.
        let ptr = unsafe { bytes.ptr().add(off) } as *const T;
        Some(Table {
            store: Store::Mapped {
                _bytes: bytes.clone(),
                ptr,
                len: count,
            },
        })
    }

    /// The table as a `Vec`, copying it out of the file first if it is a view.
    pub fn to_mut(&mut self) -> &mut Vec<T> {
        if let Store::Mapped { .. } = self.store {
            self.store = Store::Owned(self.deref().to_vec());
        }
        match &mut self.store {
            Store::Owned(v) => v,
            Store::Mapped { .. } => unreachable!("converted above"),
        }
    }

    pub fn push(&mut self, x: T) {
        self.to_mut().push(x)
    }
    pub fn truncate(&mut self, n: usize) {
        self.to_mut().truncate(n)
    }
    pub fn extend_from_slice(&mut self, xs: &[T]) {
        self.to_mut().extend_from_slice(xs)
    }

    /// The bytes of the table as they are written to the file.
    pub fn as_bytes(&self) -> &[u8] {
        let s: &[T] = self;
        // SAFETY: `T: Pod` has no padding, so every byte is initialized.
        unsafe { std::slice::from_raw_parts(s.as_ptr() as *const u8, std::mem::size_of_val(s)) }
    }
}

impl<T: Pod> Deref for Table<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match &self.store {
            Store::Owned(v) => v,
            // SAFETY: see `Store::Mapped`.
            Store::Mapped { ptr, len, .. } => unsafe { std::slice::from_raw_parts(*ptr, *len) },
        }
    }
}

impl<T: Pod> DerefMut for Table<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.to_mut()
    }
}

impl<T: Pod> From<Vec<T>> for Table<T> {
    fn from(v: Vec<T>) -> Self {
        Table {
            store: Store::Owned(v),
        }
    }
}

impl<T: Pod> Default for Table<T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<T: Pod> Clone for Table<T> {
    fn clone(&self) -> Self {
        match &self.store {
            Store::Owned(v) => v.clone().into(),
            Store::Mapped { _bytes, ptr, len } => Table {
                store: Store::Mapped {
                    _bytes: _bytes.clone(),
                    ptr: *ptr,
                    len: *len,
                },
            },
        }
    }
}

impl<T: Pod + PartialEq> PartialEq for Table<T> {
    fn eq(&self, other: &Self) -> bool {
        self.deref() == other.deref()
    }
}
impl<T: Pod + Eq> Eq for Table<T> {}

impl<T: Pod + std::fmt::Debug> std::fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.deref().fmt(f)
    }
}

impl<'a, T: Pod> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

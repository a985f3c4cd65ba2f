//! Labels live in a per-thread table, and a node holds a 4-byte id into it.
//!
//! Most nodes of a big circuit have no label, so a `String` field (24 bytes) in every node would make
//! a node 72 bytes and double its allocation. A node never leaves the thread that made it (`Rc` is not
//! `Send`), so a thread-local table is always the right one; a node frees its slot when it is dropped.

use std::cell::RefCell;
use std::num::NonZeroU32;

/// A slot in the label table; `NONE` means "no label".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LabelId(Option<NonZeroU32>);

impl LabelId {
    pub(crate) const NONE: LabelId = LabelId(None);
}

#[derive(Default)]
struct Table {
    names: Vec<Option<Box<str>>>,
    free: Vec<u32>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::default();
}

/// Stores `name` (reusing `old`'s slot if there is one) and returns its id.
pub(crate) fn replace(old: LabelId, name: &str) -> LabelId {
    TABLE.with(|table| {
        let mut table = table.borrow_mut();
        let index = match old.0 {
            Some(id) => id.get() - 1,
            None => match table.free.pop() {
                Some(index) => index,
                None => {
                    table.names.push(None);
                    u32::try_from(table.names.len() - 1).expect("fewer than 2^32 labels")
                }
            },
        };
        table.names[index as usize] = Some(name.into());
        LabelId(NonZeroU32::new(index + 1))
    })
}

/// The name stored under `id`.
pub(crate) fn get(id: LabelId) -> Option<String> {
    let id = id.0?;
    TABLE
        .try_with(|table| {
            table.borrow().names[id.get() as usize - 1]
                .as_deref()
                .map(String::from)
        })
        .ok()
        .flatten()
}

/// Frees `id`'s slot. Quietly does nothing once the thread's table is gone (thread teardown).
/// (Every freed node comes here, and almost none has a label: the check is inlined, the rest not.)
#[inline]
pub(crate) fn release(id: LabelId) {
    if let Some(id) = id.0 {
        release_slot(id);
    }
}

#[inline(never)]
fn release_slot(id: NonZeroU32) {
    let _ = TABLE.try_with(|table| {
        let mut table = table.borrow_mut();
        table.names[id.get() as usize - 1] = None;
        table.free.push(id.get() - 1);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_slots_are_reused() {
        let a = replace(LabelId::NONE, "a");
        release(a);
        let b = replace(LabelId::NONE, "b");
        assert_eq!(a, b);
        assert_eq!(get(b).as_deref(), Some("b"));
        release(b);
    }

    #[test]
    fn renaming_keeps_the_slot() {
        let a = replace(LabelId::NONE, "a");
        let renamed = replace(a, "z");
        assert_eq!(a, renamed);
        assert_eq!(get(renamed).as_deref(), Some("z"));
        release(renamed);
    }
}

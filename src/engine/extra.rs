//! What only some nodes have, in a per-thread side table: a label, and a custom op's rules.
//!
//! Most nodes of a big circuit have neither, so a `String` field (24 bytes) and a rule in every node
//! would make a node twice as big. Instead a node holds a 4-byte id into this table, and pays nothing
//! more when it has neither. A node never leaves the thread that made it (`Rc` is not `Send`), so
//! a thread-local table is always the right one; a node frees its slot when it is freed.

use std::cell::RefCell;
use std::num::NonZeroU32;

use crate::engine::custom::Custom;

/// A slot in the table; `NONE` means "nothing".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ExtraId(Option<NonZeroU32>);

impl ExtraId {
    pub(crate) const NONE: ExtraId = ExtraId(None);
}

#[derive(Default)]
struct Slot {
    label: Option<Box<str>>,
    custom: Option<Custom>,
}

#[derive(Default)]
struct Table {
    slots: Vec<Option<Slot>>,
    free: Vec<u32>,
}

thread_local! {
    static TABLE: RefCell<Table> = RefCell::default();
}

/// Changes `id`'s slot with `change` (taking a new slot if `id` has none) and returns its id. Once
/// the thread's table is gone (thread teardown), nothing is stored and `id` comes back.
fn update(id: ExtraId, change: impl FnOnce(&mut Slot)) -> ExtraId {
    TABLE
        .try_with(|table| {
            let mut table = table.borrow_mut();
            let index = match id.0 {
                Some(id) => id.get() - 1,
                None => match table.free.pop() {
                    Some(index) => index,
                    None => {
                        table.slots.push(None);
                        // At most a slot a node alive: 2^32 nodes would take 320 GiB.
                        u32::try_from(table.slots.len() - 1)
                            .ok()
                            .filter(|&i| i < u32::MAX)
                            .expect("fewer than 2^32 - 1 nodes alive on one thread")
                    }
                },
            };
            let slot = table.slots[index as usize].get_or_insert_with(Slot::default);
            change(slot);
            ExtraId(NonZeroU32::new(index + 1))
        })
        .unwrap_or(id)
}

/// Stores `name` as the label (in `old`'s slot if it has one) and returns the id.
pub(crate) fn set_label(old: ExtraId, name: &str) -> ExtraId {
    update(old, |slot| slot.label = Some(name.into()))
}

/// Stores a custom op's rules (in `old`'s slot if it has one) and returns the id.
pub(crate) fn set_custom(old: ExtraId, custom: Custom) -> ExtraId {
    update(old, |slot| slot.custom = Some(custom))
}

/// Reads `id`'s slot.
fn read<T>(id: ExtraId, f: impl FnOnce(&Slot) -> Option<T>) -> Option<T> {
    let id = id.0?;
    TABLE
        .try_with(|table| {
            let table = table.borrow();
            table.slots[id.get() as usize - 1].as_ref().and_then(f)
        })
        .ok()
        .flatten()
}

/// The label stored under `id`.
pub(crate) fn label(id: ExtraId) -> Option<String> {
    read(id, |slot| slot.label.as_deref().map(String::from))
}

/// The custom op's rules stored under `id`.
pub(crate) fn custom(id: ExtraId) -> Option<Custom> {
    read(id, |slot| slot.custom)
}

/// Frees `id`'s slot. Quietly does nothing once the thread's table is gone (thread teardown).
/// (Every freed node comes here, and almost none has a slot: the check is inlined, the rest not.)
#[inline]
pub(crate) fn release(id: ExtraId) {
    if let Some(id) = id.0 {
        release_slot(id);
    }
}

#[inline(never)]
fn release_slot(id: NonZeroU32) {
    let _ = TABLE.try_with(|table| {
        let mut table = table.borrow_mut();
        table.slots[id.get() as usize - 1] = None;
        table.free.push(id.get() - 1);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_slots_are_reused() {
        let a = set_label(ExtraId::NONE, "a");
        release(a);
        let b = set_label(ExtraId::NONE, "b");
        assert_eq!(a, b);
        assert_eq!(label(b).as_deref(), Some("b"));
        release(b);
    }

    #[test]
    fn renaming_keeps_the_slot_and_the_rule() {
        let a = set_custom(ExtraId::NONE, Custom::unary("f", [|x| x, |_| 1.0]));
        let renamed = set_label(a, "z");
        assert_eq!(a, renamed);
        assert_eq!(label(renamed).as_deref(), Some("z"));
        assert!(custom(renamed).is_some());
        release(renamed);
    }
}

//! "Only the newest answer counts": each request takes a ticket, and an answer whose ticket is
//! no longer the newest is dropped, so a slow early answer never replaces a later one.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Latest(StoredValue<u64>);

impl Default for Latest {
    fn default() -> Latest {
        Latest(StoredValue::new(0))
    }
}

impl Latest {
    /// A ticket for a new request: every earlier one is outdated from now on.
    pub fn take(&self) -> u64 {
        let ticket = self.0.get_value() + 1;
        self.0.set_value(ticket);
        ticket
    }

    /// Whether `ticket` is still the newest (false, too, once the owning component is gone).
    pub fn is_current(&self, ticket: u64) -> bool {
        self.0.try_get_value() == Some(ticket)
    }

    /// Whether the owning component still exists.
    pub fn alive(&self) -> bool {
        self.0.try_get_value().is_some()
    }
}

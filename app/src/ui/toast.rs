//! Toasts in a `role="status"` region: errors stay 5 s, others 3 s; each can be dismissed.

use super::i18n_ctx::use_i18n;
use crate::i18n::Msg;
use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Success,
    Warning,
    Error,
}

impl ToastKind {
    fn class(self) -> &'static str {
        match self {
            ToastKind::Info => "toast toast-info",
            ToastKind::Success => "toast toast-success",
            ToastKind::Warning => "toast toast-warning",
            ToastKind::Error => "toast toast-error",
        }
    }

    fn lifetime(self) -> Duration {
        match self {
            ToastKind::Error => Duration::from_secs(5),
            _ => Duration::from_secs(3),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

/// The toast list, provided by `App`.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn new() -> Toasts {
        Toasts { items: RwSignal::new(Vec::new()), next_id: StoredValue::new(0) }
    }

    pub fn push(self, kind: ToastKind, text: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items.update(|items| items.push(Toast { id, kind, text: text.into() }));
        set_timeout(move || self.dismiss(id), kind.lifetime());
    }

    fn dismiss(self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Toasts::new()
    }
}

pub fn use_toasts() -> Toasts {
    use_context::<Toasts>().unwrap_or_default()
}

#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    let i18n = use_i18n();
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.items.get() key=|toast| toast.id let:toast>
                <div class=toast.kind.class()>
                    <span class="toast-text">{toast.text.clone()}</span>
                    <button
                        type="button"
                        class="toast-close"
                        aria-label=i18n.t(Msg::Dismiss)
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}

//! The page's ear on the disk (docs/API.md, "Live changes"): one `EventSource` on `/api/context/events` per tab,
//! closed while the tab is hidden and reopened when it shows again. Hydrate only; on the server
//! this does nothing.

pub use crate::api::LiveEvent;

/// Calls `on_event` for every event while the calling component lives.
pub fn use_live_events(on_event: impl Fn(LiveEvent) + 'static) {
    #[cfg(feature = "hydrate")]
    hydrate::listen(std::rc::Rc::new(on_event));
    #[cfg(not(feature = "hydrate"))]
    let _ = on_event;
}

#[cfg(feature = "hydrate")]
mod hydrate {
    use super::LiveEvent;
    use crate::api::live::EVENT_NAMES;
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    type Handler = Rc<dyn Fn(LiveEvent)>;

    /// The open stream and the closures it calls (dropped with it: no leaks).
    struct Open {
        source: EventSource,
        _listeners: Vec<Closure<dyn Fn(MessageEvent)>>,
        _on_open: Closure<dyn Fn(web_sys::Event)>,
    }

    impl Drop for Open {
        fn drop(&mut self) {
            self.source.close();
            mark_live(false);
        }
    }

    /// `<html data-live>` while the stream is connected (tests wait for it instead of sleeping).
    fn mark_live(live: bool) {
        let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = if live { root.set_attribute("data-live", "") } else { root.remove_attribute("data-live") };
        }
    }

    fn open(handler: &Handler) -> Option<Open> {
        let source = EventSource::new(crate::api::EVENTS_PATH).ok()?;
        let mut listeners = Vec::new();
        for kind in EVENT_NAMES {
            let handler = handler.clone();
            let listener = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
                if let Some(event) = ev.data().as_string().and_then(|data| LiveEvent::parse(kind, &data)) {
                    handler(event);
                }
            });
            let _ = source.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
            listeners.push(listener);
        }
        // Every (re)connection may have missed events: the first open included, since the page
        // was rendered before the stream existed.
        let handler = handler.clone();
        let on_open = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
            mark_live(true);
            handler(LiveEvent::Resync);
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        Some(Open { source, _listeners: listeners, _on_open: on_open })
    }

    pub(super) fn listen(handler: Handler) {
        let current: Rc<RefCell<Option<Open>>> = Rc::new(RefCell::new(None));
        let document = web_sys::window().and_then(|w| w.document());
        let Some(document) = document else { return };
        if !document.hidden() {
            *current.borrow_mut() = open(&handler);
        }
        let on_visibility = {
            let current = current.clone();
            let document = document.clone();
            Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
                let mut slot = current.borrow_mut();
                if document.hidden() {
                    *slot = None; // closes the stream while nobody looks
                } else if slot.is_none() {
                    *slot = open(&handler);
                }
            })
        };
        let _ = document.add_event_listener_with_callback("visibilitychange", on_visibility.as_ref().unchecked_ref());
        // Not Send; the component's cleanup runs on this (the only) thread.
        let parts = send_wrapper::SendWrapper::new((document, on_visibility, current));
        on_cleanup(move || {
            let (document, on_visibility, current) = parts.take();
            let _ = document
                .remove_event_listener_with_callback("visibilitychange", on_visibility.as_ref().unchecked_ref());
            current.borrow_mut().take();
        });
    }
}

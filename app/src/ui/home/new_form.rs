//! The list page's "New" form, one per type.

use crate::api::fns::create_artifact;
use crate::api::{name_problem, ApiError, ArtifactType, CreateRequest};
use crate::i18n::Msg;
use crate::ui::errors::error_text;
use crate::ui::i18n_ctx::use_i18n;
use crate::ui::toast::{use_toasts, ToastKind};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// In the browser: the current value of the form field `id` already in the page (typed into the
/// server-rendered form before the wasm ran, or into the form this one replaces); empty if none.
fn typed_value(id: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let field = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
        field
            .and_then(|field| js_sys::Reflect::get(&field, &wasm_bindgen::JsValue::from_str("value")).ok())
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        String::new()
    }
}

/// "New": name + content; the name rule is checked here and again by the server.
#[component]
pub fn NewForm(kind: ArtifactType) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let form_id = format!("new-{}", kind.plural());
    let name_id = format!("new-{}-name", kind.plural());
    let content_id = format!("new-{}-content", kind.plural());
    // Hydration (and a re-render of the list) would set the fields back to empty: keep what the
    // user typed into them first.
    let name = RwSignal::new(typed_value(&name_id));
    let content = RwSignal::new(typed_value(&content_id));
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let error_id = format!("new-{}-error", kind.plural());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_name = name.get_untracked();
        if let Some(problem) = name_problem(&new_name) {
            error.set(Some(format!("{problem} ({})", i18n.lang().text(Msg::NameRule))));
            return;
        }
        error.set(None);
        busy.set(true);
        let request = CreateRequest { name: new_name.clone(), content: content.get_untracked() };
        let navigate = navigate.clone();
        spawn_local(async move {
            match create_artifact(kind, request).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, i18n.lang().format(Msg::Created, &[("name", &new_name)]));
                    navigate(&format!("/{}/{}", kind.plural(), new_name), Default::default());
                }
                // In the user's language, by kind (the server's reasons are English).
                Err(err @ ApiError::InvalidName { .. }) => {
                    error.set(Some(format!("{} ({})", error_text(i18n.lang(), &err), i18n.lang().text(Msg::NameRule))))
                }
                Err(err) => error.set(Some(error_text(i18n.lang(), &err))),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="new-form" id=form_id on:submit=on_submit>
            <h3>{i18n.t(Msg::New)}</h3>
            <label for=name_id.clone()>{i18n.t(Msg::Name)}</label>
            <input
                id=name_id
                type="text"
                autocomplete="off"
                maxlength="64"
                aria-describedby=error_id.clone()
                aria-invalid=move || if error.with(|e| e.is_some()) { "true" } else { "false" }
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <label for=content_id.clone()>{i18n.t(Msg::Content)}</label>
            <textarea id=content_id rows="3" prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))></textarea>
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
            <button type="submit" disabled=move || busy.get()>{i18n.t(Msg::Create)}</button>
        </form>
    }
}

//! The language signal shared by all components, and the header's language switch.

use crate::i18n::{Lang, Msg, LANG_COOKIE};
use leptos::prelude::*;

/// The current language, provided by `App`.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

impl I18n {
    pub fn lang(self) -> Lang {
        self.0.get()
    }

    /// A reactive text.
    pub fn t(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || self.0.get().text(msg)
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n(RwSignal::new(Lang::default())))
}

/// The language of this request: the cookie, else `Accept-Language` (server); in the browser,
/// the `lang` attribute the server rendered, so hydration starts from the same language.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            let header = |name| parts.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
            if let Some(lang) = header(http::header::COOKIE).iter().find_map(|h| Lang::from_cookie_header(h)) {
                return lang;
            }
            return header(http::header::ACCEPT_LANGUAGE)
                .first()
                .map(|h| Lang::from_accept_language(h))
                .unwrap_or_default();
        }
    }
    #[cfg(feature = "hydrate")]
    {
        if let Some(lang) = leptos::prelude::document()
            .document_element()
            .and_then(|el| el.get_attribute("lang"))
            .and_then(|code| Lang::from_code(&code))
        {
            return lang;
        }
    }
    Lang::default()
}

/// Stores the choice at once, so a reload right after switching is already in that language.
fn remember(lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let document = leptos::prelude::document();
        if let Ok(html_doc) = document.clone().dyn_into::<web_sys::HtmlDocument>() {
            let _ =
                html_doc.set_cookie(&format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code()));
        }
        if let Some(el) = document.document_element() {
            let _ = el.set_attribute("lang", lang.code());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (lang, LANG_COOKIE);
}

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(lang) = Lang::from_code(&event_target_value(&ev)) {
            remember(lang);
            i18n.0.set(lang);
        }
    };
    view! {
        <label class="lang-switch">
            <span>{i18n.t(Msg::Language)}</span>
            <select on:change=on_change prop:value=move || i18n.lang().code()>
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        view! {
                            <option value=lang.code() selected=move || i18n.lang() == lang>
                                {lang.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

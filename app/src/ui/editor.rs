//! The editor page (`/skills/{name}`, `/agents/{name}`, `/commands/{name}`), one file per thing
//! the user sees: the save flow is plain Rust in `editor/state.rs` (what happens on a 409 is
//! there, in `EditorState::on_answer`), `editor/page.rs` lays the page out and wires it, and
//! `editor/act.rs` carries out requests, toasts and drafts. Rendered on the server with the
//! content inside the textarea, so the text is there before the wasm loads; hydrated into the
//! full flow (docs/ARCHITECTURE.md, "One Save, from the button to the disk and back").

mod act;
mod checks_panel;
pub mod conflict;
mod diff_banner;
mod disk_notice;
pub mod history;
mod history_list;
pub mod merge_panel;
mod page;
pub mod state;
mod sync_offer;

use crate::api::fns::{get_artifact, get_project_info};
use crate::api::{ApiError, ArtifactBody, ArtifactType};
use crate::i18n::Msg;
use crate::text::html;
use crate::ui::errors::error_text;
use crate::ui::i18n_ctx::use_i18n;
use crate::ui::words::type_msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};
#[cfg(feature = "split")]
use leptos_router::lazy_route;
use leptos_router::LazyRoute;
use page::Editor;

/// The editor's route. Its view, with everything the editor can open (conflict dialog, merge,
/// history, sync), is a separate wasm chunk: the list page never downloads it.
pub struct EditorRoute {
    kind: ArtifactType,
}

impl EditorRoute {
    fn new() -> EditorRoute {
        // The three editor routes differ only in their first segment, the artifact type.
        let path = use_location().pathname.get_untracked();
        let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        EditorRoute { kind: ArtifactType::from_plural(first).unwrap_or(ArtifactType::Skills) }
    }

    fn page(self) -> AnyView {
        view! { <EditorPage kind=self.kind /> }.into_any()
    }
}

#[cfg(feature = "split")]
#[lazy_route]
impl LazyRoute for EditorRoute {
    fn data() -> Self {
        EditorRoute::new()
    }

    fn view(this: Self) -> AnyView {
        this.page()
    }
}

/// The same route in one piece: the server, and wasm built without `--split` (the wasm tests).
#[cfg(not(feature = "split"))]
impl LazyRoute for EditorRoute {
    fn data() -> Self {
        EditorRoute::new()
    }

    async fn view(this: Self) -> AnyView {
        this.page()
    }
}

/// Loads the artifact and shows the editor, or why there is none.
#[component]
fn EditorPage(kind: ArtifactType) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let name = Memo::new(move |_| params.read().get("name").unwrap_or_default());
    let data = Resource::new(
        move || name.get(),
        move |name| async move {
            let info = get_project_info().await?;
            let artifact = get_artifact(kind, name).await?;
            Ok::<_, ApiError>((info, artifact))
        },
    );
    view! {
        <Suspense fallback=move || view! { <p>{i18n.t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((_, artifact)) if !browser_keeps(&artifact.content) => {
                        view! { <ReadOnlyEditor kind artifact /> }.into_any()
                    }
                    Ok((info, artifact)) => view! { <Editor kind info artifact /> }.into_any(),
                    Err(ApiError::NotFound { .. }) => {
                        let name = name.get_untracked();
                        view! {
                            <Title text=i18n.t(Msg::NotFoundTitle) />
                            <h1>{i18n.t(Msg::NotFoundTitle)}</h1>
                            <p>
                                {move || {
                                    let kind_text = i18n.lang().text(type_msg(kind));
                                    i18n.lang().format(Msg::NotFoundBody, &[("kind", kind_text), ("name", &name)])
                                }}
                            </p>
                            <p><a href="/">{i18n.t(Msg::BackToList)}</a></p>
                        }
                            .into_any()
                    }
                    Err(ApiError::NotText) => view! { <p class="error">{i18n.t(Msg::NotText)}</p> }.into_any(),
                    Err(err) => view! { <p class="error">{error_text(i18n.lang(), &err)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Whether a browser's textarea holds `text` unchanged. The HTML parser turns U+0000 into
/// U+FFFD (raw or as `&#0;`), so a file with a NUL would open altered and a save would write
/// the replacement characters over it. (Line endings are restored by `text::eol`.)
fn browser_keeps(text: &str) -> bool {
    !text.contains('\0')
}

/// A file the browser cannot edit without altering it: shown, never saved from here. The
/// textarea has an id of its own, so the editor's hydration never adopts this text as typed.
#[component]
fn ReadOnlyEditor(kind: ArtifactType, artifact: ArtifactBody) -> impl IntoView {
    let i18n = use_i18n();
    // Each NUL shown as U+2400 (SYMBOL FOR NULL): visible, and the page carries no raw NUL.
    let shown = format!("\n{}", html::escape(&artifact.content.replace('\0', "\u{2400}")));
    view! {
        <Title text=format!("{} — ctxgate", artifact.name) />
        <article class="editor">
            <p class="crumbs">
                <a href="/">{i18n.t(Msg::BackToList)}</a>
                " / "
                {i18n.t(type_msg(kind))}
            </p>
            <h1><span id="artifact-name">{artifact.name.clone()}</span></h1>
            <p id="ctx-read-only" class="error" role="alert">{i18n.t(Msg::UneditableChars)}</p>
            <label for="read-only-content" class="content-label">{i18n.t(Msg::Content)}</label>
            <textarea id="read-only-content" spellcheck="false" readonly=true>{shown}</textarea>
            <div class="editor-actions">
                <button type="button" class="primary" disabled=true>{i18n.t(Msg::Save)}</button>
            </div>
        </article>
    }
}

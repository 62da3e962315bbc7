//! The editor page (`/skills/{name}`, `/agents/{name}`, `/commands/{name}`) and its save and
//! conflict flow (SPEC §6). Rendered on the server with the content inside the textarea, so the
//! text is there before the wasm loads; hydrated into the full flow.

use super::conflict::{ConflictDialog, ConflictView};
use super::draft::{now_iso, DraftStore};
use super::errors::error_text;
use super::history::HistoryPanel;
use super::i18n_ctx::use_i18n;
use super::live::{use_live_events, LiveEvent};
use super::merge_panel::MergePanel;
use super::nav_guard::use_nav_guard;
use super::sync::SyncOffer;
use super::toast::{use_toasts, ToastKind};
use crate::api::fns::{create_artifact, get_artifact, get_project_info, save_artifact, ProjectInfo};
use crate::api::{ApiError, ArtifactBody, ArtifactType, CreateRequest, Etag, HistoryId, MtimeNs, UpdateRequest};
use crate::i18n::Msg;
use crate::text::draft::Draft;
use crate::text::merge::{conflict_count, merge3_parts, resolve, MergePart};
use crate::text::{diff_lines, eol, DiffLine};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};
#[cfg(feature = "split")]
use leptos_router::lazy_route;
use leptos_router::LazyRoute;

/// A version of the file the editor knows: its text (LF, as the textarea holds it) and tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub content: String,
    pub mtime_ns: MtimeNs,
    pub etag: Etag,
    /// The file's own text with its own line endings: a save gives every line the user did not
    /// touch its original ending back (`eol::restore`).
    pub raw: String,
}

impl Loaded {
    fn from_body(body: &ArtifactBody) -> Loaded {
        Loaded {
            content: eol::to_lf(&body.content),
            mtime_ns: body.mtime_ns,
            etag: body.etag.clone(),
            raw: body.content.clone(),
        }
    }
}

/// A save that came back stale: the buffer, the fresh disk version, the stale base (whose
/// tokens a force-save sends, so the audit log shows what was overridden), and the merge of the
/// three, computed once as the dialog opens (`None`: the base is unknown, so no merge).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Conflict {
    mine: String,
    disk: Loaded,
    stale: Loaded,
    merge: Option<Vec<MergePart>>,
}

impl Conflict {
    fn new(mine: String, disk: Loaded, stale: Loaded) -> Conflict {
        let merge = (stale.etag != Etag::default()).then(|| merge3_parts(&stale.content, &mine, &disk.content));
        Conflict { mine, disk, stale, merge }
    }
}

/// Where the save flow stands; one at a time. The diff banner ("comparing") and the live notice
/// are not in it: both stay open while the user types and saves.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
enum Flow {
    #[default]
    Idle,
    /// A save or force save is on its way; Save is disabled.
    Saving,
    /// The conflict dialog is open over a refused save; Save stays disabled.
    Conflict(Box<Conflict>),
    /// The merge panel is open: the parts the user decides and the disk version they merge
    /// with. Save waits for Apply or Cancel, so a half-decided merge is never saved.
    Merging { parts: Vec<MergePart>, disk: Box<Loaded> },
}

impl Flow {
    fn conflict(&self) -> Option<&Conflict> {
        match self {
            Flow::Conflict(c) => Some(c),
            _ => None,
        }
    }
}

/// The live notice of §14: the disk changed under a dirty buffer, or the file went away.
#[derive(Clone, Debug, PartialEq, Eq)]
enum DiskNotice {
    Changed(Loaded),
    Removed,
}

pub fn type_msg(kind: ArtifactType) -> Msg {
    match kind {
        ArtifactType::Skills => Msg::Skills,
        ArtifactType::Agents => Msg::Agents,
        ArtifactType::Commands => Msg::Commands,
    }
}

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

#[component]
fn Editor(kind: ArtifactType, info: ProjectInfo, artifact: ArtifactBody) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let name = StoredValue::new(artifact.name.clone());
    let first = Loaded::from_body(&artifact);
    let initial_text = first.content.clone();
    // Leptos writes <textarea> children unescaped (it treats them like <script>), so the text
    // is escaped here or a file holding `</textarea>` would inject markup. The leading newline
    // is the one the HTML parser drops after a <textarea> start tag, so the file's own survives.
    let ssr_text = format!("\n{}", escape_html(&initial_text));
    let loaded = RwSignal::new(first);
    // Text typed into the server-rendered textarea before the wasm arrived is the user's: adopt
    // it (hydration would otherwise reset the textarea to the file's text, silently).
    // The buffer starts as the server rendered it (hydration must match); the typed text is
    // adopted by the first Effect below, which makes the page dirty.
    let typed_before_hydration = typed_into_ssr_textarea(&initial_text);
    let buffer = RwSignal::new(initial_text.clone());
    // What the app itself puts into the textarea (reload, draft restore). Kept apart from
    // `buffer` so typing never writes the value back: on a large file that costs ~250 ms a key.
    let placed_text = RwSignal::new(typed_before_hydration.clone().unwrap_or_else(|| initial_text.clone()));
    let dirty = Memo::new(move |_| loaded.with(|l| buffer.with(|b| !eol::same_text(b, &l.content))));
    let flow = RwSignal::new(Flow::Idle);
    let save_blocked = Memo::new(move |_| !flow.with(|f| matches!(f, Flow::Idle)));
    // The disk text the diff banner compares the buffer with; `None` = banner closed.
    let diff_against = RwSignal::new(None::<String>);
    let drafts = StoredValue::new(DraftStore::new(&info.project_id, kind.plural(), &artifact.name));
    // The History panel (§13): open or not, bumped after each save so its list reloads, and the
    // entry the buffer was restored from (the next save records its replaced version as `restore`).
    let history_open = RwSignal::new(false);
    let history_refresh = RwSignal::new(0u32);
    let restored_from = RwSignal::new(None::<HistoryId>);
    let storage_warned = StoredValue::new(false);
    let save_ref = NodeRef::<html::Button>::new();

    // Back to `next` (Idle re-enables Save), focus on Save once Leptos has applied the update.
    let end_flow = move |next: Flow| {
        flow.set(next);
        request_animation_frame(move || {
            if let Some(button) = save_ref.get_untracked() {
                let _ = button.focus();
            }
        });
    };

    let stash = move |mine: &str, base: &Loaded| {
        let draft = Draft {
            content: mine.to_owned(),
            base_content: base.content.clone(),
            base_mtime_ns: base.mtime_ns.to_string(),
            base_etag: base.etag.to_string(),
            saved_at: now_iso(),
        };
        if !drafts.with_value(|d| d.save(&draft)) && !storage_warned.get_value() {
            storage_warned.set_value(true);
            toasts.push(ToastKind::Warning, i18n.lang().text(Msg::DraftNotStored));
        }
    };

    let adopt_saved = move |content: String, raw: String, mtime_ns: MtimeNs, etag: Etag| {
        loaded.update(|l| {
            l.content = content;
            l.raw = raw;
            l.mtime_ns = mtime_ns;
            l.etag = etag;
        });
        drafts.with_value(|d| d.remove());
        diff_against.set(None);
        restored_from.set(None);
        history_refresh.update(|n| *n += 1);
    };

    let save = Callback::new(move |()| {
        if save_blocked.get_untracked() {
            return;
        }
        flow.set(Flow::Saving);
        let base = loaded.get_untracked();
        let mine = buffer.get_untracked();
        let raw = eol::restore(&base.raw, &mine);
        let request = UpdateRequest {
            content: raw.clone(),
            mtime_ns: base.mtime_ns,
            etag: Some(base.etag.clone()),
            force: false,
            seen_etag: None,
            restored_from: restored_from.get_untracked(),
        };
        let name = name.get_value();
        spawn_local(async move {
            match save_artifact(kind, name.clone(), request).await {
                Ok(saved) => {
                    adopt_saved(mine, raw, saved.mtime_ns, saved.etag);
                    toasts.push(ToastKind::Success, i18n.lang().format(Msg::Saved, &[("name", &name)]));
                    end_flow(Flow::Idle);
                }
                Err(ApiError::Conflict { .. } | ApiError::PreconditionFailed { .. }) => {
                    // The buffer is safe in storage before anything else happens.
                    stash(&mine, &base);
                    match get_artifact(kind, name).await {
                        Ok(fresh) => {
                            flow.set(Flow::Conflict(Box::new(Conflict::new(mine, Loaded::from_body(&fresh), base))))
                        }
                        Err(_) => {
                            toasts.push(ToastKind::Error, i18n.lang().text(Msg::RequestFailed));
                            end_flow(Flow::Idle);
                        }
                    }
                }
                Err(ApiError::NotFound { .. }) => {
                    stash(&mine, &base);
                    toasts.push(ToastKind::Error, i18n.lang().format(Msg::FileGone, &[("name", &name)]));
                    end_flow(Flow::Idle);
                }
                Err(err) => {
                    toasts.push(ToastKind::Error, error_text(i18n.lang(), &err));
                    end_flow(Flow::Idle);
                }
            }
        });
    });

    let taken_conflict = move || flow.with_untracked(|f| f.conflict().cloned());
    let on_reload = Callback::new(move |()| {
        let Some(c) = taken_conflict() else { return };
        drafts.with_value(|d| d.remove());
        buffer.set(c.disk.content.clone());
        placed_text.set(c.disk.content.clone());
        loaded.set(c.disk);
        diff_against.set(None);
        end_flow(Flow::Idle);
    });

    let on_diff = Callback::new(move |()| {
        let Some(c) = taken_conflict() else { return };
        // Keep the buffer, adopt the fresh tokens: the next Save succeeds unless the disk moves again.
        diff_against.set(Some(c.disk.content.clone()));
        loaded.set(c.disk);
        end_flow(Flow::Idle);
    });

    let on_force = Callback::new(move |()| {
        let Some(c) = taken_conflict() else { return };
        flow.set(Flow::Saving);
        let raw = eol::restore(&c.disk.raw, &c.mine);
        let request = UpdateRequest {
            content: raw.clone(),
            // The stale tokens that got the 409, so the audit line shows what was overridden...
            mtime_ns: c.stale.mtime_ns,
            etag: Some(c.stale.etag.clone()),
            force: true,
            // ...and the version the dialog showed: a newer one refuses the force (§3).
            seen_etag: Some(c.disk.etag.clone()),
            restored_from: None,
        };
        let name = name.get_value();
        spawn_local(async move {
            match save_artifact(kind, name.clone(), request).await {
                Ok(saved) => {
                    adopt_saved(c.mine, raw, saved.mtime_ns, saved.etag);
                    toasts.push(ToastKind::Warning, i18n.lang().text(Msg::ForceSaved));
                    end_flow(Flow::Idle);
                }
                // The disk moved again after the dialog fetched it: show the newest version
                // instead of overwriting one nobody saw.
                Err(ApiError::Conflict { .. } | ApiError::PreconditionFailed { .. }) => {
                    match get_artifact(kind, name).await {
                        Ok(fresh) => flow.set(Flow::Conflict(Box::new(Conflict::new(
                            c.mine,
                            Loaded::from_body(&fresh),
                            c.stale,
                        )))),
                        Err(_) => {
                            toasts.push(ToastKind::Error, i18n.lang().text(Msg::RequestFailed));
                            end_flow(Flow::Idle);
                        }
                    }
                }
                Err(err) => {
                    toasts.push(ToastKind::Error, error_text(i18n.lang(), &err));
                    end_flow(Flow::Idle);
                }
            }
        });
    });

    // Merge (§12). The merged text becomes the buffer and the disk version "loaded"; nothing is
    // written until the user saves (a normal guarded save). The draft follows the new base.
    let apply_merge = move |merged: String, disk: Loaded| {
        stash(&merged, &disk);
        placed_text.set(merged.clone());
        buffer.set(merged);
        loaded.set(disk);
    };
    // Clean → applied at once, with a toast; conflicts → the panel.
    let start_merge = move |parts: Vec<MergePart>, disk: Loaded| {
        if conflict_count(&parts) > 0 {
            end_flow(Flow::Merging { parts, disk: Box::new(disk) });
        } else {
            apply_merge(resolve(&parts, &[]).unwrap_or_default(), disk);
            toasts.push(ToastKind::Info, i18n.lang().text(Msg::MergeDone));
            end_flow(Flow::Idle);
        }
    };
    // The dialog says the outcome as it opens; an unknown base (no version tokens) cannot merge.
    let merge_conflicts =
        Memo::new(move |_| flow.with(|f| f.conflict().and_then(|c| c.merge.as_deref().map(conflict_count))));
    let on_merge = Callback::new(move |()| {
        let Some(Conflict { merge: Some(parts), disk, .. }) = taken_conflict() else { return };
        start_merge(parts, disk);
    });
    let merge_parts = Memo::new(move |_| {
        flow.with(|f| match f {
            Flow::Merging { parts, .. } => Some(parts.clone()),
            _ => None,
        })
    });
    let on_merge_apply = Callback::new(move |merged: String| {
        if let Flow::Merging { disk, .. } = flow.get_untracked() {
            apply_merge(merged, *disk);
            end_flow(Flow::Idle);
        }
    });
    let on_merge_cancel = Callback::new(move |()| {
        if matches!(flow.get_untracked(), Flow::Merging { .. }) {
            end_flow(Flow::Idle);
        }
    });

    // "Restore into editor": the buffer becomes that version; Save applies it through the guard.
    let on_restore = Callback::new(move |(text, id): (String, HistoryId)| {
        let text = eol::to_lf(&text);
        placed_text.set(text.clone());
        buffer.set(text);
        restored_from.set(Some(id));
    });

    let on_dismiss = Callback::new(move |()| {
        end_flow(Flow::Idle);
    });

    // Hydrated only: restore a stashed draft, keep its base tokens (a stale draft conflicts again).
    Effect::new(move |ran: Option<()>| {
        if ran.is_some() {
            return;
        }
        // Typing that beat the wasm is newer than any stored draft; the draft stays stored.
        if let Some(typed) = typed_before_hydration.clone() {
            buffer.set(typed);
            return;
        }
        if let Some(draft) = drafts.with_value(|d| d.load()) {
            // Line endings come from the file as it is on disk now.
            let raw = loaded.with_untracked(|l| l.raw.clone());
            loaded.set(Loaded {
                content: draft.base_content,
                mtime_ns: MtimeNs::parse(&draft.base_mtime_ns).unwrap_or_default(),
                etag: Etag::parse(&draft.base_etag).unwrap_or_default(),
                raw,
            });
            placed_text.set(draft.content.clone());
            buffer.set(draft.content);
            toasts.push(ToastKind::Info, i18n.lang().text(Msg::DraftRestored));
        }
    });

    // Live changes on disk (§14). A clean editor follows the disk at once; a dirty one is told and
    // chooses. Save stays guarded by the 409 path whatever the events say.
    let notice = RwSignal::new(None::<DiskNotice>);
    let on_disk_version = move |fresh: Loaded| {
        if flow.with_untracked(|f| matches!(f, Flow::Saving | Flow::Conflict(_))) {
            return; // the save flow owns the screen and will see this version itself
        }
        if fresh.etag == loaded.with_untracked(|l| l.etag.clone()) {
            notice.set(None);
            return;
        }
        if dirty.get_untracked() {
            notice.set(Some(DiskNotice::Changed(fresh)));
        } else {
            placed_text.set(fresh.content.clone());
            buffer.set(fresh.content.clone());
            loaded.set(fresh);
            notice.set(None);
            toasts.push(ToastKind::Info, i18n.lang().format(Msg::LiveReloaded, &[("name", &name.get_value())]));
        }
    };
    let recheck = move || {
        spawn_local(async move {
            match get_artifact(kind, name.get_value()).await {
                Ok(fresh) => on_disk_version(Loaded::from_body(&fresh)),
                Err(ApiError::NotFound { .. }) => notice.set(Some(DiskNotice::Removed)),
                Err(_) => {}
            }
        });
    };
    use_live_events(move |event| match event {
        LiveEvent::Changed { kind: k, name: n, etag, .. }
            if k == kind && n == name.get_value() && etag != loaded.with_untracked(|l| l.etag.clone()) =>
        {
            recheck();
        }
        LiveEvent::Removed { kind: k, name: n } if k == kind && n == name.get_value() => {
            notice.set(Some(DiskNotice::Removed));
        }
        LiveEvent::Recheck => recheck(),
        _ => {}
    });
    // "Merge now": the same merge, against the version the notice announced.
    let on_merge_now = Callback::new(move |()| {
        if let Some(DiskNotice::Changed(fresh)) = notice.get_untracked() {
            let parts =
                loaded.with_untracked(|l| buffer.with_untracked(|b| merge3_parts(&l.content, b, &fresh.content)));
            start_merge(parts, fresh);
        }
        notice.set(None);
    });
    let on_compare = Callback::new(move |()| {
        if let Some(DiskNotice::Changed(fresh)) = notice.get_untracked() {
            diff_against.set(Some(fresh.content));
        }
        notice.set(None);
    });
    let on_recreate = Callback::new(move |()| {
        let mine = buffer.get_untracked();
        let raw = eol::restore(&loaded.with_untracked(|l| l.raw.clone()), &mine);
        let request = CreateRequest { name: name.get_value(), content: raw.clone() };
        spawn_local(async move {
            match create_artifact(kind, request).await {
                Ok(created) => {
                    notice.set(None);
                    adopt_saved(mine, raw, created.mtime_ns, created.etag);
                    toasts.push(ToastKind::Success, i18n.lang().format(Msg::Saved, &[("name", &name.get_value())]));
                }
                Err(err) => toasts.push(ToastKind::Error, error_text(i18n.lang(), &err)),
            }
        });
    });

    // Ctrl/Cmd+S anywhere on the page; the physical key too, so Korean, Cyrillic, … layouts work.
    // Never with Alt: AltGr arrives as Ctrl+Alt on Windows, and AltGr+S types a letter (Polish ś).
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let s_key = ev.key().eq_ignore_ascii_case("s") || ev.code() == "KeyS";
        if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() && s_key {
            ev.prevent_default();
            save.run(());
        }
    });
    on_cleanup(move || keys.remove());

    // Leaving while dirty asks first (reload/close, links, back/forward).
    let guard = use_nav_guard();
    Effect::new(move |_| {
        guard.set(dirty.get().then(|| i18n.lang().text(Msg::LeaveConfirm).to_owned()));
    });
    on_cleanup(move || guard.set(None));

    let title = move || {
        let marker = if dirty.get() { "● " } else { "" };
        format!("{marker}{} — ctxgate", name.get_value())
    };
    let dialog_open = Signal::derive(move || flow.with(|f| f.conflict().is_some()));
    let dialog_texts = Memo::new(move |previous: Option<&ConflictView>| {
        flow.with(|f| f.conflict().map(|c| ConflictView { mine: c.mine.clone(), disk: c.disk.content.clone() }))
            .or_else(|| previous.cloned())
            .unwrap_or_default()
    });
    let files = artifact.files.clone().unwrap_or_default();

    view! {
        <Title text=title />
        <article class="editor" data-project=info.project_id.clone()>
            <p class="crumbs">
                <a href="/">{i18n.t(Msg::BackToList)}</a>
                " / "
                {i18n.t(type_msg(kind))}
            </p>
            <h1>
                <span id="artifact-name">{name.get_value()}</span>
                <Show when=move || dirty.get()>
                    <span class="dirty-marker" title=i18n.t(Msg::UnsavedMarkerLabel) aria-label=i18n.t(Msg::UnsavedMarkerLabel)>
                        " ●"
                    </span>
                </Show>
            </h1>
            <DiskNoticeView notice on_merge_now on_compare on_recreate />
            <DiffBanner buffer diff_against />
            <MergePanel parts=merge_parts.into() on_apply=on_merge_apply on_cancel=on_merge_cancel />
            <label for="editor-content" class="content-label">{i18n.t(Msg::Content)}</label>
            <textarea
                id="editor-content"
                spellcheck="false"
                prop:value=move || placed_text.get()
                on:input=move |ev| buffer.set(event_target_value(&ev))
            >
                {ssr_text}
            </textarea>
            <div class="editor-actions">
                <button type="button" class="primary" node_ref=save_ref disabled=move || save_blocked.get() on:click=move |_| save.run(())>
                    {i18n.t(Msg::Save)}
                </button>
                <button
                    type="button"
                    aria-expanded=move || history_open.get().to_string()
                    aria-controls="ctx-history"
                    on:click=move |_| history_open.update(|open| *open = !*open)
                >
                    {i18n.t(Msg::HistoryTitle)}
                </button>
            </div>
            // After a save, the item's runtime statuses and "Sync to runtimes" (§15).
            <SyncOffer kind name=name.get_value() saved=history_refresh unsaved=dirty />
            <HistoryPanel
                kind
                name=name.get_value()
                open=history_open
                buffer=buffer.into()
                refresh=history_refresh.into()
                on_restore
            />
            {(!files.is_empty()).then(|| view! {
                <section class="files">
                    <h2>{i18n.t(Msg::FilesInFolder)}</h2>
                    <ul>{files.into_iter().map(|f| view! { <li><code>{f}</code></li> }).collect_view()}</ul>
                </section>
            })}
        </article>
        <ConflictDialog
            open=dialog_open
            texts=Signal::from(dialog_texts)
            on_reload
            on_diff
            on_force
            on_dismiss
            merge_conflicts=merge_conflicts
            on_merge
        />
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
    let shown = format!("\n{}", escape_html(&artifact.content.replace('\0', "\u{2400}")));
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

/// `#ctx-disk-notice`: what changed on disk, and the ways out.
#[component]
fn DiskNoticeView(
    notice: RwSignal<Option<DiskNotice>>,
    on_merge_now: Callback<()>,
    on_compare: Callback<()>,
    on_recreate: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        notice.with(|n| n.as_ref().map(|n| matches!(n, DiskNotice::Removed))).map(|removed| {
            view! {
                <div id="ctx-disk-notice" class="disk-notice" role="alert">
                    <p>{if removed { i18n.t(Msg::DiskDeleted) } else { i18n.t(Msg::DiskChanged) }}</p>
                    {if removed {
                        view! {
                            <button type="button" class="primary" on:click=move |_| on_recreate.run(())>
                                {i18n.t(Msg::Recreate)}
                            </button>
                        }
                            .into_any()
                    } else {
                        view! {
                            <button type="button" class="primary" on:click=move |_| on_merge_now.run(())>
                                {i18n.t(Msg::MergeNow)}
                            </button>
                            <button type="button" on:click=move |_| on_compare.run(())>{i18n.t(Msg::Compare)}</button>
                        }
                            .into_any()
                    }}
                    <button type="button" on:click=move |_| notice.set(None)>{i18n.t(Msg::Dismiss)}</button>
                </div>
            }
        })
    }
}

/// In the browser, at hydration: the server-rendered textarea's value when the user typed into
/// it before the wasm ran (it then differs from the file's text).
fn typed_into_ssr_textarea(initial: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        // Only the first editor of a page load can be hydrating the server's textarea; a later
        // one (in-app navigation) must never pick up another editor's text.
        thread_local! {
            static HYDRATED_ONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if HYDRATED_ONE.with(|done| done.replace(true)) {
            return None;
        }
        let element = web_sys::window()?.document()?.get_element_by_id("editor-content")?;
        let value = element.dyn_into::<web_sys::HtmlTextAreaElement>().ok()?.value();
        (!eol::same_text(&value, initial)).then_some(value)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = initial;
        None
    }
}

/// Escapes text for HTML.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The rows of the diff banner as HTML: one element per line, `diff-add` / `diff-del` classes.
/// Built as one string: one component per line would cost far more on a 10,000-line file.
pub fn diff_html(mine: &str, disk: &str) -> String {
    rows_html(&diff_lines(mine, disk))
}

fn rows_html(rows: &[DiffLine]) -> String {
    let mut html = String::with_capacity(rows.iter().map(|r| r.text.len() + 40).sum());
    for row in rows {
        let class = row.tag.class();
        if class.is_empty() {
            html.push_str("<div class=\"diff-line\">");
        } else {
            html.push_str("<div class=\"diff-line ");
            html.push_str(class);
            html.push_str("\">");
        }
        html.push_str(row.tag.prefix());
        html.push_str(&escape_html(&row.text));
        html.push_str("</div>");
    }
    html
}

/// Up to this many rows the banner holds every line; above it only the rows in view (plus a
/// margin) are in the DOM, between two spacers, because the browser needs ~250 ms to lay out
/// 10,000 rows and the banner must follow each keystroke.
const FULL_RENDER_ROWS: usize = 400;
/// Fixed row height in px (`.diff-line` in style/main.css) and rows kept beyond the view.
const ROW_PX: usize = 20;
const WINDOW_ROWS: usize = 40;

/// "Your edits ↔ Current on disk": follows the buffer as the user types.
#[component]
fn DiffBanner(buffer: RwSignal<String>, diff_against: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = Memo::new(move |_| {
        diff_against.with(|disk| disk.as_ref().map(|disk| buffer.with(|mine| diff_lines(mine, disk))))
    });
    let scroll_top = RwSignal::new(0usize);
    // (first row shown, rows shown, total rows)
    let window = Memo::new(move |_| {
        let total = rows.with(|r| r.as_ref().map_or(0, Vec::len));
        if total <= FULL_RENDER_ROWS {
            return (0, total, total);
        }
        let first = (scroll_top.get() / ROW_PX).saturating_sub(WINDOW_ROWS / 4).min(total.saturating_sub(WINDOW_ROWS));
        (first, WINDOW_ROWS.min(total - first), total)
    });
    let html = move || {
        let (first, count, _) = window.get();
        rows.with(|r| r.as_ref().map(|r| rows_html(&r[first..first + count])).unwrap_or_default())
    };
    let above = move || format!("{}px", window.get().0 * ROW_PX);
    let below = move || {
        let (first, count, total) = window.get();
        format!("{}px", (total - first - count) * ROW_PX)
    };
    view! {
        <Show when=move || diff_against.with(|d| d.is_some())>
            <section class="diff-banner" aria-labelledby="diff-heading">
                <div class="diff-head">
                    <h2 id="diff-heading">{i18n.t(Msg::DiffHeading)}</h2>
                    <button type="button" on:click=move |_| diff_against.set(None)>{i18n.t(Msg::Close)}</button>
                </div>
                <div
                    class="diff-lines"
                    tabindex="0"
                    aria-labelledby="diff-heading"
                    on:scroll=move |ev| {
                        let top = event_target::<leptos::web_sys::Element>(&ev).scroll_top();
                        scroll_top.set(usize::try_from(top).unwrap_or(0));
                    }
                >
                    <div class="diff-spacer" style:height=above></div>
                    <div inner_html=html></div>
                    <div class="diff-spacer" style:height=below></div>
                </div>
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn diff_html_marks_and_escapes() {
        let html = super::diff_html("a\n<b>\n", "a\nc\n");
        assert_eq!(
            html,
            "<div class=\"diff-line\"> a</div><div class=\"diff-line diff-del\">-c</div><div class=\"diff-line diff-add\">+&lt;b&gt;</div>"
        );
    }
}

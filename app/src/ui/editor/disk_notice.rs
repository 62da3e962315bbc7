//! `#ctx-disk-notice`: the file changed on disk under unsaved edits, or went away, and the
//! ways out.

use crate::i18n::Msg;
use crate::ui::i18n_ctx::use_i18n;
use leptos::prelude::*;

#[component]
pub fn DiskNoticeView(
    /// `None`: no notice; `Some(true)`: the file was deleted; `Some(false)`: it changed.
    removed: Signal<Option<bool>>,
    on_merge_now: Callback<()>,
    on_compare: Callback<()>,
    on_recreate: Callback<()>,
    on_dismiss: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        removed.get().map(|removed| {
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
                    <button type="button" on:click=move |_| on_dismiss.run(())>{i18n.t(Msg::Dismiss)}</button>
                </div>
            }
        })
    }
}

//! The diff banner, "Your edits ↔ Current on disk": follows the buffer as the user types.

use crate::i18n::Msg;
use crate::text::{diff_lines, html};
use crate::ui::i18n_ctx::use_i18n;
use leptos::prelude::*;

/// Up to this many rows the banner holds every line; above it only the rows in view (plus a
/// margin) are in the DOM, between two spacers, because the browser needs ~250 ms to lay out
/// 10,000 rows and the banner must follow each keystroke.
const FULL_RENDER_ROWS: usize = 400;
/// Fixed row height in px (`.diff-line` in style/main.css) and rows kept beyond the view.
const ROW_PX: usize = 20;
const WINDOW_ROWS: usize = 40;

#[component]
pub fn DiffBanner(
    /// The editor's text (LF).
    buffer: Signal<String>,
    /// The disk text compared with; `None` = the banner is closed.
    against: Signal<Option<String>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows =
        Memo::new(move |_| against.with(|disk| disk.as_ref().map(|disk| buffer.with(|mine| diff_lines(mine, disk)))));
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
    let rows_html = move || {
        let (first, count, _) = window.get();
        rows.with(|r| r.as_ref().map(|r| html::rows_html(&r[first..first + count])).unwrap_or_default())
    };
    let above = move || format!("{}px", window.get().0 * ROW_PX);
    let below = move || {
        let (first, count, total) = window.get();
        format!("{}px", (total - first - count) * ROW_PX)
    };
    view! {
        <Show when=move || against.with(Option::is_some)>
            <section class="diff-banner" aria-labelledby="diff-heading">
                <div class="diff-head">
                    <h2 id="diff-heading">{i18n.t(Msg::DiffHeading)}</h2>
                    <button type="button" on:click=move |_| on_close.run(())>{i18n.t(Msg::Close)}</button>
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
                    <div inner_html=rows_html></div>
                    <div class="diff-spacer" style:height=below></div>
                </div>
            </section>
        </Show>
    }
}

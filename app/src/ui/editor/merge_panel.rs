//! `MergePanel` (docs/USING.md, "Editing, and what happens on a conflict"): what "Merge" opens when the merge left conflicts. One block per
//! conflict with the two sides (and the original, folded away) and a choice of which to keep;
//! "Apply merge" hands the merged text back to the editor, which makes it the buffer. The panel
//! never writes anything itself: the user still saves through the normal guarded Save.

use crate::i18n::Msg;
use crate::text::merge::{resolve, Choice, MergePart};
use crate::ui::i18n_ctx::use_i18n;
use leptos::html;
use leptos::prelude::*;

/// One conflict as a block shows it; `number` counts from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ConflictBlock {
    number: usize,
    mine: String,
    base: String,
    theirs: String,
}

fn conflict_blocks(parts: &[MergePart]) -> Vec<ConflictBlock> {
    parts
        .iter()
        .filter_map(|part| match part {
            MergePart::Conflict { mine, base, theirs } => Some((mine, base, theirs)),
            MergePart::Clean(_) => None,
        })
        .enumerate()
        .map(|(i, (mine, base, theirs))| ConflictBlock {
            number: i + 1,
            mine: mine.clone(),
            base: base.clone(),
            theirs: theirs.clone(),
        })
        .collect()
}

/// The merged text once every conflict is decided (`choices[i]` settles conflict i), else `None`.
/// The same function "Apply merge" uses.
pub fn merge_result(parts: &[MergePart], choices: &[Option<Choice>]) -> Option<String> {
    resolve(parts, choices)
}

#[component]
pub fn MergePanel(
    /// The merge to settle; `None` = the panel is closed.
    parts: Signal<Option<Vec<MergePart>>>,
    /// "Apply merge": the merged text (the clean parts plus the chosen sides, in order).
    on_apply: Callback<String>,
    /// "Cancel": close, change nothing.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let choices = RwSignal::new(Vec::<Option<Choice>>::new());
    let heading_ref = NodeRef::<html::H2>::new();
    let blocks = Memo::new(move |_| parts.with(|p| p.as_deref().map(conflict_blocks).unwrap_or_default()));
    let total = move || blocks.with(Vec::len);
    let resolved = move || choices.with(|c| c.iter().filter(|c| c.is_some()).count());
    let all_decided = move || choices.with(|c| c.len() == total() && c.iter().all(Option::is_some));

    // Every new merge starts undecided. When the panel opens, focus moves to its heading so
    // keyboard and screen-reader users start inside it (the panel is not modal: Tab goes on).
    Effect::new(move |was_open: Option<bool>| {
        let count = blocks.with(Vec::len);
        let is_open = parts.with(Option::is_some);
        choices.set(vec![None; count]);
        if is_open && was_open != Some(true) {
            request_animation_frame(move || {
                // `try_`: the panel may have closed (or the page gone) before the frame comes.
                if let Some(heading) = heading_ref.try_get_untracked().flatten() {
                    let _ = heading.focus();
                }
            });
        }
        is_open
    });

    let choose = Callback::new(move |(index, choice): (usize, Choice)| {
        choices.update(|c| {
            if let Some(slot) = c.get_mut(index) {
                *slot = Some(choice);
            }
        });
    });

    let apply = move |_| {
        let text = parts.with_untracked(|p| p.as_deref().and_then(|p| choices.with_untracked(|c| merge_result(p, c))));
        if let Some(text) = text {
            on_apply.run(text);
        }
    };

    let progress = move || {
        i18n.lang()
            .format(Msg::MergeProgress, &[("resolved", &resolved().to_string()), ("total", &total().to_string())])
    };

    view! {
        <Show when=move || parts.with(Option::is_some)>
            <section id="ctx-merge" class="merge-panel" aria-label=i18n.t(Msg::Merge)>
                <div class="merge-head">
                    <h2 node_ref=heading_ref tabindex="-1">{i18n.t(Msg::Merge)}</h2>
                    <p class="merge-progress" aria-live="polite">{progress}</p>
                </div>
                <p class="merge-hint">{i18n.t(Msg::MergeHint)}</p>
                <div class="merge-conflicts">
                    {move || {
                        let total = total();
                        blocks
                            .get()
                            .into_iter()
                            .map(|block| {
                                let index = block.number - 1;
                                let choice = Signal::derive(move || choices.with(|c| c.get(index).copied().flatten()));
                                view! { <ConflictChoice block total choice choose /> }
                            })
                            .collect_view()
                    }}
                </div>
                <div class="merge-actions">
                    <button type="button" class="primary" disabled=move || !all_decided() on:click=apply>
                        {i18n.t(Msg::MergeApply)}
                    </button>
                    <button type="button" on:click=move |_| on_cancel.run(())>
                        {i18n.t(Msg::MergeCancel)}
                    </button>
                </div>
            </section>
        </Show>
    }
}

/// One conflict: "Your edits" and "Current on disk" side by side, the original folded away, and
/// the three ways to settle it.
#[component]
fn ConflictChoice(
    block: ConflictBlock,
    total: usize,
    choice: Signal<Option<Choice>>,
    choose: Callback<(usize, Choice)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let index = block.number - 1;
    let heading_id = format!("ctx-merge-conflict-{}", block.number);
    let labelled_by = heading_id.clone();
    let number = block.number.to_string();
    let heading =
        move || i18n.lang().format(Msg::MergeConflictHeading, &[("number", &number), ("total", &total.to_string())]);
    let button = move |msg: Msg, this: Choice| {
        view! {
            <button
                type="button"
                aria-pressed=move || (choice.get() == Some(this)).to_string()
                on:click=move |_| choose.run((index, this))
            >
                {i18n.t(msg)}
            </button>
        }
    };
    view! {
        <div
            class="merge-conflict"
            class:merge-decided=move || choice.get().is_some()
            role="group"
            aria-labelledby=labelled_by
        >
            <h3 id=heading_id>{heading}</h3>
            <div class="merge-sides">
                <SideText id=format!("ctx-merge-{}-mine", block.number) title=Msg::YourEdits text=block.mine />
                <SideText id=format!("ctx-merge-{}-disk", block.number) title=Msg::CurrentOnDisk text=block.theirs />
            </div>
            <details class="merge-original">
                <summary>{i18n.t(Msg::MergeOriginal)}</summary>
                <SideText
                    id=format!("ctx-merge-{}-base", block.number)
                    title=Msg::MergeOriginal
                    text=block.base
                    hide_title=true
                />
            </details>
            <div class="merge-choices">
                {button(Msg::MergeUseMine, Choice::Mine)}
                {button(Msg::MergeUseDisk, Choice::Disk)}
                {button(Msg::MergeUseBoth, Choice::Both)}
            </div>
        </div>
    }
}

/// One side of a conflict: a heading and the text, scrollable and keyboard-focusable; a side
/// that deleted the lines says so instead of showing an empty box.
#[component]
fn SideText(id: String, title: Msg, text: String, #[prop(optional)] hide_title: bool) -> impl IntoView {
    let i18n = use_i18n();
    let labelled_by = id.clone();
    let body = if text.is_empty() {
        view! { <p class="merge-empty">{i18n.t(Msg::MergeEmptySide)}</p> }.into_any()
    } else {
        view! { <pre class="merge-text" tabindex="0" aria-labelledby=labelled_by>{text}</pre> }.into_any()
    };
    view! {
        <div class="merge-side">
            <h4 id=id class:visually-hidden=hide_title>{i18n.t(title)}</h4>
            {body}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::merge::merge3_parts;

    #[test]
    fn blocks_are_the_conflicts_in_order() {
        let parts = merge3_parts("a\nb\nc\nd\n", "A1\nb\nc\nD1\n", "A2\nb\nc\nD2\n");
        let blocks = conflict_blocks(&parts);
        assert_eq!(blocks.iter().map(|b| (b.number, b.mine.as_str())).collect::<Vec<_>>(), [(1, "A1\n"), (2, "D1\n")]);
        assert_eq!((blocks[1].base.as_str(), blocks[1].theirs.as_str()), ("d\n", "D2\n"));
        let result = merge_result(&parts, &[Some(Choice::Disk), Some(Choice::Both)]);
        assert_eq!(result.as_deref(), Some("A2\nb\nc\nD1\nD2\n"));
        assert_eq!(merge_result(&parts, &[Some(Choice::Disk), None]), None);
    }
}

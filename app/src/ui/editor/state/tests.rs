//! Every transition of the editor, natively: the state before, the call, the state and the
//! outs after.

use super::*;
use crate::text::merge::conflict_count;

pub(super) fn etag(n: u8) -> Etag {
    Etag::parse(&format!("{n:064x}")).expect("64 hex digits")
}

pub(super) fn version(content: &str, n: u8) -> Loaded {
    Loaded { content: content.into(), mtime_ns: MtimeNs(u128::from(n)), etag: etag(n), raw: content.into() }
}

pub(super) fn id(n: u8) -> HistoryId {
    HistoryId::parse(&format!("{:020}-{:08x}", n, n)).expect("a history id")
}

pub(super) fn draft(content: &str, base: &str, n: u8) -> Draft {
    Draft {
        content: content.into(),
        base_content: base.into(),
        base_mtime_ns: MtimeNs(u128::from(n)),
        base_etag: etag(n),
        saved_at: "2026-12-02T00:00:00.000Z".into(),
    }
}

pub(super) fn editor(content: &str) -> EditorState {
    EditorState::new(ArtifactType::Skills, "demo".into(), version(content, 1), None)
}

pub(super) fn saved(n: u8) -> SavedBody {
    SavedBody { name: "demo".into(), mtime_ns: MtimeNs(u128::from(n)), etag: etag(n) }
}

pub(super) fn conflict_err() -> ApiError {
    ApiError::Conflict { mtime_ns: MtimeNs(2) }
}

pub(super) fn not_found() -> ApiError {
    ApiError::NotFound { what: "skill demo".into() }
}

/// The submit a transition sent, or a panic naming what came instead.
pub(super) fn submit_of(outs: Outs) -> Submit {
    match outs.as_slice() {
        [Out::Submit(s)] => (**s).clone(),
        other => panic!("expected one Submit, got {other:?}"),
    }
}

/// The editor with `mine` typed over "base\n" and a save of it refused by `disk`.
pub(super) fn in_conflict(mine: &str, disk: &str) -> EditorState {
    let mut s = editor("base\n");
    s.type_text(mine.into());
    let submit = submit_of(s.save_request());
    let outs = s.on_answer(submit.clone(), Err(conflict_err()));
    assert!(matches!(outs.as_slice(), [Out::Stash { .. }, Out::FetchConflict(_)]), "{outs:?}");
    assert_eq!(s.on_refused(submit, Some(version(disk, 2))), []);
    s
}

#[test]
fn a_new_editor_is_idle_and_clean() {
    let s = editor("hello\n");
    assert_eq!((s.flow.clone(), s.doc.dirty(), s.save_blocked()), (Flow::Idle, false, false));
    assert_eq!((s.doc.shown(), s.doc.placed, s.saves), ("hello\n", 0, 0));
    // typed text equal to the file (line endings aside) is no typing
    let same = EditorState::new(ArtifactType::Skills, "demo".into(), version("a\n", 1), Some("a\r\n".into()));
    assert_eq!(same.doc.shown(), "a\n");
}

#[test]
fn typing_makes_dirty_and_back_is_clean() {
    let mut s = editor("a\n");
    s.type_text("a\nb\n".into());
    assert!(s.doc.dirty());
    s.type_text("a\n".into());
    assert!(!s.doc.dirty());
    assert_eq!(s.doc.placed, 0, "typing never writes the textarea");
}

#[test]
fn text_typed_before_hydration_is_shown_then_adopted_over_a_draft() {
    let mut s = EditorState::new(ArtifactType::Skills, "demo".into(), version("file\n", 1), Some("typed\n".into()));
    // Hydration must see the server's text in the buffer; the textarea keeps what was typed.
    assert_eq!((s.doc.buffer.as_str(), s.doc.shown(), s.doc.dirty()), ("file\n", "typed\n", false));
    let draft = draft("draft\n", "old\n", 9);
    assert_eq!(s.hydrated(Some(draft)), []);
    assert_eq!((s.doc.buffer.as_str(), s.doc.shown(), s.doc.dirty()), ("typed\n", "typed\n", true));
    assert_eq!((s.doc.loaded.etag.clone(), s.doc.placed), (etag(1), 0));
}

#[test]
fn a_stored_draft_comes_back_with_its_base_and_todays_line_endings() {
    let mut s = EditorState::new(ArtifactType::Skills, "demo".into(), version("now\r\n", 3), None);
    assert_eq!(s.hydrated(None), [], "no draft: nothing happens");
    let draft = draft("mine\n", "base\n", 2);
    assert_eq!(s.hydrated(Some(draft)), [Out::Tell(Tell::DraftRestored)]);
    assert_eq!((s.doc.buffer.as_str(), s.doc.shown(), s.doc.placed), ("mine\n", "mine\n", 1));
    let base = Loaded { content: "base\n".into(), mtime_ns: MtimeNs(2), etag: etag(2), raw: "now\r\n".into() };
    assert_eq!(s.doc.loaded, base);
    // the next save claims the draft's base, so a stale draft conflicts again
    let submit = submit_of(s.save_request());
    assert_eq!((submit.request.mtime_ns, submit.request.etag), (MtimeNs(2), Some(etag(2))));
}

#[test]
fn save_sends_the_base_tokens_and_blocks_a_second_save() {
    let mut s = EditorState::new(ArtifactType::Skills, "demo".into(), version("a\r\nb\r\n", 1), None);
    s.type_text("a\nB\n".into());
    let submit = submit_of(s.save_request());
    let request = UpdateRequest {
        content: "a\r\nB\r\n".into(), // untouched line endings come back
        mtime_ns: MtimeNs(1),
        etag: Some(etag(1)),
        force: false,
        seen_etag: None,
        restored_from: None,
    };
    assert_eq!((submit.request.clone(), submit.mine.as_str(), submit.raw.as_str()), (request, "a\nB\n", "a\r\nB\r\n"));
    assert_eq!((s.flow.clone(), s.save_blocked()), (Flow::Saving, true));
    assert_eq!(s.save_request(), [], "Save is blocked while one is on its way");
}

#[test]
fn a_saved_answer_adopts_the_new_version() {
    let mut s = editor("a\n");
    s.restore("old\r\n", id(4));
    s.diff_against = Some("disk\n".into());
    let submit = submit_of(s.save_request());
    assert_eq!(submit.request.restored_from, Some(id(4)));
    let outs = s.on_answer(submit, Ok(saved(5)));
    assert_eq!(outs, [Out::DropDraft, Out::Tell(Tell::Saved), Out::FocusSave]);
    // line endings come from the file being replaced, as for any edit
    let now = Loaded { content: "old\n".into(), mtime_ns: MtimeNs(5), etag: etag(5), raw: "old\n".into() };
    assert_eq!((s.doc.loaded.clone(), s.doc.restored_from.clone(), s.diff_against.clone()), (now, None, None));
    assert_eq!((s.flow.clone(), s.saves, s.doc.dirty()), (Flow::Idle, 1, false));
}

#[test]
fn on_409_the_buffer_is_stashed_first_then_the_dialog_opens_with_the_merge() {
    let mut s = editor("one\ntwo\n");
    s.type_text("ONE\ntwo\n".into());
    let submit = submit_of(s.save_request());
    let outs = s.on_answer(submit.clone(), Err(conflict_err()));
    assert_eq!(
        outs,
        [
            Out::Stash { content: "ONE\ntwo\n".into(), base: version("one\ntwo\n", 1) },
            Out::FetchConflict(Box::new(submit.clone()))
        ]
    );
    assert_eq!(s.flow, Flow::Saving, "Save stays blocked while the disk version is read");
    assert_eq!(s.on_refused(submit, Some(version("one\nTWO\n", 2))), []);
    let c = s.flow.conflict().expect("the dialog is open");
    assert_eq!((c.mine.as_str(), c.disk.etag.clone(), c.stale.etag.clone()), ("ONE\ntwo\n", etag(2), etag(1)));
    assert_eq!(conflict_count(&c.merge), 0, "the two edits merge cleanly");
    assert!(s.save_blocked());
    // 412 (a REST If-Match refusal) is the same refusal
    let mut s = editor("a\n");
    let submit = submit_of(s.save_request());
    let err = ApiError::PreconditionFailed { mtime_ns: MtimeNs(2) };
    assert!(matches!(s.on_answer(submit, Err(err)).as_slice(), [Out::Stash { .. }, Out::FetchConflict(_)]));
}

#[test]
fn a_refusal_whose_disk_version_cannot_be_read_says_so_and_unblocks() {
    let mut s = editor("a\n");
    let submit = submit_of(s.save_request());
    s.on_answer(submit.clone(), Err(conflict_err()));
    assert_eq!(s.on_refused(submit, None), [Out::Tell(Tell::RequestFailed), Out::FocusSave]);
    assert_eq!(s.flow, Flow::Idle);
}

#[test]
fn a_save_of_a_deleted_file_keeps_the_buffer_and_says_it_is_gone() {
    let mut s = editor("a\n");
    s.type_text("b\n".into());
    let submit = submit_of(s.save_request());
    let outs = s.on_answer(submit, Err(not_found()));
    let stash = Out::Stash { content: "b\n".into(), base: version("a\n", 1) };
    assert_eq!(outs, [stash, Out::Tell(Tell::FileGone), Out::FocusSave]);
    assert_eq!((s.flow.clone(), s.doc.buffer.as_str()), (Flow::Idle, "b\n"));
}

#[test]
fn any_other_error_is_told_and_keeps_the_buffer() {
    let mut s = editor("a\n");
    s.type_text("b\n".into());
    let submit = submit_of(s.save_request());
    let err = ApiError::HistoryUnavailable;
    assert_eq!(s.on_answer(submit, Err(err.clone())), [Out::Tell(Tell::Failed(err)), Out::FocusSave]);
    assert_eq!((s.flow.clone(), s.doc.buffer.as_str(), s.doc.loaded.etag.clone()), (Flow::Idle, "b\n", etag(1)));
}

#[test]
fn force_sends_the_stale_tokens_and_the_version_the_dialog_showed() {
    let mut s = editor("a\n");
    assert_eq!(s.force_request(), [], "no dialog, no force");
    let mut s = in_conflict("mine\n", "disk\r\n");
    let submit = submit_of(s.force_request());
    let request = UpdateRequest {
        content: "mine\r\n".into(), // the disk version's line endings
        mtime_ns: MtimeNs(1),
        etag: Some(etag(1)),
        force: true,
        seen_etag: Some(etag(2)),
        restored_from: None,
    };
    assert_eq!((submit.request.clone(), submit.base.etag.clone()), (request, etag(1)));
    assert_eq!(s.flow, Flow::Saving);
    assert_eq!(s.on_answer(submit, Ok(saved(3))), [Out::DropDraft, Out::Tell(Tell::ForceSaved), Out::FocusSave]);
    assert_eq!((s.doc.loaded.etag.clone(), s.doc.loaded.raw.as_str(), s.saves), (etag(3), "mine\r\n", 1));
}

#[test]
fn a_force_that_meets_a_newer_disk_shows_that_version_and_keeps_the_stale_base() {
    let mut s = in_conflict("mine\n", "disk\n");
    let submit = submit_of(s.force_request());
    assert!(matches!(
        s.on_answer(submit.clone(), Err(conflict_err())).as_slice(),
        [Out::Stash { .. }, Out::FetchConflict(_)]
    ));
    assert_eq!(s.on_refused(submit, Some(version("newer\n", 7))), []);
    let c = s.flow.conflict().expect("the dialog again");
    assert_eq!((c.disk.content.as_str(), c.stale.etag.clone(), c.mine.as_str()), ("newer\n", etag(1), "mine\n"));
}

#[test]
fn reload_takes_the_disk_version_and_drops_the_draft() {
    let mut s = in_conflict("mine\n", "disk\n");
    s.diff_against = Some("x\n".into());
    assert_eq!(s.reload(), [Out::DropDraft, Out::FocusSave]);
    assert_eq!((s.doc.buffer.as_str(), s.doc.placed, s.doc.loaded.etag.clone()), ("disk\n", 1, etag(2)));
    assert_eq!((s.flow.clone(), s.diff_against.clone(), s.doc.dirty()), (Flow::Idle, None, false));
    assert_eq!(s.reload(), [], "only from the dialog");
}

#[test]
fn compare_keeps_the_buffer_adopts_the_fresh_tokens_and_opens_the_banner() {
    let mut s = in_conflict("mine\n", "disk\n");
    assert_eq!(s.open_diff(), [Out::FocusSave]);
    assert_eq!((s.doc.buffer.as_str(), s.doc.placed, s.doc.loaded.etag.clone()), ("mine\n", 0, etag(2)));
    assert_eq!((s.diff_against.as_deref(), s.flow.clone()), (Some("disk\n"), Flow::Idle));
    // the next save goes over the version the user compared with
    assert_eq!(submit_of(s.save_request()).request.etag, Some(etag(2)));
    s.close_diff();
    assert_eq!(s.diff_against, None);
}

#[test]
fn escape_closes_the_dialog_and_keeps_everything() {
    let mut s = in_conflict("mine\n", "disk\n");
    assert_eq!(s.dismiss(), [Out::FocusSave]);
    assert_eq!((s.flow.clone(), s.doc.buffer.as_str(), s.doc.loaded.etag.clone()), (Flow::Idle, "mine\n", etag(1)));
    assert_eq!(s.dismiss(), [], "nothing to dismiss");
}

#[test]
fn a_clean_merge_is_applied_at_once_and_stashed_against_the_disk_version() {
    let mut s = editor("one\ntwo\n");
    s.type_text("ONE\ntwo\n".into());
    let submit = submit_of(s.save_request());
    s.on_answer(submit.clone(), Err(conflict_err()));
    s.on_refused(submit, Some(version("one\nTWO\n", 2)));
    let outs = s.merge();
    let stash = Out::Stash { content: "ONE\nTWO\n".into(), base: version("one\nTWO\n", 2) };
    assert_eq!(outs, [stash, Out::Tell(Tell::MergeDone), Out::FocusSave]);
    assert_eq!((s.doc.buffer.as_str(), s.doc.placed, s.doc.loaded.etag.clone()), ("ONE\nTWO\n", 1, etag(2)));
    assert_eq!(s.flow, Flow::Idle);
    assert_eq!(s.merge(), [], "only from the dialog");
}

#[test]
fn a_merge_with_conflicts_opens_the_panel_which_applies_or_cancels() {
    let mut s = in_conflict("mine\n", "disk\n");
    assert_eq!(s.merge(), [Out::FocusSave]);
    let Flow::Merging { parts, disk } = s.flow.clone() else { panic!("the panel is open: {:?}", s.flow) };
    assert_eq!((conflict_count(&parts), disk.etag.clone()), (1, etag(2)));
    assert!(s.save_blocked(), "a half-decided merge is never saved");
    assert_eq!(s.merge_cancel(), [Out::FocusSave]);
    assert_eq!((s.flow.clone(), s.doc.buffer.as_str(), s.doc.loaded.etag.clone()), (Flow::Idle, "mine\n", etag(1)));
    assert_eq!(s.merge_cancel(), [], "nothing to cancel");
    assert_eq!(s.merge_apply("x\n".into()), [], "nothing to apply");

    let mut s = in_conflict("mine\n", "disk\n");
    s.merge();
    let outs = s.merge_apply("mine\ndisk\n".into());
    let stash = Out::Stash { content: "mine\ndisk\n".into(), base: version("disk\n", 2) };
    assert_eq!(outs, [stash, Out::FocusSave]);
    assert_eq!((s.doc.buffer.as_str(), s.doc.placed, s.flow.clone()), ("mine\ndisk\n", 1, Flow::Idle));
    assert_eq!(submit_of(s.save_request()).request.etag, Some(etag(2)));
}

#[test]
fn restore_places_the_version_in_lf_and_remembers_its_id() {
    let mut s = editor("a\n");
    s.restore("x\r\ny\r\n", id(3));
    assert_eq!((s.doc.buffer.as_str(), s.doc.placed, s.doc.restored_from.clone()), ("x\ny\n", 1, Some(id(3))));
    assert!(s.doc.dirty());
}

/// Typing goes on while a save is on its way; a refusal must keep that typing, in the stash, in
/// the dialog's "Your edits" and in what Merge builds (docs/ARCHITECTURE.md, "The editor's states").
#[test]
fn typing_during_a_refused_save_is_kept() {
    let mut s = editor("1\n2\n3\n4\n5\n");
    s.type_text("one\n2\n3\n4\n5\n".into());
    let submit = submit_of(s.save_request());
    s.type_text("one\n2\n3\n4\n5\nsix\n".into());
    let outs = s.on_answer(submit.clone(), Err(conflict_err()));
    match outs.as_slice() {
        [Out::Stash { content, .. }, Out::FetchConflict(_)] => assert_eq!(content, "one\n2\n3\n4\n5\nsix\n"),
        other => panic!("expected a stash and a fetch, got {other:?}"),
    }
    assert_eq!(s.on_refused(submit, Some(version("1\n2\nthree\n4\n5\n", 2))), []);
    let conflict = s.flow.conflict().expect("the dialog is open").clone();
    assert_eq!(conflict.mine, "one\n2\n3\n4\n5\nsix\n");
    s.merge();
    assert_eq!(s.doc.buffer, "one\n2\nthree\n4\n5\nsix\n", "Merge must keep the late typing");
}

#[test]
fn typing_during_a_save_of_a_deleted_file_is_kept() {
    let mut s = editor("base\n");
    s.type_text("mine\n".into());
    let submit = submit_of(s.save_request());
    s.type_text("mine and more\n".into());
    match s.on_answer(submit, Err(not_found())).as_slice() {
        [Out::Stash { content, .. }, Out::Tell(Tell::FileGone), Out::FocusSave] => {
            assert_eq!(content, "mine and more\n")
        }
        other => panic!("{other:?}"),
    }
}

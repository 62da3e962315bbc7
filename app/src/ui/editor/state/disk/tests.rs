//! The disk's transitions, natively.

use super::super::tests::{editor, etag, in_conflict, not_found, submit_of, version};
use super::super::*;
use crate::api::{ArtifactBody, ChangedEvent, CreateRequest, CreatedBody, LiveEvent, MtimeNs, RemovedEvent};

#[test]
fn live_events_about_this_file_ask_for_the_disk_version() {
    let changed = |name: &str, n: u8| {
        LiveEvent::Changed(ChangedEvent {
            kind: ArtifactType::Skills,
            name: name.into(),
            mtime_ns: MtimeNs(9),
            etag: etag(n),
        })
    };
    let mut s = editor("a\n");
    assert_eq!(s.on_live_event(&changed("demo", 2)), [Out::Recheck]);
    assert_eq!(s.on_live_event(&changed("demo", 1)), [], "its own save");
    assert_eq!(s.on_live_event(&changed("other", 2)), []);
    let agent = LiveEvent::Removed(RemovedEvent { kind: ArtifactType::Agents, name: "demo".into() });
    assert_eq!((s.on_live_event(&agent), s.notice.clone()), (vec![], None));
    assert_eq!(s.on_live_event(&LiveEvent::Resync), [Out::Recheck]);
    let removed = LiveEvent::Removed(RemovedEvent { kind: ArtifactType::Skills, name: "demo".into() });
    assert_eq!((s.on_live_event(&removed), s.notice.clone()), (vec![], Some(DiskNotice::Removed)));
}

#[test]
fn a_clean_editor_follows_the_disk_and_a_dirty_one_is_told() {
    let body = |content: &str, n: u8| ArtifactBody {
        name: "demo".into(),
        content: content.into(),
        mtime_ns: MtimeNs(u128::from(n)),
        etag: etag(n),
        files: None,
    };
    let mut s = editor("a\n");
    assert_eq!(s.on_disk_answer(Ok(body("b\r\n", 2))), [Out::Tell(Tell::LiveReloaded)]);
    assert_eq!((s.doc.buffer.as_str(), s.doc.placed, s.doc.loaded.raw.as_str()), ("b\n", 1, "b\r\n"));
    s.type_text("mine\n".into());
    assert_eq!(s.on_disk_answer(Ok(body("c\n", 3))), []);
    assert_eq!(s.notice, Some(DiskNotice::Changed(version("c\n", 3))));
    assert_eq!((s.doc.buffer.as_str(), s.doc.loaded.etag.clone()), ("mine\n", etag(2)), "nothing replaced");
    // the version it already has clears the notice
    assert_eq!(s.on_disk_version(version("b\n", 2)), []);
    assert_eq!(s.notice, None);
    assert_eq!(s.on_disk_answer(Err(ApiError::Transport("x".into()))), []);
    assert_eq!(s.on_disk_answer(Err(not_found())), []);
    assert_eq!(s.notice, Some(DiskNotice::Removed));
}

#[test]
fn the_save_flow_owns_the_screen_over_live_versions() {
    let mut s = editor("a\n");
    submit_of(s.save_request());
    assert_eq!(s.on_disk_version(version("b\n", 2)), []);
    assert_eq!((s.notice.clone(), s.doc.buffer.as_str()), (None, "a\n"));
    let mut s = in_conflict("mine\n", "disk\n");
    assert_eq!(s.on_disk_version(version("newer\n", 3)), []);
    assert_eq!(s.notice, None);
}

#[test]
fn merge_now_merges_with_the_announced_version() {
    let mut s = editor("one\ntwo\n");
    s.type_text("ONE\ntwo\n".into());
    s.on_disk_version(version("one\nTWO\n", 2));
    let stash = Out::Stash { content: "ONE\nTWO\n".into(), base: version("one\nTWO\n", 2) };
    assert_eq!(s.merge_now(), [stash, Out::Tell(Tell::MergeDone), Out::FocusSave]);
    assert_eq!((s.doc.buffer.as_str(), s.doc.loaded.etag.clone(), s.notice.clone()), ("ONE\nTWO\n", etag(2), None));
    assert_eq!(s.merge_now(), [], "no notice, nothing to merge");
    // with conflicts: the panel
    let mut s = editor("one\n");
    s.type_text("mine\n".into());
    s.on_disk_version(version("disk\n", 2));
    assert_eq!(s.merge_now(), [Out::FocusSave]);
    assert!(matches!(s.flow, Flow::Merging { .. }));
}

#[test]
fn merge_now_waits_while_a_save_is_on_its_way() {
    let mut s = editor("one\n");
    s.type_text("mine\n".into());
    s.on_disk_version(version("disk\n", 2));
    submit_of(s.save_request());
    assert_eq!(s.merge_now(), []);
    assert_eq!((s.flow.clone(), s.notice.clone()), (Flow::Saving, Some(DiskNotice::Changed(version("disk\n", 2)))));
}

#[test]
fn compare_and_dismiss_close_the_notice() {
    let mut s = editor("a\n");
    s.type_text("mine\n".into());
    s.on_disk_version(version("disk\n", 2));
    s.compare();
    assert_eq!((s.notice.clone(), s.diff_against.as_deref()), (None, Some("disk\n")));
    assert_eq!(s.doc.loaded.etag, etag(1), "compare adopts nothing");
    s.on_disk_version(version("disk2\n", 3));
    s.dismiss_notice();
    assert_eq!(s.notice, None);
    s.compare();
    assert_eq!(s.diff_against.as_deref(), Some("disk\n"), "no notice: the banner stays as it was");
}

#[test]
fn recreate_writes_the_buffer_as_a_new_file() {
    let mut s = EditorState::new(ArtifactType::Skills, "demo".into(), version("a\r\n", 1), None);
    s.type_text("b\n".into());
    s.notice = Some(DiskNotice::Removed);
    let outs = s.recreate_request();
    let [Out::Recreate(recreate)] = outs.as_slice() else { panic!("{outs:?}") };
    let request = CreateRequest { name: "demo".into(), content: "b\r\n".into() };
    assert_eq!((recreate.request.clone(), recreate.mine.as_str()), (request, "b\n"));
    let err = ApiError::Transport("x".into());
    assert_eq!(s.on_recreated((**recreate).clone(), Err(err.clone())), [Out::Tell(Tell::Failed(err))]);
    assert_eq!(s.notice, Some(DiskNotice::Removed), "still gone");
    let created =
        CreatedBody { name: "demo".into(), canonical_path: String::new(), mtime_ns: MtimeNs(4), etag: etag(4) };
    assert_eq!(s.on_recreated((**recreate).clone(), Ok(created)), [Out::DropDraft, Out::Tell(Tell::Saved)]);
    assert_eq!((s.notice.clone(), s.doc.loaded.etag.clone(), s.doc.dirty(), s.saves), (None, etag(4), false, 1));
}

//! memtomem's name rule: ctxgate's (model) plus one more refusal — the shapes of memtomem's own
//! staging and move-aside folders, which every memtomem listing hides.

/// True for `.staging-<owner>-<pid>-<6 hex>.tmp`, `.old-<owner>-<pid>-<6 hex>.tmp` and
/// `.migrate-<owner>-<pid>-<8 hex>.tmp`: memtomem's crash leftovers, never artifacts.
pub fn is_internal_artifact_dir(name: &str) -> bool {
    [("staging", 6), ("old", 6), ("migrate", 8)].into_iter().any(|(kind, width)| {
        let Some(rest) = name.strip_prefix('.').and_then(|r| r.strip_prefix(kind)).and_then(|r| r.strip_prefix('-'))
        else {
            return false;
        };
        let Some(rest) = rest.strip_suffix(".tmp") else { return false };
        let Some((head, hex)) = rest.rsplit_once('-') else { return false };
        let Some((owner, pid)) = head.rsplit_once('-') else { return false };
        !owner.is_empty()
            && !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && hex.len() == width
            && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// memtomem's `validate_name`: what it accepts as an agent, command or skill name.
pub fn memtomem_name_ok(name: &str) -> bool {
    memtomem_rule(name).is_none() && !is_internal_artifact_dir(name)
}

/// memtomem's own name rule: ctxgate's (`model::validate_name`), except that a leading `.` is
/// allowed (not `.` or `..`). ctxgate's API refuses dot-names (they are never artifacts to its
/// watcher), but what memtomem wrote is synced and reported as memtomem does.
fn memtomem_rule(name: &str) -> Option<String> {
    match model::validate_name(name) {
        Ok(()) => None,
        Err(model::NameError::LeadingDot) if name == "." || name == ".." => {
            Some("name must not be '.' or '..'".to_owned())
        }
        // The rest of the name must still pass: judge it with the dot replaced.
        Err(model::NameError::LeadingDot) => {
            model::validate_name(&name.replacen('.', "a", 1)).err().map(|e| e.to_string())
        }
        Err(err) => Some(err.to_string()),
    }
}

/// Why memtomem refuses a name, in words (for skip rows and statuses).
pub fn name_problem(name: &str) -> Option<String> {
    match memtomem_rule(name) {
        Some(reason) => Some(reason),
        None if is_internal_artifact_dir(name) => {
            Some("name has the shape of memtomem's internal staging folders".to_owned())
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_shapes() {
        assert!(is_internal_artifact_dir(".staging-basic-123-abcdef.tmp"));
        assert!(is_internal_artifact_dir(".old-foo-bar-1-000000.tmp"));
        assert!(is_internal_artifact_dir(".migrate-x-42-0123abcd.tmp"));
        for not in [
            ".staging-notes.tmp",
            ".staging--1-abcdef.tmp",
            ".staging-x-1-ABCDEF.tmp",
            ".staging-x-1-abcdef.tmp\n",
            ".migrate-x-1-abcdef.tmp",
            "staging-x-1-abcdef.tmp",
            ".old-x-a-abcdef.tmp",
        ] {
            assert!(!is_internal_artifact_dir(not), "{not:?}");
        }
    }
}

//! Release builds embed `target/site` (`src/assets.rs`): rebuild when it changes, even when a
//! file is added. Debug builds read it from disk and need no rebuild.
fn main() {
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:rerun-if-changed=../target/site");
    } else {
        println!("cargo:rerun-if-changed=build.rs");
    }
}

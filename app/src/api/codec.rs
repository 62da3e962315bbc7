//! The server functions' wire format: JSON, read from text.
//!
//! The stock `Json` codec reads answers from a byte slice, while Leptos reads every resource it
//! hydrates from a `&str`; with both, the wasm carries two copies of each type's JSON reader
//! (measured: ~50 KB of the hydrate wasm). Reading answers as text keeps one. On the wire it is
//! the same `application/json` as before.

use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// JSON in a `POST` body both ways, decoded with `serde_json::from_str`.
pub struct JsonText;

/// Arguments and answers of every server function.
pub type JsonPost = Post<JsonText>;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(value).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(<serde_json::Error as serde::de::Error>::custom)?;
        serde_json::from_str(text)
    }
}

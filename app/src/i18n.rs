//! English and Korean texts (docs/ARCHITECTURE.md, "Where else"). The table is generated from
//! `locales/*.json` by `build.rs`, which refuses to build when the locales differ in keys or
//! placeholders.

use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/i18n_table.rs"));

/// Cookie that remembers the chosen language, so SSR renders it with no flash.
pub const LANG_COOKIE: &str = "ctxgate_lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// The option label, in the language itself.
    pub fn label(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "한국어",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// Picks the language from a `Cookie` header value (the user's choice wins).
    pub fn from_cookie_header(header: &str) -> Option<Lang> {
        header.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == LANG_COOKIE).then(|| Lang::from_code(value)).flatten()
        })
    }

    /// Picks the best supported language from `Accept-Language` (q-values honoured).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::from_code(primary) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }

    pub fn text(self, msg: Msg) -> &'static str {
        match self {
            Lang::En => msg.en(),
            Lang::Ko => msg.ko(),
        }
    }

    /// The text with `{placeholder}`s filled in.
    pub fn format(self, msg: Msg, args: &[(&str, &str)]) -> String {
        let mut out = self.text(msg).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locales_have_every_key_with_the_same_placeholders() {
        let en: std::collections::BTreeMap<String, String> =
            serde_json::from_str(include_str!("../../locales/en.json")).expect("en.json parses");
        let ko: std::collections::BTreeMap<String, String> =
            serde_json::from_str(include_str!("../../locales/ko.json")).expect("ko.json parses");
        assert_eq!(en.keys().collect::<Vec<_>>(), ko.keys().collect::<Vec<_>>());
        assert_eq!(Msg::ALL.len(), en.len());
        let holes = |t: &str| {
            let mut v: Vec<String> =
                t.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(h, _)| h.to_owned())).collect();
            v.sort();
            v
        };
        for msg in Msg::ALL {
            assert_eq!(holes(msg.en()), holes(msg.ko()), "{}", msg.key());
            assert!(!msg.ko().is_empty() && !msg.en().is_empty(), "{}", msg.key());
        }
    }

    #[test]
    fn spec_korean_texts() {
        assert_eq!(Lang::Ko.text(Msg::ConflictTitle), "디스크에서 파일이 변경되었습니다");
        assert_eq!(Lang::Ko.format(Msg::Saved, &[("name", "demo")]), "\"demo\" 저장됨");
        assert_eq!(Lang::En.format(Msg::Saved, &[("name", "demo")]), "\"demo\" saved");
    }

    #[test]
    fn language_negotiation() {
        assert_eq!(Lang::from_accept_language("ko-KR,ko;q=0.9,en;q=0.8"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("en-US,ko;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr;q=1, ko;q=0.3"), Lang::Ko);
        assert_eq!(Lang::from_cookie_header("a=b; ctxgate_lang=ko"), Some(Lang::Ko));
        assert_eq!(Lang::from_cookie_header("ctxgate_lang=xx"), None);
    }
}

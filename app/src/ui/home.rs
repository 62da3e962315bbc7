//! The list page `/`: skills, agents and commands with their modified times.

use super::i18n_ctx::use_i18n;
use crate::api::fns::get_overview;
use crate::api::{ArtifactType, ListEntry, Overview};
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;

fn type_title(kind: ArtifactType) -> Msg {
    match kind {
        ArtifactType::Skills => Msg::Skills,
        ArtifactType::Agents => Msg::Agents,
        ArtifactType::Commands => Msg::Commands,
    }
}

/// `1700000000123456789` ns → `2023-11-14 22:13:20 UTC` (no time-zone database in the wasm).
pub fn format_mtime(mtime_ns: u128) -> String {
    let secs = i64::try_from(mtime_ns / 1_000_000_000).unwrap_or(i64::MAX);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_overview());
    let filter = RwSignal::new(String::new());
    view! {
        <Title text=i18n.t(Msg::AppTitle) />
        <section class="home">
            <label class="filter">
                <span>{i18n.t(Msg::Filter)}</span>
                <input
                    id="filter"
                    type="search"
                    placeholder=i18n.t(Msg::FilterPlaceholder)
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
            </label>
            <Suspense fallback=move || view! { <p>{i18n.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(overview) => view! { <OverviewTables overview filter /> }.into_any(),
                        Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn OverviewTables(overview: Overview, filter: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let total: usize = ArtifactType::ALL.iter().map(|k| overview.entries(*k).len()).sum();
    let overview = StoredValue::new(overview);
    let matches = move |entry: &ListEntry| {
        let needle = filter.get().to_lowercase();
        needle.is_empty() || entry.name.to_lowercase().contains(&needle)
    };
    let shown = move || {
        overview.with_value(|o| {
            ArtifactType::ALL.iter().map(|k| o.entries(*k).iter().filter(|e| matches(e)).count()).sum::<usize>()
        })
    };
    view! {
        <p class="project">
            {i18n.t(Msg::Project)}": " <code>{overview.with_value(|o| o.canonical_root.clone())}</code>
        </p>
        <p id="shown-count">
            {move || i18n.lang().format(Msg::Showing, &[("shown", &shown().to_string()), ("total", &total.to_string())])}
        </p>
        {ArtifactType::ALL
            .into_iter()
            .map(|kind| {
                view! {
                    <section class="artifact-type" id=format!("type-{}", kind.plural())>
                        <h2>{i18n.t(type_title(kind))}</h2>
                        <ul class="artifacts">
                            {move || {
                                overview
                                    .with_value(|o| {
                                        o.entries(kind)
                                            .iter()
                                            .filter(|e| matches(e))
                                            .map(|entry| {
                                                let href = format!("/{}/{}", kind.plural(), entry.name);
                                                view! {
                                                    <li>
                                                        <a href=href>{entry.name.clone()}</a>
                                                        <time>{format_mtime(entry.mtime_ns.0)}</time>
                                                    </li>
                                                }
                                            })
                                            .collect_view()
                                    })
                            }}
                        </ul>
                    </section>
                }
            })
            .collect_view()}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_utc_times() {
        assert_eq!(super::format_mtime(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::format_mtime(1_700_000_000_123_456_789), "2023-11-14 22:13:20 UTC");
    }
}

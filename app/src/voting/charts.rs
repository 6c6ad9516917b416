//! Result charts as inline SVG, each with a text equivalent beside it (a table or a list):
//! the SVG is `role="img"` with a title, the numbers are in the HTML for everyone. Colours
//! are paired with labels and patterns never carry meaning alone.
use super::tally::{Grade, Profile, YesNoResult};
use leptos::prelude::*;

const WIDTH: f64 = 320.0;

fn pct(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) * 100.0 / f64::from(whole)
    }
}

/// Yes / no / abstain as three horizontal bars (share of ballots cast), with the adoption
/// threshold marked on the yes bar.
#[component]
pub fn YesNoChart(result: YesNoResult, title: String, labels: [String; 3], threshold_label: String) -> impl IntoView {
    let rows = [(result.yes, "#1b6e3a"), (result.no, "#a3161a"), (result.abstain, "#5b6470")];
    let bar_x = 90.0;
    let span = WIDTH - bar_x - 50.0;
    let threshold_x = bar_x + span * pct(result.yes_needed, result.counted.max(1)).min(100.0) / 100.0;
    let label = title.clone();
    view! {
        <svg class="chart" viewBox="0 0 320 110" width="100%" role="img" aria-label=label>
            <title>{title}</title>
            {rows.iter().zip(labels.iter()).enumerate().map(|(i, ((n, colour), label))| {
                let y = 8.0 + i as f64 * 30.0;
                let w = span * pct(*n, result.cast) / 100.0;
                view! {
                    <text x="0" y=y + 15.0 font-size="13" fill="#1d1d1f">{label.clone()}</text>
                    <rect x=bar_x y=y width=w.max(1.0) height="20" fill=*colour />
                    <text x=bar_x + w + 4.0 y=y + 15.0 font-size="13" fill="#1d1d1f">{n.to_string()}</text>
                }
            }).collect_view()}
            {(result.counted > 0).then(|| view! {
                <line x1=threshold_x x2=threshold_x y1="2" y2="34" stroke="#1d1d1f" stroke-width="2" stroke-dasharray="4 2" />
                <text x=threshold_x y="106" font-size="11" text-anchor="middle" fill="#1d1d1f">{threshold_label}</text>
            })}
        </svg>
    }
}

/// The grade colours, from Excellent (dark green) to À rejeter (dark red); each has a
/// contrast of at least 3:1 against the white gaps between segments.
pub const GRADE_COLOURS: [&str; 7] = ["#14532d", "#1b6e3a", "#4d7c0f", "#8a6d00", "#b45309", "#b91c1c", "#7f1d1d"];

/// A merit profile: one stacked bar of the grades, best on the left, with the median (the
/// majority grade) marked by a line at 50 %.
#[component]
pub fn MeritProfile(profile: Profile, title: String) -> impl IntoView {
    let total: u32 = profile.iter().sum();
    let mut x = 0.0;
    let segments: Vec<(f64, f64, &str)> = Grade::ALL
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let w = WIDTH * pct(profile[i], total) / 100.0;
            let seg = (x, w, GRADE_COLOURS[i]);
            x += w;
            seg
        })
        .collect();
    let label = title.clone();
    view! {
        <svg class="chart merit" viewBox="0 0 320 34" width="100%" role="img" aria-label=label>
            <title>{title}</title>
            {segments.into_iter().filter(|(_, w, _)| *w > 0.0).map(|(x, w, c)| view! {
                <rect x=x y="4" width=w height="22" fill=c stroke="#fff" stroke-width="1" />
            }).collect_view()}
            <line x1="160" x2="160" y1="0" y2="30" stroke="#1d1d1f" stroke-width="2" />
            <polygon points="155,34 165,34 160,29" fill="#1d1d1f" />
        </svg>
    }
}

/// Approval counts as horizontal bars, most approved first.
#[component]
pub fn ApprovalChart(rows: Vec<(String, u32)>, ballots: u32, title: String) -> impl IntoView {
    let height = 8 + rows.len() * 30;
    let span = WIDTH - 60.0;
    let label = title.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 320 {height}") width="100%" role="img" aria-label=label>
            <title>{title}</title>
            {rows.into_iter().enumerate().map(|(i, (name, n))| {
                let y = 4.0 + i as f64 * 30.0;
                let w = span * pct(n, ballots) / 100.0;
                view! {
                    <rect x="0" y=y width=w.max(1.0) height="20" fill="#1f4e9e"><title>{name}</title></rect>
                    <text x=w + 4.0 y=y + 15.0 font-size="13" fill="#1d1d1f">{n.to_string()}</text>
                }
            }).collect_view()}
        </svg>
    }
}

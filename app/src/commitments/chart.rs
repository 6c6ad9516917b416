//! An indicator's measurements over time as an inline SVG line chart, with its target and
//! baseline drawn as labelled lines. The numbers are also in a table beside it (the text
//! equivalent); the SVG is `role="img"` with a title saying what it shows.
use super::{format_date_fr, format_value, Indicator};
use leptos::prelude::*;

const W: f64 = 320.0;
const H: f64 = 180.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 24.0;

/// The chart's geometry, computed apart from the markup so it can be tested.
pub struct Geometry {
    pub points: Vec<(f64, f64)>,
    pub target_y: f64,
    pub baseline_y: f64,
    pub low: f64,
    pub high: f64,
}

pub fn geometry(indicator: &Indicator) -> Geometry {
    let values: Vec<f64> = indicator.measurements.iter().map(|m| m.value).collect();
    let mut low = values.iter().copied().fold(indicator.baseline.min(indicator.target), f64::min);
    let mut high = values.iter().copied().fold(indicator.baseline.max(indicator.target), f64::max);
    if (high - low).abs() < f64::EPSILON {
        low -= 1.0;
        high += 1.0;
    }
    let pad = (high - low) * 0.08;
    let (low, high) = (low - pad, high + pad);
    let y = |v: f64| TOP + (high - v) / (high - low) * (H - TOP - BOTTOM);
    let n = values.len();
    let x = |i: usize| {
        if n <= 1 {
            LEFT + (W - LEFT - RIGHT) / 2.0
        } else {
            LEFT + i as f64 * (W - LEFT - RIGHT) / (n - 1) as f64
        }
    };
    Geometry {
        points: values.iter().enumerate().map(|(i, v)| (x(i), y(*v))).collect(),
        target_y: y(indicator.target),
        baseline_y: y(indicator.baseline),
        low,
        high,
    }
}

#[component]
pub fn IndicatorChart(
    indicator: Indicator,
    title: String,
    target_label: String,
    baseline_label: String,
) -> impl IntoView {
    let g = geometry(&indicator);
    let line: String = g.points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
    let first = indicator.measurements.first().map(|m| format_date_fr(&m.measured_on)).unwrap_or_default();
    let last = indicator.measurements.last().map(|m| format_date_fr(&m.measured_on)).unwrap_or_default();
    let label = title.clone();
    view! {
        <svg class="chart indicator-chart" viewBox=format!("0 0 {W} {H}") width="100%" role="img" aria-label=label>
            <title>{title}</title>
            <line x1=LEFT x2=W - RIGHT y1=g.baseline_y y2=g.baseline_y stroke="#4a5360" stroke-width="1" stroke-dasharray="2 3" />
            <text x=LEFT y=g.baseline_y - 3.0 font-size="10" fill="#4a5360">{baseline_label}</text>
            <line x1=LEFT x2=W - RIGHT y1=g.target_y y2=g.target_y stroke="#1e6b34" stroke-width="2" stroke-dasharray="6 3" />
            <text x=W - RIGHT y=g.target_y - 3.0 font-size="10" text-anchor="end" fill="#1e6b34">{target_label}</text>
            <text x="2" y=TOP + 8.0 font-size="10" fill="#4a5360">{format_value(g.high)}</text>
            <text x="2" y=H - BOTTOM font-size="10" fill="#4a5360">{format_value(g.low)}</text>
            <polyline points=line fill="none" stroke="#1d4e89" stroke-width="2.5" />
            {g.points.iter().map(|(x, y)| view! { <circle cx=*x cy=*y r="3.5" fill="#1d4e89" /> }).collect_view()}
            <text x=LEFT y=H - 6.0 font-size="10" fill="#4a5360">{first}</text>
            <text x=W - RIGHT y=H - 6.0 font-size="10" text-anchor="end" fill="#4a5360">{last}</text>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commitments::{Direction, Measurement};

    #[test]
    fn points_rise_as_values_rise_and_the_target_line_sits_above_a_higher_target() {
        let m = |i: i64, v: f64| Measurement {
            id: crate::ids::MeasurementId(i),
            measured_on: format!("2026-0{i}-01"),
            value: v,
            source: "standard".into(),
        };
        let indicator = Indicator {
            id: crate::ids::IndicatorId(1),
            name: "Appels décrochés".into(),
            unit: "%".into(),
            baseline: 62.0,
            target: 90.0,
            direction: Direction::Higher,
            measurements: vec![m(1, 62.0), m(2, 70.0), m(3, 76.0)],
            trend: None,
        };
        let g = geometry(&indicator);
        assert_eq!(g.points.len(), 3);
        assert!(g.points[0].1 > g.points[2].1, "a higher value is drawn higher (smaller y)");
        assert!(g.target_y < g.points[2].1, "the target is above the latest value");
        assert!((g.baseline_y - g.points[0].1).abs() < 1e-9, "the first value sits on the baseline");
        assert!(g.points[0].0 < g.points[1].0 && g.points[1].0 < g.points[2].0, "time runs left to right");
    }
}

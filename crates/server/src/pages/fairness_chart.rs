//! The fairness page's charts, drawn on the server as SVG: a bar per group
//! for its impact ratio, whiskers for the ratio's 95% interval, and a line
//! at four-fifths. Geometry only: colours and strokes are classes of
//! `fairness.css`, so the page needs no script and no inline style. A
//! suppressed group gets words in place of a bar, never a number.

use clearstone_engine::fairness::{FOUR_FIFTHS, PublishedImpact};

/// The ratio at the chart's right edge: a whisker beyond it is cut there.
const AXIS_MAX: f64 = 2.0;
const LABEL_WIDTH: f64 = 200.0;
const PLOT_WIDTH: f64 = 380.0;
const VALUE_WIDTH: f64 = 70.0;
const ROW_HEIGHT: f64 = 28.0;
const BAR_HEIGHT: f64 = 16.0;
const TOP: f64 = 8.0;
const AXIS_HEIGHT: f64 = 36.0;

/// What a suppressed group shows.
pub(crate) const SUPPRESSED: &str = "suppressed (fewer than 10)";

pub(crate) struct Tick {
    pub x: String,
    pub label: String,
}

pub(crate) struct Bar {
    pub label: String,
    /// Top of the bar and baseline of the row's text.
    pub y: String,
    pub text_y: String,
    pub whisker_y: String,
    pub cap_top: String,
    pub cap_bottom: String,
    pub shown: Option<BarShape>,
}

pub(crate) struct BarShape {
    pub width: String,
    pub low_x: String,
    pub high_x: String,
    /// The interval runs past the axis: its end is drawn as an open end.
    pub clipped: bool,
    pub value: String,
    pub adverse: bool,
}

pub(crate) struct BarChart {
    /// Unique on the page: names the chart's title and description.
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: String,
    pub height: String,
    pub label_x: String,
    pub plot_left: String,
    pub plot_bottom: String,
    pub tick_y: String,
    pub value_x: String,
    pub line_x: String,
    pub bar_height: String,
    pub ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
}

fn px(v: f64) -> String {
    format!("{v:.1}")
}

fn x_of(ratio: f64) -> f64 {
    LABEL_WIDTH + ratio.clamp(0.0, AXIS_MAX) / AXIS_MAX * PLOT_WIDTH
}

/// The chart of one table's groups.
pub(crate) fn ratio_chart(id: &str, title: &str, groups: &[PublishedImpact]) -> BarChart {
    let plot_bottom = TOP + ROW_HEIGHT * groups.len() as f64;
    let bars = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let top = TOP + ROW_HEIGHT * i as f64 + (ROW_HEIGHT - BAR_HEIGHT) / 2.0;
            let middle = top + BAR_HEIGHT / 2.0;
            let shown = g.ratio.map(|ratio| {
                let (low, high) = g
                    .ratio_interval
                    .map_or((ratio, ratio), |iv| (iv.low, iv.high));
                BarShape {
                    width: px(x_of(ratio) - LABEL_WIDTH),
                    low_x: px(x_of(low)),
                    high_x: px(x_of(high)),
                    clipped: !high.is_finite() || high > AXIS_MAX,
                    value: format!("{ratio:.2}"),
                    adverse: g.adverse == Some(true),
                }
            });
            Bar {
                label: g.group.replace('_', " "),
                y: px(top),
                text_y: px(middle + 4.0),
                whisker_y: px(middle),
                cap_top: px(middle - 5.0),
                cap_bottom: px(middle + 5.0),
                shown,
            }
        })
        .collect();
    let ticks = [0.0, 0.5, 1.0, 1.5, 2.0]
        .iter()
        .map(|v| Tick {
            x: px(x_of(*v)),
            label: format!("{v:.1}"),
        })
        .collect();
    let suppressed = groups.iter().filter(|g| g.ratio.is_none()).count();
    let under = groups.iter().filter(|g| g.adverse == Some(true)).count();
    BarChart {
        id: id.to_string(),
        title: title.to_string(),
        description: format!(
            "Impact ratio of each of {} groups against the group with the highest rate, with 95% intervals and a line at {FOUR_FIFTHS}; {under} shown under the line, {suppressed} suppressed. The table below gives the same figures.",
            groups.len()
        ),
        width: px(LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH),
        height: px(plot_bottom + AXIS_HEIGHT),
        label_x: px(LABEL_WIDTH - 8.0),
        plot_left: px(LABEL_WIDTH),
        plot_bottom: px(plot_bottom),
        tick_y: px(plot_bottom + 16.0),
        value_x: px(LABEL_WIDTH + PLOT_WIDTH + 8.0),
        line_x: px(x_of(FOUR_FIFTHS)),
        bar_height: px(BAR_HEIGHT),
        ticks,
        bars,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use clearstone_engine::fairness::{Interval, impacts, published};

    fn groups() -> Vec<PublishedImpact> {
        use clearstone_engine::fairness::GroupCount;
        let g = |group: &str, flagged, people| GroupCount {
            group: group.into(),
            flagged,
            people,
        };
        published(&impacts(&[
            g("north", 30, 100),
            g("south", 12, 80),
            g("east", 3, 50),
            // The smallest shown cell, suppressed with east so that the
            // total does not give east back.
            g("west", 11, 90),
        ]))
    }

    // issue 18, item 7: a bar per shown group at its ratio, a line at 0.8,
    // and no bar for a suppressed cell.
    #[test]
    fn bars_sit_at_their_ratios_and_a_suppressed_group_has_none() {
        let c = ratio_chart("dry-unit", "Unit", &groups());
        assert_eq!(c.line_x, px(LABEL_WIDTH + 0.4 * PLOT_WIDTH));
        let north = c.bars.iter().find(|b| b.label == "north").unwrap();
        let shape = north.shown.as_ref().unwrap();
        assert_eq!(shape.width, px(PLOT_WIDTH / 2.0));
        assert!(!shape.adverse);
        let south = c.bars.iter().find(|b| b.label == "south").unwrap();
        let shape = south.shown.as_ref().unwrap();
        assert!(shape.adverse && shape.value == "0.50");
        let east = c.bars.iter().find(|b| b.label == "east").unwrap();
        assert!(east.shown.is_none(), "3 flagged is a small cell");
        let west = c.bars.iter().find(|b| b.label == "west").unwrap();
        assert!(west.shown.is_none(), "west goes with east");
        assert!(c.description.contains("2 suppressed"), "{}", c.description);
    }

    #[test]
    fn a_whisker_past_the_axis_is_cut_and_marked() {
        let mut g = groups();
        if let Some(first) = g.first_mut() {
            first.ratio_interval = Some(Interval {
                low: 0.5,
                high: f64::INFINITY,
            });
        }
        let c = ratio_chart("x", "x", &g);
        let shape = c.bars.first().unwrap().shown.as_ref().unwrap();
        assert!(shape.clipped);
        assert_eq!(shape.high_x, px(LABEL_WIDTH + PLOT_WIDTH));
    }
}

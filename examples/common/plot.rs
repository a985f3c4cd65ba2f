//! The pictures' shared parts: a chart of the plane with labelled axes, and a grid of cells
//! filled by what a function says at each cell's centre.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

pub type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// A chart of the plane `x` × `y` on `root`: a caption over it, axes named x and y, no mesh.
pub fn plane<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    caption: &str,
    caption_size: u32,
    x: Range<f64>,
    y: Range<f64>,
) -> Fallible<ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", caption_size))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .x_desc("x")
        .y_desc("y")
        .disable_mesh()
        .draw()?;
    Ok(chart)
}

/// Covers the chart's plane with an `nx` × `ny` grid of cells, each in the style `style` gives
/// to `key` at the cell's centre (`None` leaves it blank). Each column is drawn as runs of cells
/// with the same key, one rectangle a run, which keeps the file small; `key` is called once a
/// cell.
pub fn fill_cells<K: PartialEq>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    (nx, ny): (usize, usize),
    key: impl Fn(f64, f64) -> K,
    style: impl Fn(&K) -> Option<ShapeStyle>,
) -> Fallible<()> {
    let (x, y) = (chart.x_range(), chart.y_range());
    let (dx, dy) = ((x.end - x.start) / nx as f64, (y.end - y.start) / ny as f64);
    let at = |i: usize, j: usize| (x.start + i as f64 * dx, y.start + j as f64 * dy);
    let runs = column_runs(nx, ny, |i, j| {
        key(
            x.start + (i as f64 + 0.5) * dx,
            y.start + (j as f64 + 0.5) * dy,
        )
    });
    chart.draw_series(runs.into_iter().filter_map(|(i, start, end, k)| {
        let (left, bottom) = at(i, start);
        let top = at(i, end).1;
        style(&k).map(|s| Rectangle::new([(left, bottom), (left + dx, top)], s))
    }))?;
    Ok(())
}

/// The runs of equal `key` down each column of an `nx` × `ny` grid, as `(column, first row, end
/// row, key)`. `key` is called once a cell.
fn column_runs<K: PartialEq>(
    nx: usize,
    ny: usize,
    key: impl Fn(usize, usize) -> K,
) -> Vec<(usize, usize, usize, K)> {
    let mut runs = Vec::new();
    for i in 0..nx {
        let mut run: Option<(usize, K)> = None;
        for j in 0..ny {
            let k = key(i, j);
            if run.as_ref().is_some_and(|(_, current)| *current == k) {
                continue;
            }
            if let Some((start, current)) = run.replace((j, k)) {
                runs.push((i, start, j, current));
            }
        }
        if let Some((start, current)) = run {
            runs.push((i, start, ny, current));
        }
    }
    runs
}

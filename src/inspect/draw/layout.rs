//! Where everything in a picture goes: a box per value, an oval per op, and a path per edge.
//!
//! Columns come from the circuit's depth and rows from two barycenter passes (see the module
//! docs of [`crate::draw`]). Between two columns there is a free channel (no box, no oval); an edge
//! leaves its input's box to the right, runs to the channel, and then crosses each column on its
//! way through a gap between two boxes (or above or below them), turning only inside channels. So
//! no edge crosses a box, which a test checks on random circuits.

use super::Item;

const CHAR: f64 = 7.2; // width of a character of 12px monospace
pub(super) const BOX_H: f64 = 26.0;
const ROW: f64 = 44.0;
pub(super) const OP_W: f64 = 46.0;
#[cfg_attr(not(feature = "svg"), allow(dead_code))] // only the SVG draws op ovals this tall
pub(super) const OP_H: f64 = 24.0;
const GAP: f64 = 36.0;
const PAD: f64 = 12.0;

/// A circuit laid out for drawing, in pixels, origin top left, `y` down.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The width of the picture.
    pub width: f64,
    /// The height of the picture.
    pub height: f64,
    /// One box per value, inputs first (the order of [`Value::trace`](crate::Value::trace)).
    pub nodes: Vec<NodeBox>,
    /// One path per input of every op.
    pub edges: Vec<Edge>,
}

/// A value's box, and its op's oval if it has one.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    /// The left edge of the box.
    pub x: f64,
    /// The top edge of the box.
    pub y: f64,
    /// The box's width.
    pub width: f64,
    /// The box's height.
    pub height: f64,
    /// The texts of the box's cells, left to right: the label (if any), `data …`, `grad …`.
    pub cells: Vec<String>,
    /// The label, empty if none.
    pub label: String,
    /// The op that made the value, `None` for a leaf.
    pub op: Option<String>,
    /// The centre of the op's oval (meaningless for a leaf).
    pub op_center: (f64, f64),
    /// The horizontal radius of the op's oval (its vertical radius is half of 24).
    pub op_rx: f64,
    /// The value's data.
    pub data: f64,
    /// The value's gradient.
    pub grad: f64,
    /// The positions of the value's inputs in [`Layout::nodes`].
    pub inputs: Vec<usize>,
}

/// The path of an edge from an input's box to the oval of the op that uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// The input, a position in [`Layout::nodes`].
    pub from: usize,
    /// The value whose op takes it.
    pub to: usize,
    /// The corners of the path, from the right side of `from`'s box to the left of `to`'s oval;
    /// every segment is horizontal or vertical.
    pub points: Vec<(f64, f64)>,
}

/// The cells of a value's box: its label (if any), data and grad.
fn cells(item: &Item) -> Vec<String> {
    let numbers = [
        format!("data {}", crate::engine::number::format(item.data, Some(4))),
        format!("grad {}", crate::engine::number::format(item.grad, Some(4))),
    ];
    match item.label.is_empty() {
        true => numbers.to_vec(),
        false => [item.label.clone()].into_iter().chain(numbers).collect(),
    }
}

/// The width a text needs in the picture's font, with a margin.
pub(super) fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR + 12.0
}

/// Column of each value and, within each column, the values in drawing order. An op's value sits
/// one column right of its deepest input; a leaf sits just left of its first consumer, so an edge
/// from a leaf is short.
fn layers(items: &[Item]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut consumers = vec![Vec::new(); items.len()];
    for (i, item) in items.iter().enumerate() {
        for &j in &item.inputs {
            consumers[j].push(i);
        }
    }
    let mut column = vec![0; items.len()];
    for (i, item) in items.iter().enumerate() {
        column[i] = item
            .inputs
            .iter()
            .map(|&j| column[j] + 1)
            .max()
            .unwrap_or(0);
    }
    for (i, item) in items.iter().enumerate() {
        if item.inputs.is_empty() {
            let first_use = consumers[i].iter().map(|&k| column[k]).min();
            column[i] = first_use.map_or(0, |c| c - 1);
        }
    }
    let columns = column.iter().max().map_or(0, |c| c + 1);
    let mut layers = vec![Vec::new(); columns];
    for (i, &c) in column.iter().enumerate() {
        layers[c].push(i);
    }
    // Barycenter passes: forward (by inputs' rows), then backward (by consumers' rows).
    let mut row = vec![0.0; items.len()];
    let set_rows = |layer: &[usize], row: &mut [f64]| {
        for (r, &i) in layer.iter().enumerate() {
            row[i] = r as f64;
        }
    };
    if let Some(first) = layers.first() {
        set_rows(first, &mut row);
    }
    for layer in layers.iter_mut().skip(1) {
        sort_by_mean(layer, &row, |i| &items[i].inputs);
        set_rows(layer, &mut row);
    }
    for layer in layers.iter_mut().rev().skip(1) {
        sort_by_mean(layer, &row, |i| &consumers[i]);
        set_rows(layer, &mut row);
    }
    (column, layers)
}

fn sort_by_mean<'a>(
    layer: &mut [usize],
    row: &[f64],
    neighbours: impl Fn(usize) -> &'a Vec<usize>,
) {
    let key = |i: usize| {
        let n = neighbours(i);
        if n.is_empty() {
            f64::INFINITY
        } else {
            n.iter().map(|&j| row[j]).sum::<f64>() / n.len() as f64
        }
    };
    layer.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
}

pub(super) fn layout(items: &[Item]) -> Layout {
    let (column, layers) = layers(items);
    let all_cells: Vec<Vec<String>> = items.iter().map(cells).collect();
    let box_w: Vec<f64> = all_cells
        .iter()
        .map(|cells| cells.iter().map(|c| text_width(c)).sum())
        .collect();
    let mut col_w = vec![0.0f64; layers.len()];
    for (i, &c) in column.iter().enumerate() {
        col_w[c] = col_w[c].max(box_w[i]);
    }
    // x of each column's boxes: a channel, then the op ovals, then a gap before every column but
    // the first.
    let mut col_x = Vec::with_capacity(layers.len());
    let mut x = PAD;
    for (c, w) in col_w.iter().enumerate() {
        if c > 0 {
            x += GAP + OP_W + GAP;
        }
        col_x.push(x);
        x += w;
    }
    let width = x + PAD;
    let rows = layers.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let height = rows * ROW + 2.0 * PAD;
    // The top of each column's first row cell: columns are centred vertically.
    let col_top: Vec<f64> = layers
        .iter()
        .map(|layer| PAD + (rows - layer.len() as f64) * ROW / 2.0)
        .collect();
    let mut pos = vec![(0.0, 0.0); items.len()];
    for (c, layer) in layers.iter().enumerate() {
        for (r, &i) in layer.iter().enumerate() {
            pos[i] = (col_x[c], col_top[c] + r as f64 * ROW + (ROW - BOX_H) / 2.0);
        }
    }
    // The middle of the free channel right of column c.
    let channel = |c: usize| col_x[c] + col_w[c] + GAP / 2.0;
    // The gap of column c nearest to `y`: between two rows, or above or below them all.
    let gap_near = |c: usize, y: f64| {
        let n = layers[c].len() as f64;
        let r = ((y - col_top[c]) / ROW).round().clamp(0.0, n);
        col_top[c] + r * ROW
    };

    let mut nodes = Vec::with_capacity(items.len());
    let mut edges = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let (bx, by) = pos[i];
        let op_center = (bx - GAP - OP_W / 2.0, by + BOX_H / 2.0);
        let op_rx = item
            .op
            .as_deref()
            .map_or(OP_W / 2.0, |op| (text_width(op) / 2.0).max(OP_W / 2.0));
        for &j in &item.inputs {
            let (sx, sy) = (pos[j].0 + box_w[j], pos[j].1 + BOX_H / 2.0);
            let end = (op_center.0 - OP_W / 2.0, op_center.1);
            let mut points = vec![(sx, sy)];
            let mut y = sy;
            // Cross every column between the input's and this value's through a gap.
            for c in column[j] + 1..column[i] {
                let through = gap_near(c, y + (end.1 - y) / (column[i] - c) as f64);
                let turn = channel(c - 1);
                points.push((turn, y));
                points.push((turn, through));
                y = through;
            }
            let turn = channel(column[i] - 1);
            points.push((turn, y));
            points.push((turn, end.1));
            points.push(end);
            points.dedup();
            edges.push(Edge {
                from: j,
                to: i,
                points,
            });
        }
        nodes.push(NodeBox {
            x: bx,
            y: by,
            width: box_w[i],
            height: BOX_H,
            cells: all_cells[i].clone(),
            label: item.label.clone(),
            op: item.op.clone(),
            op_center,
            op_rx,
            data: item.data,
            grad: item.grad,
            inputs: item.inputs.clone(),
        });
    }
    Layout {
        width,
        height,
        nodes,
        edges,
    }
}

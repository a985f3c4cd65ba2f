//! A circuit as the page draws it: the crate's layout (positions and routed edges, computed once)
//! and the walkthrough (every node's data, grad and local derivatives, and the steps of both
//! passes).

use circuitgrad::Value;
use circuitgrad::walkthrough::{Phase, Walkthrough};
use serde_json::{Value as Json, json};

/// The layout and the numbers of the circuit below `root`, and its walkthrough (kept for stepping).
///
/// # Errors
/// The crate's [`TooBig`](circuitgrad::draw::TooBig) message past its drawing limit.
pub fn describe(root: &Value) -> Result<(Json, Walkthrough), String> {
    let layout = root.layout().map_err(|e| e.to_string())?;
    let walk = root.walkthrough();
    let nodes: Vec<Json> = layout
        .nodes
        .iter()
        .zip(walk.nodes())
        .map(|(b, n)| {
            json!({
                "x": b.x, "y": b.y, "w": b.width, "h": b.height,
                "label": b.label, "op": b.op, "cells": b.cells,
                "ox": b.op_center.0, "oy": b.op_center.1, "orx": b.op_rx,
                "inputs": n.inputs,
            })
        })
        .collect();
    let edges: Vec<Json> = layout
        .edges
        .iter()
        .map(|e| json!({"from": e.from, "to": e.to, "points": e.points}))
        .collect();
    let described = json!({
        "width": layout.width,
        "height": layout.height,
        "nodes": nodes,
        "edges": edges,
        "numbers": numbers(&walk),
    });
    Ok((described, walk))
}

/// Every node's `[data, grad, local derivatives, chain rule]` at the end of the walk. The chain
/// rule of node `i` lists what made its grad, one `[consumer, local, consumer's grad, product]`
/// per use of `i`, in the order backward adds them: the products sum to the grad.
pub fn numbers(walk: &Walkthrough) -> Json {
    let nodes = walk.nodes();
    let mut chain: Vec<Vec<Json>> = vec![Vec::new(); nodes.len()];
    for (c, node) in nodes.iter().enumerate().rev() {
        for (&input, &local) in node.inputs.iter().zip(&node.local) {
            chain[input].push(json!([
                c,
                num(local),
                num(node.grad),
                num(local * node.grad)
            ]));
        }
    }
    let nodes: Vec<Json> = nodes
        .iter()
        .zip(chain)
        .map(|(n, chain)| {
            let local: Vec<Json> = n.local.iter().map(|&l| num(l)).collect();
            json!([num(n.data), num(n.grad), local, chain])
        })
        .collect();
    json!(nodes)
}

/// What is known after `k` steps of the walk: each node's data and grad (`null` while unknown),
/// the step just taken and the additions it made.
pub fn at_step(walk: &Walkthrough, k: usize) -> Json {
    let snap = walk.after(k);
    let last = snap.last.map(|s| {
        json!({
            "phase": match s.phase { Phase::Forward => "forward", Phase::Backward => "backward" },
            "node": s.node,
            "value": num(s.value),
            "contributions": s.contributions.iter().map(|c| json!({
                "input": c.input, "local": num(c.local), "upstream": num(c.upstream),
                "product": num(c.product), "grad_after": num(c.grad_after),
            })).collect::<Vec<_>>(),
        })
    });
    json!({
        "k": k.min(walk.len()),
        "len": walk.len(),
        "data": snap.data.iter().map(|d| d.map(num)).collect::<Vec<_>>(),
        "grad": snap.grad.iter().map(|g| g.map(num)).collect::<Vec<_>>(),
        "last": last,
    })
}

/// A number as JSON: finite numbers as numbers, the others (which JSON cannot hold) as the strings
/// `"NaN"`, `"inf"` and `"-inf"`, so the page shows them for what they are.
pub fn num(x: f64) -> Json {
    match x {
        x if x.is_finite() => json!(x),
        x if x.is_nan() => json!("NaN"),
        x if x > 0.0 => json!("inf"),
        _ => json!("-inf"),
    }
}

//! Backprop one node at a time: the walkthrough ends where `backward()` ends, bit for bit, on
//! random circuits of every op; its steps come in the order the engine runs them; a snapshot of the
//! tutorial's neuron stepped through.

mod common;

use circuitgrad::Value;
use circuitgrad::walkthrough::{Phase, Step, Walkthrough};
use common::{apply, bits, in_2mib_thread, run, step};
use proptest::prelude::*;

/// A step as comparable bits.
fn fingerprint(step: &Step) -> (Phase, usize, Vec<u64>) {
    let numbers = std::iter::once(step.value).chain(
        step.contributions
            .iter()
            .flat_map(|c| [c.input as f64, c.local, c.upstream, c.product, c.grad_after]),
    );
    (step.phase, step.node, bits(numbers))
}

/// Every grad a contribution reports is the one the snapshot after that step shows.
fn check_steps(walk: &Walkthrough) -> Result<(), TestCaseError> {
    let n = walk.nodes().len();
    let all: Vec<Step> = walk.steps().collect();
    prop_assert_eq!(all.len(), walk.len());
    for (k, in_one_pass) in all.iter().enumerate() {
        let step = walk.step(k).unwrap();
        // One pass gives what k replays give (bit for bit: NaN is not equal to itself).
        prop_assert_eq!(fingerprint(&step), fingerprint(in_one_pass));
        let after = walk.after(k + 1);
        if k < n {
            // Forward steps in topological order: node k, all its inputs already known.
            prop_assert_eq!((step.phase, step.node), (Phase::Forward, k));
            prop_assert!(walk.nodes()[k].inputs.iter().all(|&i| i < k));
            prop_assert!(after.grad.iter().all(Option::is_none));
            prop_assert_eq!(bits(after.data[k]), bits([step.value]));
        } else {
            // Backward in reverse; a node's grad is final when its step runs: no later step adds
            // to it (every consumer comes after it in the order, so it ran before).
            prop_assert_eq!((step.phase, step.node), (Phase::Backward, 2 * n - 1 - k));
            prop_assert_eq!(bits([step.value]), bits([walk.nodes()[step.node].grad]));
            for c in &step.contributions {
                prop_assert!(c.input < step.node);
                prop_assert_eq!(bits([c.product]), bits([c.local * c.upstream]));
            }
            if let Some(c) = step.contributions.last() {
                prop_assert_eq!(bits(after.grad[c.input]), bits([c.grad_after]));
            }
        }
    }
    Ok(())
}

proptest! {
    // 256 cases natively (proptest's default); 4 under Miri, which runs ~1000x slower.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]
    #[test]
    fn the_last_step_leaves_what_backward_leaves(
        inputs in prop::collection::vec(-2.0f64..2.0, 1..4),
        program in prop::collection::vec(step(), 1..20),
    ) {
        let leaves: Vec<Value> = inputs.iter().map(|&x| Value::new(x)).collect();
        let nodes = run(&leaves, &program, apply);
        let out = nodes.last().unwrap();
        let walk = out.walkthrough();
        // Built before backward(): the walkthrough computes the grads itself.
        prop_assert!(leaves.iter().all(|l| l.grad() == 0.0));
        out.backward();
        let trace = out.trace();
        prop_assert_eq!(walk.nodes().len(), trace.rows().len());
        for (node, row) in walk.nodes().iter().zip(trace.rows()) {
            prop_assert_eq!(&node.op, &row.op);
            prop_assert_eq!(&node.inputs, &row.inputs);
            prop_assert_eq!(bits([node.data]), bits([row.data]));
            prop_assert_eq!(bits([node.grad]), bits([row.grad]));
            prop_assert_eq!(node.local.len(), node.inputs.len());
        }
        let end = walk.after(walk.len());
        prop_assert_eq!(bits(end.grad.iter().map(|g| g.unwrap())), bits(trace.rows().iter().map(|r| r.grad)));
        check_steps(&walk)?;
    }
}

#[test]
fn before_any_step_nothing_is_known_and_past_the_end_is_the_end() {
    let x = Value::new(0.5);
    let y = (&x * &x).exp();
    let walk = y.walkthrough();
    let start = walk.after(0);
    assert!(start.last.is_none());
    assert!(start.data.iter().chain(&start.grad).all(Option::is_none));
    assert_eq!(walk.after(walk.len() + 7), walk.after(walk.len()));
    assert!(walk.step(walk.len()).is_none());
}

#[test]
fn a_node_used_twice_gets_both_contributions() {
    // y = x·x: ∂y/∂x = x through each input, so x's grad grows 0 → x → 2x in one step.
    let x = Value::new(3.0).labeled("x");
    let y = (&x * &x).labeled("y");
    let walk = y.walkthrough();
    let step = walk.step(2).unwrap();
    assert_eq!((step.phase, step.node), (Phase::Backward, 1));
    let after: Vec<f64> = step.contributions.iter().map(|c| c.grad_after).collect();
    assert_eq!(after, [3.0, 6.0]);
    assert_eq!(walk.nodes()[0].grad, 6.0);
}

#[test]
fn the_walk_changes_nothing_in_the_circuit() {
    let x = Value::new(2.0);
    let y = x.tanh();
    y.backward();
    x.set_grad(42.0); // a grad the walk must not overwrite
    let _ = y.walkthrough();
    assert_eq!((x.grad(), y.grad()), (42.0, 1.0));
}

#[test]
fn a_million_node_chain_walks_in_2mib() {
    let n = if cfg!(miri) { 300 } else { 1_000_000 };
    let (len, grad) = in_2mib_thread(move || {
        let x = Value::new(1.0);
        let mut y = x.clone();
        for _ in 0..n {
            y = &y * 1.0;
        }
        let walk = y.walkthrough();
        (walk.len(), walk.nodes()[0].grad)
    });
    assert_eq!((len, grad), (2 * (n + 1), 1.0));
}

/// The tutorial's neuron `f = σ(a·x + b·y + c)`, stepped through: each line is a step with what it
/// computed, the backward ones with the chain rule's products. The numbers are the tutorial's:
/// σ(2.0) = 0.8807970779778823, and σ'(2.0) = σ(1 - σ) = 0.10499358540350662.
#[test]
fn the_tutorial_neuron_stepped_through() {
    let v = |x: f64, l: &str| Value::new(x).labeled(l);
    let (a, b, c, x, y) = (
        v(1.0, "a"),
        v(2.0, "b"),
        v(-3.0, "c"),
        v(-1.0, "x"),
        v(3.0, "y"),
    );
    let f = ((&a * &x + &b * &y + &c).sigmoid()).labeled("f");
    let walk = f.walkthrough();
    let name = |i: usize| {
        let node = &walk.nodes()[i];
        node.label
            .clone()
            .unwrap_or_else(|| format!("#{i} {}", node.op))
    };
    let mut text = String::new();
    for k in 0..walk.len() {
        let step = walk.step(k).unwrap();
        match step.phase {
            Phase::Forward => {
                text += &format!("forward  {:<10} = {}\n", name(step.node), step.value)
            }
            Phase::Backward => {
                text += &format!("backward {:<10} grad {}\n", name(step.node), step.value);
                for c in &step.contributions {
                    text += &format!(
                        "           -> {:<10} += {} × {} = {}  (now {})\n",
                        name(c.input),
                        c.local,
                        c.upstream,
                        c.product,
                        c.grad_after
                    );
                }
            }
        }
    }
    assert_eq!(walk.nodes().last().unwrap().data, 0.8807970779778823);
    assert_named_snapshot!("walkthrough_tutorial_neuron", text);
}

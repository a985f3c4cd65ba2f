//! The page's engine, natively: the requests the page sends, answered as the page expects.

use circuitgrad_playground::app::App;
use serde_json::{Value as Json, json};

fn ask(app: &mut App, request: Json) -> Json {
    app.handle_text(&request.to_string())
}

fn settings(hidden: Json, lr: f64) -> Json {
    json!({"data": "yinyang", "seed": 42, "hidden": hidden, "activation": "tanh",
           "optimizer": "adamw", "lr": lr})
}

/// The anchor's printed train losses (micrograd's second edition, `python3 micrograd.py`).
fn anchor_losses() -> Vec<f64> {
    include_str!("../../tests/data/micrograd2_yinyang.txt")
        .lines()
        .filter_map(|l| l.split("train loss ").nth(1))
        .map(|x| x.parse().unwrap())
        .collect()
}

#[test]
fn the_page_opens_on_the_anchors_run_and_steps_through_its_losses() {
    let mut app = App::default();
    let anchor = anchor_losses();
    for (step, expected) in anchor.iter().enumerate().take(20) {
        let frame = ask(&mut app, json!({"cmd": "step", "cells": 50, "since": step}));
        assert_eq!(frame["step"], step + 1);
        // The page's engine uses the `libm` crate's exp, ln, tanh, pow (`portable-math`), the
        // anchor glibc's: the same arithmetic, an ulp here and there (the first steps agree
        // exactly; the browser test holds the page to a native portable-math run bit for bit).
        let loss = frame["train_loss"].as_f64().unwrap();
        assert!(
            (loss - expected).abs() <= 1e-12 * expected,
            "step {}: {loss} against {expected}",
            step + 1
        );
        if step == 0 {
            assert_eq!(loss, 1.0122152826497561);
        }
        assert_eq!(frame["since"], step);
        assert_eq!(
            frame["history"].as_array().unwrap().len(),
            1,
            "only the new step is sent"
        );
    }
    let frame = ask(&mut app, json!({"cmd": "frame", "cells": 50, "since": 0}));
    assert_eq!(frame["history"].as_array().unwrap().len(), 20);
    assert_eq!(frame["surface"].as_array().unwrap().len(), 2500);
    // 2 x 8 + 8 weights, 8 + 3 biases: one table row per parameter, named by place.
    let table = frame["table"].as_array().unwrap();
    assert_eq!(table.len(), 8 * 3 + 3 * 9);
    assert_eq!(table[0][0], "L1 N0 w0");
    assert_eq!(table[2][0], "L1 N0 b");
    assert_eq!(frame["lines"].as_array().unwrap().len(), 8);
}

#[test]
fn refused_settings_say_why_and_keep_the_run() {
    let mut app = App::default();
    ask(&mut app, json!({"cmd": "step", "cells": 2, "since": 0}));
    for (bad, says) in [
        (
            settings(json!([8, 0]), 0.1),
            "hidden layer 2 has no neurons",
        ),
        (settings(json!([64]), 0.1), "layers of 1 to 32"),
        (settings(json!([8, 8, 8, 8, 8]), 0.1), "at most 4"),
        (settings(json!([8]), -1.0), "lr"),
    ] {
        let answer = ask(&mut app, json!({"cmd": "reset", "settings": bad}));
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains(says), "{error}");
    }
    let frame = ask(&mut app, json!({"cmd": "frame", "cells": 2, "since": 0}));
    assert_eq!(frame["step"], 1, "the run goes on");
    let answer = ask(&mut app, json!({"cmd": "launch"}));
    assert!(answer["error"].as_str().unwrap().contains("does not know"));
}

#[test]
fn a_diverging_run_stops_with_a_message_and_shows_no_nan() {
    let mut app = App::default();
    ask(
        &mut app,
        json!({"cmd": "reset", "settings": settings(json!([8]), 1e6)}),
    );
    let mut stopped = None;
    for step in 0..10 {
        let frame = ask(&mut app, json!({"cmd": "step", "cells": 2, "since": step}));
        if let Some(e) = frame["error"].as_str() {
            stopped = Some((e.to_string(), frame));
            break;
        }
    }
    let (message, frame) = stopped.expect("lr 1e6 diverges within 10 steps");
    assert!(
        message.contains("training stopped") && message.contains("Reset"),
        "{message}"
    );
    assert!(frame["train_loss"].as_f64().unwrap().is_finite());
    // Where it started: a training point, and a node of its loss circuit whose value is not finite
    // while its inputs' are, which the datapoint request lays out with the same numbering.
    let origin = &frame["origin"];
    let point = origin["point"].as_array().expect("the origin's point");
    assert!(
        frame["train"]
            .as_array()
            .unwrap()
            .contains(&origin["point"])
    );
    let node = origin["node"].as_u64().unwrap() as usize;
    let circuit = ask(
        &mut app,
        json!({"cmd": "datapoint", "x": point[0], "y": point[1], "class": point[2]}),
    );
    let numbers = circuit["numbers"].as_array().unwrap();
    assert!(
        !numbers[node][0].is_f64(),
        "the marked node's value is not finite"
    );
    for input in circuit["nodes"][node]["inputs"].as_array().unwrap() {
        assert!(
            numbers[input.as_u64().unwrap() as usize][0].is_f64(),
            "its inputs' are"
        );
    }
    assert!(origin["message"].as_str().unwrap().starts_with("forward: "));
    // It stays stopped: nothing more is trained or shown as a result.
    let again = ask(&mut app, json!({"cmd": "step", "cells": 2, "since": 0}));
    assert_eq!(again["error"].as_str(), Some(message.as_str()));
    assert_eq!(again["step"], frame["step"]);
}

#[test]
fn seed_0_trains_like_any_other() {
    let mut app = App::default();
    let mut zero = settings(json!([8]), 0.1);
    zero["seed"] = json!(0);
    let frame = ask(&mut app, json!({"cmd": "reset", "settings": zero}));
    assert!(frame.get("error").is_none(), "{frame}");
    assert_eq!(frame["train"].as_array().unwrap().len(), 80);
    let frame = ask(&mut app, json!({"cmd": "step", "cells": 2, "since": 0}));
    assert!(frame["train_loss"].as_f64().unwrap().is_finite());
}

#[test]
fn points_come_and_go_and_an_empty_set_pauses_training() {
    let mut app = App::default();
    let frame = ask(
        &mut app,
        json!({"cmd": "add_point", "x": 1.5, "y": 1.5, "class": 2}),
    );
    assert_eq!(frame["train"].as_array().unwrap().len(), 81);
    assert_eq!(frame["added"], 80);
    for (x, y, class, says) in [
        (2.5, 0.0, 0, "outside the plane"),
        (0.0, 0.0, 3, "out of range"),
    ] {
        let answer = ask(
            &mut app,
            json!({"cmd": "add_point", "x": x, "y": y, "class": class}),
        );
        assert!(answer["error"].as_str().unwrap().contains(says));
    }
    let answer = ask(&mut app, json!({"cmd": "remove_point", "index": 81}));
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("numbered 0 to 80")
    );
    for _ in 0..81 {
        ask(&mut app, json!({"cmd": "remove_point", "index": 0}));
    }
    let frame = ask(&mut app, json!({"cmd": "step", "cells": 2, "since": 0}));
    assert!(frame["error"].as_str().unwrap().contains("empty"));
    assert_eq!(frame["step"], 0);
    let answer = ask(&mut app, json!({"cmd": "remove_point", "index": 0}));
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("no point to remove")
    );
    ask(
        &mut app,
        json!({"cmd": "add_point", "x": 0.0, "y": 0.0, "class": 1}),
    );
    let frame = ask(&mut app, json!({"cmd": "step", "cells": 2, "since": 0}));
    assert!(frame.get("error").is_none(), "a point lets training go on");
    assert_eq!(frame["step"], 1);
}

#[test]
fn a_datapoints_circuit_is_laid_out_walked_and_refreshed() {
    let mut app = App::default();
    let graph = ask(
        &mut app,
        json!({"cmd": "datapoint", "x": 0.5, "y": -1.0, "class": 2}),
    );
    let nodes = graph["nodes"].as_array().unwrap();
    let numbers = graph["numbers"].as_array().unwrap();
    assert_eq!(nodes.len(), numbers.len());
    let n = nodes.len();
    // The loss is last, its grad 1; the chain rule of every other node sums to its grad.
    assert_eq!(numbers[n - 1][1], 1.0);
    for (i, node) in numbers.iter().enumerate().take(n - 1) {
        let chain = node[3].as_array().unwrap();
        let sum = chain.iter().fold(0.0, |s, c| s + c[3].as_f64().unwrap());
        assert_eq!(sum, node[1].as_f64().unwrap(), "node {i}");
    }
    let walk = ask(
        &mut app,
        json!({"cmd": "walk", "view": "train", "k": n + 1}),
    );
    assert_eq!(walk["last"]["phase"], "backward");
    assert_eq!(walk["last"]["node"], n - 1);
    assert_eq!(walk["len"], 2 * n);
    // A step changes the numbers, not the circuit.
    ask(&mut app, json!({"cmd": "step", "cells": 2, "since": 0}));
    let after = ask(&mut app, json!({"cmd": "datapoint_numbers"}));
    assert_eq!(after["numbers"].as_array().unwrap().len(), n);
    assert_ne!(after["numbers"][n - 1][0], numbers[n - 1][0]);
    let bad = ask(
        &mut app,
        json!({"cmd": "datapoint", "x": 0.0, "y": 0.0, "class": 7}),
    );
    assert!(bad["error"].as_str().unwrap().contains("class 7"));
}

#[test]
fn a_typed_circuit_runs_draws_and_moves() {
    let mut app = App::default();
    let answer = ask(
        &mut app,
        json!({"cmd": "script", "text": "x = 2\ny = ln(x - 3)"}),
    );
    assert_eq!(answer["output"], "y");
    // ln(-1) is NaN (IEEE-754), sent as the string "NaN" since JSON has no NaN.
    assert_eq!(answer["graph"]["numbers"].as_array().unwrap().len(), 3); // x, x - 3, ln
    assert_eq!(answer["graph"]["numbers"][2][0], "NaN");
    let moved = ask(
        &mut app,
        json!({"cmd": "set_leaf", "name": "x", "value": 4.0}),
    );
    assert_eq!(moved["numbers"][2][0], 0.0); // ln(4 - 3)
    assert_eq!(moved["numbers"][0][1], 1.0); // d ln(x - 3)/dx = 1/(x - 3)
    let huge = format!("x = 1\ny = {}", vec!["x"; 2500].join(" * "));
    let answer = ask(&mut app, json!({"cmd": "script", "text": huge}));
    assert!(
        answer["graph_error"]
            .as_str()
            .unwrap()
            .contains("limited to 2000")
    );
    let walk = ask(&mut app, json!({"cmd": "walk", "view": "circuit", "k": 1}));
    assert!(walk["error"].as_str().unwrap().contains("no circuit"));
}

#[test]
fn the_surface_is_the_models_own_classes() {
    use circuitgrad::nn::argmax;
    use circuitgrad_playground::train::{Settings, Trainer};
    let mut trainer = Trainer::new(Settings::default()).unwrap();
    for _ in 0..30 {
        trainer.step().unwrap();
    }
    let cells = 50;
    let (class, confidence) = trainer.surface(cells);
    assert_eq!((class.len(), confidence.len()), (2500, 2500));
    // The surface is drawn in single precision: every cell away from a boundary gets the class the
    // model (in f64) gives its centre.
    let mut agree = 0;
    for row in 0..cells {
        for col in 0..cells {
            let x = -2.0 + (col as f64 + 0.5) / 50.0 * 4.0;
            let y = 2.0 - (row as f64 + 0.5) / 50.0 * 4.0;
            let logits = trainer.mlp().eval(&[x, y]).unwrap();
            agree += usize::from(argmax(&logits) == Some(class[row * cells + col] as usize));
        }
    }
    assert!(agree >= 2495, "{agree} of 2500 cells agree");
    // A winner's probability is at least 1/3 (three classes) and at most 1.
    assert!(confidence.iter().all(|&c| (33..=100).contains(&c)));
}

//! The page's requests, answered: each is a JSON object `{"cmd": ..., ...}` and each answer a JSON
//! object, `{"error": "..."}` when the request could not be carried out (and nothing changed).

use circuitgrad::Value;
use circuitgrad::walkthrough::Walkthrough;
use serde::Deserialize;
use serde_json::{Value as Json, json};

use crate::circuit::Circuit;
use crate::graph;
use crate::train::{Settings, Trainer};

/// The surface's cells a side in frames the page did not size (after a reset or an edit); the
/// page asks for the same in its steps.
const FRAME_CELLS: usize = 50;

/// One request from the page.
#[derive(Debug, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// A new run with these settings (the old one stays if they are refused).
    Reset { settings: Settings },
    /// One training step, then the frame (with the loss history from step `since`).
    Step { cells: usize, since: usize },
    /// The frame, without stepping.
    Frame { cells: usize, since: usize },
    /// A training point of class `class` at (x, y).
    AddPoint { x: f64, y: f64, class: usize },
    /// Removes training point `index`.
    RemovePoint { index: usize },
    /// A new learning rate, for the next steps.
    SetLr { lr: f64 },
    /// Chooses the datapoint whose loss circuit is shown; answers with its layout and numbers.
    Datapoint { x: f64, y: f64, class: usize },
    /// The chosen datapoint's numbers at the model's current parameters (same layout).
    DatapointNumbers,
    /// What is known after `k` steps of the forward and backward walk of a view's circuit.
    Walk { view: View, k: usize },
    /// Runs a script; answers with its replies and its last binding's circuit, or that circuit's
    /// gradient with respect to the leaf `wrt`.
    Script {
        text: String,
        #[serde(default)]
        wrt: Option<String>,
    },
    /// Shows the script's last binding (`wrt` absent) or its gradient with respect to the leaf
    /// `wrt`, keeping the leaves where they are; answers as `Script` does.
    Show {
        #[serde(default)]
        wrt: Option<String>,
    },
    /// Moves a leaf of the script's circuit; answers with the new numbers.
    SetLeaf { name: String, value: f64 },
    /// Checks the gradient of the circuit on show against central differences, for each leaf.
    CheckGradients,
}

/// Which circuit a walk steps through.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum View {
    /// The chosen datapoint's loss.
    Train,
    /// The typed circuit.
    Circuit,
}

/// Everything the page has built.
pub struct App {
    trainer: Trainer,
    datapoint: Option<(f64, f64, usize)>,
    train_walk: Option<Walkthrough>,
    circuit: Option<Circuit>,
    circuit_walk: Option<Walkthrough>,
}

impl Default for App {
    fn default() -> App {
        App {
            trainer: Trainer::new(Settings::default())
                .expect("the default settings are micrograd's, which build"),
            datapoint: None,
            train_walk: None,
            circuit: None,
            circuit_walk: None,
        }
    }
}

impl App {
    /// Adds to `replies` the script's leaves, its output's name, and the picture of what it shows
    /// (or why there is none); the walk of the circuit view steps through it from now on.
    fn show(&mut self, circuit: &Circuit, shown: Result<(), String>, replies: &mut Json) {
        replies["leaves"] = json!(circuit.leaves());
        self.circuit_walk = None;
        if let Some((name, _)) = circuit.output() {
            replies["output"] = json!(name);
            if let Err(e) = shown {
                replies["graph_error"] = json!(e);
            }
        }
        if let Some((name, value)) = circuit.shown() {
            replies["shown"] = json!(name);
            match graph::describe(value) {
                Ok((g, walk)) => {
                    replies["graph"] = g;
                    self.circuit_walk = Some(walk);
                }
                Err(e) => replies["graph_error"] = json!(e),
            }
        }
    }

    /// Answers one request given as JSON text.
    pub fn handle_text(&mut self, text: &str) -> Json {
        match serde_json::from_str::<Request>(text) {
            Ok(request) => self
                .handle(request)
                .unwrap_or_else(|error| json!({ "error": error })),
            Err(e) => {
                json!({ "error": format!("the page sent a request the engine does not know: {e}") })
            }
        }
    }

    /// Answers one request.
    ///
    /// # Errors
    /// What was wrong and what is allowed; the state is as before the request.
    pub fn handle(&mut self, request: Request) -> Result<Json, String> {
        match request {
            Request::Reset { settings } => {
                self.trainer = Trainer::new(settings)?;
                self.datapoint = None;
                self.train_walk = None;
                Ok(self.trainer.frame(FRAME_CELLS, 0))
            }
            Request::Step { cells, since } => {
                let result = self.trainer.step();
                let mut frame = self.trainer.frame(cells, since);
                if let Err(e) = result {
                    frame["error"] = json!(e);
                }
                Ok(frame)
            }
            Request::Frame { cells, since } => Ok(self.trainer.frame(cells, since)),
            Request::AddPoint { x, y, class } => {
                let index = self.trainer.add_point(x, y, class)?;
                let mut frame = self.trainer.frame(FRAME_CELLS, 0);
                frame["added"] = json!(index);
                Ok(frame)
            }
            Request::RemovePoint { index } => {
                self.trainer.remove_point(index)?;
                Ok(self.trainer.frame(FRAME_CELLS, 0))
            }
            Request::SetLr { lr } => {
                self.trainer.set_lr(lr)?;
                Ok(self.trainer.frame(FRAME_CELLS, 0))
            }
            Request::Datapoint { x, y, class } => {
                let loss = self.trainer.datapoint_loss(x, y, class)?;
                let (described, walk) = graph::describe(&loss)?;
                self.datapoint = Some((x, y, class));
                self.train_walk = Some(walk);
                Ok(described)
            }
            Request::DatapointNumbers => {
                let (x, y, class) = self
                    .datapoint
                    .ok_or("no datapoint is chosen: click a point of the plane first")?;
                let walk = self.trainer.datapoint_loss(x, y, class)?.walkthrough();
                let numbers = graph::numbers(&walk);
                self.train_walk = Some(walk);
                Ok(json!({ "numbers": numbers }))
            }
            Request::Walk { view, k } => {
                let walk = match view {
                    View::Train => self.train_walk.as_ref(),
                    View::Circuit => self.circuit_walk.as_ref(),
                }
                .ok_or("there is no circuit to step through yet")?;
                Ok(graph::at_step(walk, k))
            }
            Request::Script { text, wrt } => {
                let (mut circuit, mut replies) = Circuit::run(&text);
                let shown = circuit.show(wrt.as_deref());
                self.show(&circuit, shown, &mut replies);
                self.circuit = Some(circuit);
                Ok(replies)
            }
            Request::Show { wrt } => {
                let mut circuit = self.circuit.take().ok_or("no script has run yet")?;
                let shown = circuit.show(wrt.as_deref());
                let mut replies = json!({ "lines": [], "errors": [] });
                self.show(&circuit, shown, &mut replies);
                self.circuit = Some(circuit);
                Ok(replies)
            }
            Request::CheckGradients => {
                let circuit = self.circuit.as_ref().ok_or("no script has run yet")?;
                Ok(json!({ "check": circuit.check()? }))
            }
            Request::SetLeaf { name, value } => {
                let circuit = self.circuit.as_ref().ok_or("no script has run yet")?;
                circuit.set(&name, value)?;
                let (_, out): &(String, Value) =
                    circuit.shown().ok_or("the script binds no value to draw")?;
                let walk = out.walkthrough();
                let numbers = graph::numbers(&walk);
                self.circuit_walk = Some(walk);
                Ok(json!({ "numbers": numbers }))
            }
        }
    }
}

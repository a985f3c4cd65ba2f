//! The forward pass, again: every node recomputed from its inputs, leaves first.
//!
//! Writing an expression computes it once, as it is built. After [`Value::set_data`] on a leaf,
//! the nodes built from it still hold what they computed then; [`Value::forward`] brings them up
//! to date in place, without building anything.

use crate::Value;
use crate::engine::backward::Numbered;
use crate::engine::table::Op;

impl Value {
    /// Recomputes every node below this value from its inputs, leaves first (their data as they are
    /// now), and returns this value's new data. The circuit is kept: no node is made or freed.
    ///
    /// Each node is computed with its op's rule, as it was when built, so a circuit built again
    /// from the same leaves would hold the same numbers, bit for bit. Grads are left as they are
    /// (call [`backward`](Value::backward) after it).
    ///
    /// ```
    /// use circuitgrad::Value;
    /// let x = Value::new(2.0);
    /// let y = (&x * &x).tanh();
    /// x.set_data(0.5);
    /// assert_eq!(y.data(), 4f64.tanh()); // built from x = 2
    /// assert_eq!(y.forward(), 0.25f64.tanh());
    /// y.backward();
    /// assert_eq!(x.grad(), 2.0 * 0.5 * (1.0 - 0.25f64.tanh().powi(2)));
    /// ```
    pub fn forward(&self) -> f64 {
        let circuit = Numbered::below(self);
        for (i, v) in circuit.order.iter().enumerate() {
            let rule = v.node().rule();
            if rule.op() == Op::Leaf {
                continue;
            }
            let [a, b] = circuit
                .inputs_of(i)
                .map(|j| j.map_or(f64::NAN, |j| circuit.order[j].data()));
            let data = rule.eval(a, b);
            v.0.borrow_mut().data = data;
        }
        self.data()
    }
}

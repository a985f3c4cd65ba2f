//! The floor: a flat tape written only for comparison, as `BENCHMARKS.md` defines it. Parallel
//! `Vec`s of value, grad, op tag and two `u32` parent indices; constants are leaves; a reverse sweep.
//! No `Rc`, no `RefCell`: what the hardware does for the same graph.

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Op {
    Leaf,
    Add,
    Mul,
    Relu,
    Tanh,
    Exp,
    Ln,
    /// `a ^ val[b]`, `b` a constant leaf.
    Pow,
}

#[derive(Default)]
pub struct Tape {
    pub val: Vec<f64>,
    pub grad: Vec<f64>,
    op: Vec<Op>,
    a: Vec<u32>,
    b: Vec<u32>,
}

impl Tape {
    pub fn new() -> Tape {
        Tape::default()
    }

    pub fn clear(&mut self) {
        self.val.clear();
        self.grad.clear();
        self.op.clear();
        self.a.clear();
        self.b.clear();
    }

    pub fn len(&self) -> usize {
        self.val.len()
    }

    fn push(&mut self, val: f64, op: Op, a: u32, b: u32) -> u32 {
        let id = self.val.len() as u32;
        self.val.push(val);
        self.op.push(op);
        self.a.push(a);
        self.b.push(b);
        id
    }

    #[inline]
    pub fn leaf(&mut self, val: f64) -> u32 {
        self.push(val, Op::Leaf, 0, 0)
    }

    #[inline]
    pub fn add(&mut self, a: u32, b: u32) -> u32 {
        self.push(self.val[a as usize] + self.val[b as usize], Op::Add, a, b)
    }

    #[inline]
    pub fn mul(&mut self, a: u32, b: u32) -> u32 {
        self.push(self.val[a as usize] * self.val[b as usize], Op::Mul, a, b)
    }

    #[inline]
    pub fn relu(&mut self, a: u32) -> u32 {
        let x = self.val[a as usize];
        self.push(if x > 0.0 { x } else { 0.0 }, Op::Relu, a, 0)
    }

    #[inline]
    pub fn tanh(&mut self, a: u32) -> u32 {
        self.push(self.val[a as usize].tanh(), Op::Tanh, a, 0)
    }

    #[inline]
    pub fn exp(&mut self, a: u32) -> u32 {
        self.push(self.val[a as usize].exp(), Op::Exp, a, 0)
    }

    #[inline]
    pub fn ln(&mut self, a: u32) -> u32 {
        self.push(self.val[a as usize].ln(), Op::Ln, a, 0)
    }

    /// `a ^ c`, with the constant `c` as a leaf.
    #[inline]
    pub fn pow(&mut self, a: u32, c: f64) -> u32 {
        let c_id = self.leaf(c);
        self.push(self.val[a as usize].powf(c), Op::Pow, a, c_id)
    }

    /// Gradients of node `out` with respect to every node, in one reverse sweep.
    pub fn backward(&mut self, out: u32) {
        self.grad.clear();
        self.grad.resize(self.val.len(), 0.0);
        self.grad[out as usize] = 1.0;
        for i in (0..=out as usize).rev() {
            let g = self.grad[i];
            let (a, b) = (self.a[i] as usize, self.b[i] as usize);
            match self.op[i] {
                Op::Leaf => {}
                Op::Add => {
                    self.grad[a] += g;
                    self.grad[b] += g;
                }
                Op::Mul => {
                    self.grad[a] += self.val[b] * g;
                    self.grad[b] += self.val[a] * g;
                }
                Op::Relu => {
                    if self.val[a] > 0.0 {
                        self.grad[a] += g;
                    }
                }
                Op::Tanh => self.grad[a] += (1.0 - self.val[i] * self.val[i]) * g,
                Op::Exp => self.grad[a] += self.val[i] * g,
                Op::Ln => self.grad[a] += g / self.val[a],
                Op::Pow => {
                    let c = self.val[b];
                    self.grad[a] += c * self.val[a].powf(c - 1.0) * g;
                }
            }
        }
    }
}

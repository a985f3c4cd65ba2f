//! Two small seeded random number generators, so data, weight initialisation and sample order
//! give the same numbers on every machine without a dependency: the crate's own SplitMix64 [`Rng`],
//! and [`XorshiftStar`], the generator of micrograd's second edition.

/// SplitMix64: 64 bits of state, passes BigCrush, and is the same everywhere for the same seed.
///
/// ```
/// use circuitgrad::Rng;
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// let x = a.uniform(-1.0, 1.0);
/// assert!((-1.0..1.0).contains(&x));
/// assert_eq!(x, b.uniform(-1.0, 1.0)); // same seed, same numbers
/// ```
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator started from `seed`.
    ///
    /// ```
    /// # use circuitgrad::Rng;
    /// assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    /// ```
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// # use circuitgrad::Rng;
    /// let mut rng = Rng::new(0);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[low, high)`, from the top 53 bits.
    ///
    /// ```
    /// # use circuitgrad::Rng;
    /// let mut rng = Rng::new(3);
    /// assert!((0..1000).map(|_| rng.uniform(-0.5, 0.5)).all(|x| (-0.5..0.5).contains(&x)));
    /// ```
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        low + (high - low) * unit
    }

    /// An index in `0..n` (0 when `n` is 0).
    ///
    /// ```
    /// # use circuitgrad::Rng;
    /// let mut rng = Rng::new(5);
    /// assert!((0..100).all(|_| rng.below(6) < 6));
    /// assert_eq!(rng.below(0), 0);
    /// ```
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }
}

/// Anything that draws uniform numbers: what model initialisation needs from a generator.
///
/// Both generators of the crate implement it: [`Rng`] (the crate's own) and [`XorshiftStar`] (the
/// newer micrograd's), so a model can be initialised from either.
pub trait Uniform {
    /// A number in `[low, high)`.
    fn uniform(&mut self, low: f64, high: f64) -> f64;
}

impl Uniform for Rng {
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        Rng::uniform(self, low, high)
    }
}

/// The generator of micrograd's second edition (EurekaLabsAI/micrograd, `utils.py`): xorshift* on
/// 64 bits of state, 32-bit outputs, and floats with 24 random bits, so the same seed gives the
/// same data and weights here as there, number for number.
///
/// - `next_u32`: `s ^= s >> 12; s ^= s << 25; s ^= s >> 27`, then the top half of
///   `s * 0x2545F4914F6CDD1D` (wrapping);
/// - [`random`](XorshiftStar::random): `(next_u32 >> 8) / 2^24`, in `[0, 1)`;
/// - [`uniform`](XorshiftStar::uniform): `low + (high - low) * random()`.
///
/// The original's `RNG(0)` never leaves state 0 (xorshift's one fixed point: every output 0, and
/// code that draws until it gets a point it wants never returns); here seed 0 starts from
/// [`XorshiftStar::SEED_ZERO`] instead. Every other seed is the original's.
///
/// ```
/// use circuitgrad::XorshiftStar;
/// let mut rng = XorshiftStar::new(42);
/// let x = rng.uniform(-1.0, 1.0);
/// assert!((-1.0..1.0).contains(&x));
/// assert_eq!(x, XorshiftStar::new(42).uniform(-1.0, 1.0)); // same seed, same numbers
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XorshiftStar {
    state: u64,
}

impl XorshiftStar {
    /// The state seed 0 starts from (2⁶⁴ divided by the golden ratio, odd): a state of 0 would
    /// stay 0 forever.
    pub const SEED_ZERO: u64 = 0x9E37_79B9_7F4A_7C15;

    /// A generator started from `seed` (the original's `RNG(seed)`), or for seed 0 from
    /// [`SEED_ZERO`](XorshiftStar::SEED_ZERO).
    ///
    /// ```
    /// # use circuitgrad::XorshiftStar;
    /// assert_ne!(XorshiftStar::new(1).next_u32(), XorshiftStar::new(2).next_u32());
    /// // Seed 0 is not stuck at 0: it is the same generator as SEED_ZERO.
    /// let mut zero = XorshiftStar::new(0);
    /// assert_ne!(zero.next_u32(), 0);
    /// assert_eq!(XorshiftStar::new(0), XorshiftStar::new(XorshiftStar::SEED_ZERO));
    /// ```
    pub fn new(seed: u64) -> XorshiftStar {
        let state = if seed == 0 { Self::SEED_ZERO } else { seed };
        XorshiftStar { state }
    }

    /// The next 32 random bits (the original's `random_u32`).
    ///
    /// ```
    /// # use circuitgrad::XorshiftStar;
    /// let mut rng = XorshiftStar::new(42);
    /// assert_ne!(rng.next_u32(), rng.next_u32());
    /// ```
    pub fn next_u32(&mut self) -> u32 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        (self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32
    }

    /// A number in `[0, 1)` with 24 random bits (the original's `random`).
    ///
    /// ```
    /// # use circuitgrad::XorshiftStar;
    /// let mut rng = XorshiftStar::new(7);
    /// assert!((0..1000).map(|_| rng.random()).all(|x| (0.0..1.0).contains(&x)));
    /// ```
    pub fn random(&mut self) -> f64 {
        f64::from(self.next_u32() >> 8) / 16_777_216.0
    }

    /// A number in `[low, high)`: `low + (high - low) * random()` (the original's `uniform`).
    ///
    /// ```
    /// # use circuitgrad::XorshiftStar;
    /// let mut rng = XorshiftStar::new(7);
    /// assert!((0..1000).map(|_| rng.uniform(-2.0, 2.0)).all(|x| (-2.0..2.0).contains(&x)));
    /// ```
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.random()
    }
}

impl Uniform for XorshiftStar {
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        XorshiftStar::uniform(self, low, high)
    }
}

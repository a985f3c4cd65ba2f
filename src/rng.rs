//! A small seeded random number generator (SplitMix64), so weight initialisation and sample order
//! give the same numbers on every machine without a dependency.

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

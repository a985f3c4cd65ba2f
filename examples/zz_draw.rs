use circuitgrad::Value;
fn main() {
    let x = Value::new(-2.0).labeled("x");
    let y = Value::new(5.0).labeled("y");
    let z = Value::new(-4.0).labeled("z");
    let q = (&x + &y).labeled("q");
    let f = (&q * &z).labeled("f");
    f.backward();
    std::fs::write("/tmp/pics/seed.svg", f.to_svg().unwrap()).unwrap();
    let [a, b, c, x, y] = [("a", 1.0), ("b", 2.0), ("c", -3.0), ("x", -1.0), ("y", 3.0)]
        .map(|(n, v)| Value::new(v).labeled(n));
    let ax = (&a * &x).labeled("ax");
    let by = (&b * &y).labeled("by");
    let s = ((&ax + &by).labeled("ax+by") + &c)
        .labeled("ax+by+c")
        .sigmoid()
        .labeled("s");
    s.backward();
    std::fs::write("/tmp/pics/neuron.svg", s.to_svg().unwrap()).unwrap();
    let mlp = circuitgrad::nn::Mlp::new(2, &[4, 4, 1], 1);
    let o = mlp.call(&[0.5, -0.5]).unwrap().pop().unwrap();
    o.backward();
    let t = std::time::Instant::now();
    let svg = o.to_svg().unwrap();
    println!(
        "mlp {} values, {:?}, {} bytes",
        o.trace().rows().len(),
        t.elapsed(),
        svg.len()
    );
    std::fs::write("/tmp/pics/mlp.svg", svg).unwrap();
    let mut v = Value::new(1.0);
    for i in 0..1300 {
        v = if i % 2 == 0 {
            &v * 0.5
        } else {
            (&v + 1.0).tanh()
        };
    }
    let t = std::time::Instant::now();
    let svg = v.to_svg().unwrap();
    println!(
        "chain {} values {:?} {} bytes",
        1991,
        t.elapsed(),
        svg.len()
    );
    let big = circuitgrad::nn::Mlp::new(2, &[16, 16, 1], 1)
        .call(&[0.5, 0.5])
        .unwrap()
        .pop()
        .unwrap();
    let t = std::time::Instant::now();
    println!("{:?} {:?}", big.to_svg().map(|s| s.len()), t.elapsed());
}

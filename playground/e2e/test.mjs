// The playground driven as a person would, in headless Chromium (Debian's `chromium`).
//
//   node test.mjs URL REFERENCE_DIR SCREENSHOT_DIR
//
// URL serves the built page. REFERENCE_DIR holds what the native library computed (run.sh makes
// it): yinyang.txt (the `yinyang` example's lines on the platform's math library, as micrograd's
// Python), yinyang_portable.txt (the same built with `portable-math`, the `libm` crate's exp, ln,
// tanh and pow, which the page's WebAssembly uses), trace_first.json and trace_typed.json (the
// `reference` binary's traces, built with `portable-math` too). The page must match the
// portable-math runs to the last bit, and the platform's to 1e-12. Screenshots of each view go to SCREENSHOT_DIR. Every check prints
// a line; the first failure stops the run with exit code 1.

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [url, refDir, shotDir] = process.argv.slice(2);
if (!url || !refDir || !shotDir) {
  console.error('usage: node test.mjs URL REFERENCE_DIR SCREENSHOT_DIR');
  process.exit(2);
}
fs.mkdirSync(shotDir, { recursive: true });

const results = [];
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) throw new Error(`${what} ${detail}`);
  results.push(what);
}

// Speed is measured and reported, not asserted (a loaded machine must not fail the build): each
// figure is printed against its target and kept in timing.json for BENCHMARKS.md.
const measured = {};
function measure(name, value, unit, target, within) {
  measured[name] = { value, unit, target };
  console.log(`${within ? 'met ' : 'MISS'} ${name}: ${value} ${unit} (target ${target})`);
}

// Relative agreement of two numbers, and whether they are the same double.
const rel = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const attr = (testid, name = 'data-value') => page.locator(`[data-testid="${testid}"]`).getAttribute(name);
  const button = (name) => page.getByRole('button', { name, exact: true });

  // --- Loading: interactive within a second, the wasm under 1 MB.
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10000 });
  const interactive = await page.evaluate(() => window.playground.readyAt);
  measure('interactive after navigation', Math.round(interactive), 'ms', '< 1000 ms', interactive < 1000);
  const wasmBytes = await page.evaluate(async () => (await (await fetch('circuitgrad_playground.wasm')).arrayBuffer()).byteLength);
  check(wasmBytes < 1 << 20, 'the wasm file is under 1 MB', `${wasmBytes} bytes`);
  for (const name of ['Reset', 'Play', 'Step']) check(await button(name).count() === 1, `a button named ${name}`);
  check(await attr('step') === '0', 'the page opens at step 0');
  await page.screenshot({ path: path.join(shotDir, '1-opened.png'), fullPage: true });

  // --- The chosen datapoint's circuit against the native trace (opening model, first point).
  const compareTrace = async (file, what) => {
    const ref = JSON.parse(fs.readFileSync(path.join(refDir, file), 'utf8'));
    const nodes = page.locator('#train-graph [data-testid="node"]');
    const shown = await nodes.evaluateAll((els) => els.map((e) => [Number(e.dataset.data), Number(e.dataset.grad)]));
    check(shown.length === ref.rows.length, `${what}: the page's circuit has the native trace's nodes`, `${shown.length} nodes`);
    let identical = 0, worst = 0;
    shown.forEach(([d, g], i) => {
      const [rd, rg] = ref.rows[i];
      if (d === rd && g === rg) identical++;
      worst = Math.max(worst, rel(d, rd), rel(g, rg));
    });
    check(identical === shown.length, `${what}: every node's data and grad is the native trace's, to the last bit`, `${identical}/${shown.length} nodes (worst relative difference ${worst.toExponential(2)})`);
  };
  await compareTrace('trace_first.json', 'first training point');

  // Typing a point and a label chooses it.
  const typed = JSON.parse(fs.readFileSync(path.join(refDir, 'trace_typed.json'), 'utf8')).point;
  await page.fill('#point-form [name="x"]', String(typed[0]));
  await page.fill('#point-form [name="y"]', String(typed[1]));
  await page.fill('#point-form [name="class"]', String(typed[2]));
  await button('Show this point').click();
  await compareTrace('trace_typed.json', 'a typed point');

  // --- Step through backprop: forward in topological order, then backward in reverse.
  const n = await page.locator('#train-graph [data-testid="node"]').count();
  await page.locator('#train-graph').getByRole('button', { name: 'Walk from the start' }).click();
  const next = page.locator('#train-graph').getByRole('button', { name: 'Next node' });
  const order = [];
  for (let k = 0; k < 2 * n; k++) {
    await next.click();
    order.push(Number(await page.locator('#train-graph g.node.current').getAttribute('data-index')));
    if (k === n + 3) await page.screenshot({ path: path.join(shotDir, '2-walking-backward.png'), fullPage: true });
  }
  const expected = [...Array(n).keys()].concat([...Array(n).keys()].reverse());
  check(JSON.stringify(order) === JSON.stringify(expected), 'the walk highlights every node forward in order, then backward in reverse', `${2 * n} steps`);
  const caption = await page.locator('#train-graph [data-testid="walk-caption"]').textContent();
  check(caption.startsWith(`backward ${n} of ${n}`), 'the caption says where the walk is', caption);
  // The walk ended at node 0, and the view followed it; back to the output's end to hover there.
  await page.locator('#train-graph').getByRole('button', { name: 'Show the output' }).click();
  await page.locator('#train-graph [data-testid="node"]').nth(n - 2).hover();
  const detail = await page.locator('#train-graph [data-testid="detail"]').textContent();
  check(detail.includes('by the chain rule') && detail.includes('×'), 'hovering a node shows its chain-rule products', detail.split('\n')[0]);
  await page.locator('#train-graph').getByRole('button', { name: 'Walk to the end' }).click();

  // --- Train: ten steps, each loss against the native `yinyang` example's.
  const losses = (file) => fs.readFileSync(path.join(refDir, file), 'utf8')
    .split('\n').filter((l) => l.includes('train loss')).map((l) => Number(l.split('train loss ')[1]));
  const portable = losses('yinyang_portable.txt');
  const platform = losses('yinyang.txt');
  const shownLosses = [];
  for (let s = 1; s <= 10; s++) {
    await button('Step').click();
    shownLosses.push(Number(await attr('train-loss')));
    check(await attr('step') === String(s), `step ${s} is counted`);
  }
  const same = (ref) => shownLosses.filter((x, i) => x === ref[i]).length;
  const worst = Math.max(...shownLosses.map((x, i) => rel(x, platform[i])));
  check(same(portable) === 10, 'ten steps of losses are the native yinyang example\'s (portable-math), to the last bit', `${same(portable)}/10 identical`);
  check(worst <= 1e-12, 'and the native example\'s on the platform\'s math library to 1e-12', `${same(platform)}/10 identical, worst relative difference ${worst.toExponential(2)}`);
  await page.screenshot({ path: path.join(shotDir, '3-ten-steps.png'), fullPage: true });

  // --- Speed: a step plus its full redraw (surface, graph, table), timed in the page: the first
  // 60 steps (the browser still compiling the hot code) and 60 steps after 200 more (steady play).
  const timeSteps = () => page.evaluate(() => {
    const step = document.getElementById('step');
    const times = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      step.click();
      document.body.getBoundingClientRect(); // force style and layout of the redrawn page
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { median: times[30], p90: times[54], max: times[59] };
  });
  const cold = await timeSteps();
  measure('step + full redraw, the first 60 steps (median)', cold.median.toFixed(2), 'ms', '< 16 ms', cold.median < 16);
  await page.evaluate(() => { for (let i = 0; i < 200; i++) document.getElementById('step').click(); });
  const timing = await timeSteps();
  measure('step + full redraw after 200 more steps (median)', timing.median.toFixed(2), 'ms', '< 16 ms', timing.median < 16);
  console.log(`     (p90 ${timing.p90.toFixed(2)} ms, max ${timing.max.toFixed(2)} ms over 60 steps; surface 50 x 50, graph, optimiser table)`);
  await button('Play').click();
  check(await button('Pause').count() === 1, 'Play turns into Pause while playing');
  const before = Number(await attr('step'));
  await page.waitForTimeout(1000);
  await button('Pause').click();
  const played = Number(await attr('step')) - before;
  check(played > 0, 'playing trains on its own', `${played} steps in one second`);
  measure('steps played in one second', played, 'steps', '60 at 60 frames a second', played >= 55);
  fs.writeFileSync(path.join(shotDir, 'timing.json'), JSON.stringify({ cold, warm: timing, playedPerSecond: played, interactiveMs: interactive, wasmBytes, measured }, null, 2));

  // --- Edit the data: add a point, remove one.
  const count = async () => Number(await attr('point-count'));
  const plane = page.locator('#plane');
  const box = await plane.boundingBox();
  const c0 = await count();
  await page.selectOption('#add-class', '1');
  await plane.click({ position: { x: box.width * 0.9, y: box.height * 0.1 } });
  check(await count() === c0 + 1, 'a click on the plane adds a point', `${c0} → ${await count()}`);
  await button('Step').click();
  check(await page.locator('[data-testid="message"]').textContent() === '', 'the network trains on the new set');
  const p0 = await page.evaluate(() => window.playground.frame().train[0]);
  const [bx0, by0, bx1, by1] = await page.evaluate(() => window.playground.frame().bounds);
  const at = (x, y) => ({ x: ((x - bx0) / (bx1 - bx0)) * box.width, y: ((by1 - y) / (by1 - by0)) * box.height });
  await plane.click({ position: at(p0[0], p0[1]), modifiers: ['Shift'] });
  check(await count() === c0, 'shift+click removes a point', `back to ${c0}`);

  // --- Choose a datapoint by clicking it.
  await page.check('input[name="mode"][value="choose"]');
  const p1 = await page.evaluate(() => window.playground.frame().train[5]);
  await plane.click({ position: at(p1[0], p1[1]) });
  const chosen = await page.evaluate(() => window.playground.chosen());
  check(JSON.stringify(chosen) === JSON.stringify(p1), 'clicking a point chooses whose circuit is shown', JSON.stringify(chosen));
  await page.screenshot({ path: path.join(shotDir, '4-edited-and-chosen.png'), fullPage: true });

  const message = () => page.locator('[data-testid="message"]').textContent();
  // A click beside the plane (not on it) adds nothing.
  const beside = await count();
  await page.locator('#view-train .panel').first().click({ position: { x: box.width + 40, y: 60 } });
  check(await count() === beside && await message() === '', 'a click beside the plane changes nothing');

  // --- The other dataset and optimiser.
  await page.selectOption('#settings [name="data"]', 'moons');
  await page.selectOption('#settings [name="optimizer"]', 'sgd');
  await button('Reset').click();
  const moons = await page.evaluate(() => window.playground.frame());
  check(moons.classes === 2 && moons.train.length === 80 && moons.val.length === 20, 'moons: 2 classes, 80 training and 20 val points');
  check(moons.optimizer === 'SGD' && moons.table.every((row) => row[4] === null), 'SGD keeps no √v, and its table says so');
  await button('Step').click();
  check(await attr('step') === '1' && Number(await attr('train-loss')) > 0, 'moons with SGD trains', await attr('train-loss'));
  check(await page.locator('#train-graph [data-testid="node"]').count() > 0, 'and shows a datapoint\'s circuit');
  await page.screenshot({ path: path.join(shotDir, '4b-moons-sgd.png'), fullPage: true });
  await page.selectOption('#settings [name="data"]', 'yinyang');
  await page.selectOption('#settings [name="optimizer"]', 'adamw');

  // --- Bad input: the page says what is wrong and stays responsive.
  const stepBefore = await attr('step');
  await page.fill('#settings [name="hidden"]', '8, 0');
  await button('Reset').click();
  check((await message()).includes('no neurons'), 'a layer of width 0 is refused with a message', await message());
  check(await attr('step') === stepBefore, 'a refused reset leaves the run as it was');
  await page.fill('#settings [name="hidden"]', '32, 32, 32');
  await button('Reset').click();
  const bigNotice = await page.locator('#train-graph .notice').textContent();
  check(bigNotice.includes('pictures are limited'), 'a model too big to draw says so where its circuit would be', bigNotice.slice(0, 70));
  check(await page.locator('#train-graph [data-testid="node"]').count() === 0, 'and shows no stale circuit');
  await button('Step').click();
  check(await attr('step') === '1', 'a big model still trains');
  await page.fill('#settings [name="hidden"]', '8');
  await page.fill('#settings [name="lr"]', '1e6');
  await button('Reset').click();
  await button('Play').click();
  await page.waitForFunction(() => !window.playground.playing(), null, { timeout: 5000 });
  const diverged = await message();
  check(/NaN|inf/.test(diverged) && diverged.includes('stopped'), 'a diverging run pauses with a message', diverged);
  const shownLoss = await page.locator('[data-testid="train-loss"]').textContent();
  check(!/NaN|inf/i.test(shownLoss), 'no NaN shown as a result', `train loss shows ${shownLoss}`);
  const notice = await page.locator('#train-graph .notice').textContent();
  check(notice.startsWith('Training stopped') && notice.includes('it started at the marked node: forward:'), 'the circuit of the point where it started says which op went non-finite', notice.slice(0, 160));
  const origin = await page.evaluate(() => window.playground.frame().origin);
  const marked = page.locator('#train-graph [data-testid="node"].origin');
  check(await marked.count() === 1 && await marked.getAttribute('data-index') === String(origin.node), 'and that node is marked', `node ${origin.node}`);
  check(JSON.stringify(await page.evaluate(() => window.playground.chosen())) === JSON.stringify(origin.point), 'the point shown is where it started', JSON.stringify(origin.point));
  await page.screenshot({ path: path.join(shotDir, '5-diverged.png'), fullPage: true });
  await page.fill('#settings [name="lr"]', '0.1');
  await button('Reset').click();
  check(await message() === '' && await attr('step') === '0', 'Reset starts again after a divergence');
  check(await page.locator('#train-graph .notice').textContent() === '', 'and the circuit\'s notice goes away');
  // An empty training set: remove every point, then step.
  await page.check('input[name="mode"][value="add"]');
  for (let left = await count(); left > 0; left--) {
    const p = await page.evaluate(() => window.playground.frame().train[0]);
    await plane.click({ position: at(p[0], p[1]), modifiers: ['Shift'] });
  }
  check(await count() === 0, 'every training point can be removed');
  await button('Step').click();
  check((await message()).includes('empty'), 'stepping on an empty set says so', await message());
  check(await page.locator('#train-graph .notice').textContent() === '', 'and the circuit does not claim a divergence');
  await plane.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await button('Step').click();
  check(await message() === '' && Number(await attr('step')) === 1, 'a new point lets training go on');
  await button('Reset').click();

  // --- Type a circuit.
  await page.getByRole('tab', { name: 'Type a circuit' }).click();
  await page.fill('[data-testid="expression"]', 'x = 2\ny = x +\nz = x * x');
  await button('Run').click();
  const error = await page.locator('[data-testid="error"]').textContent();
  check(error.startsWith('line 2: error:'), 'a typed error shows the REPL\'s message inline', error.split('\n')[0]);
  await button('f = (x + y) z').click();
  check(await page.locator('[data-testid="error"]').textContent() === '', 'the tutorial\'s circuit runs without errors');
  const circuitNodes = page.locator('#circuit-graph [data-testid="node"]');
  check(await circuitNodes.count() === 5, 'its circuit is drawn', `${await circuitNodes.count()} nodes`);
  const grads = () => circuitNodes.evaluateAll((els) => els.map((e) => Number(e.dataset.grad)));
  // f = (x + y) z: ∂f/∂x = ∂f/∂y = z = -4, ∂f/∂z = x + y = 3; nodes x, y, q, z, f.
  check(JSON.stringify(await grads()) === JSON.stringify([-4, -4, -4, 3, 1]), 'its grads are the tutorial\'s', JSON.stringify(await grads()));
  await page.fill('input[aria-label="z"]', '-5');
  await page.press('input[aria-label="z"]', 'Enter');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  check(JSON.stringify(await grads()) === JSON.stringify([-5, -5, -5, 3, 1]), 'moving a leaf re-runs forward and backward', JSON.stringify(await grads()));
  await page.screenshot({ path: path.join(shotDir, '6-circuit.png'), fullPage: true });
  // The gradient as a circuit: ∂f/∂x = z, drawn with its numbers, the leaves where they were.
  const datas = () => circuitNodes.evaluateAll((els) => els.map((e) => Number(e.dataset.data)));
  await page.selectOption('[data-testid="grad-wrt"]', 'x');
  await page.check('[data-testid="show-grad"]');
  const gradient = await datas();
  check(gradient.length === 2 && gradient[1] === -5, 'ticking the gradient box draws ∂f/∂x as a circuit, worth x\'s grad (z = -5)', JSON.stringify(gradient));
  const captionText = await page.locator('[data-testid="shown-caption"]').textContent();
  check(captionText.startsWith('Drawn: ∂f/∂x, the gradient'), 'and says what is drawn', captionText.slice(0, 40));
  await page.selectOption('[data-testid="grad-wrt"]', 'z');
  const byZ = await datas();
  check(byZ[byZ.length - 1] === 3, 'choosing z draws ∂f/∂z = x + y = 3', JSON.stringify(byZ));
  await page.fill('input[aria-label="x"]', '4');
  await page.press('input[aria-label="x"]', 'Enter');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const moved = await datas();
  check(moved[moved.length - 1] === 9, 'moving a leaf moves the gradient: x = 4 gives ∂f/∂z = 9', JSON.stringify(moved));
  await page.screenshot({ path: path.join(shotDir, '6b-gradient.png'), fullPage: true });
  await page.uncheck('[data-testid="show-grad"]');
  check(await circuitNodes.count() === 5, 'unticking draws f again', `${await circuitNodes.count()} nodes`);
  // Checking the gradients: each leaf's grad beside a central difference.
  await button('check gradients').click();
  const checkX = await page.locator('[data-testid="check-x"]').textContent();
  check(checkX.startsWith('grad -5 · numeric -') && checkX.endsWith('agree'), 'checking the gradients shows the numeric beside the analytic grad of each leaf', checkX);
  check((await page.locator('[data-testid="check-summary"]').textContent()).startsWith('every grad agrees'), 'and says they all agree');
  await page.screenshot({ path: path.join(shotDir, '6c-checked.png'), fullPage: true });
  await page.fill('[data-testid="expression"]', 'x = 0\ny = 2\nf = relu(x) * y');
  await button('Run').click();
  await button('check gradients').click();
  const kink = await page.locator('[data-testid="check-x"]').textContent();
  check(kink.endsWith('a kink within the step'), 'a kink within the step is said to be one, not a failure', kink);
  // A huge circuit: refused for drawing, the page still answers.
  const huge = 'x = 1\ny = ' + Array(3000).fill('x').join(' * ');
  await page.fill('[data-testid="expression"]', huge);
  await button('Run').click();
  const hugeError = await page.locator('[data-testid="error"]').textContent();
  check(hugeError.includes('pictures are limited'), 'a huge circuit is refused with a message', hugeError.split('\n')[0]);
  check(await circuitNodes.count() === 0, 'and no earlier circuit is left on show', `${await circuitNodes.count()} nodes`);
  await button('f = (x + y) z').click();
  check(await circuitNodes.count() === 5, 'the page stays responsive after it');

  check(consoleErrors.length === 0, 'no console errors', consoleErrors.join(' | '));
} catch (e) {
  failed = true;
  console.error(e.message);
} finally {
  await browser.close();
}
console.log(`${results.length} checks passed${failed ? ', then one failed' : ''}`);
process.exit(failed ? 1 : 0);

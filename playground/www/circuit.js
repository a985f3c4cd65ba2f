// The circuit view: the REPL's language, the last binding drawn, a slider per leaf.

import { call } from './engine.js';
import { GraphView } from './graph.js';
import { $, full } from './util.js';

const EXAMPLES = {
  'f = (x + y) z': 'x = -2\ny = 5\nz = -4\nq = x + y\nf = q * z',
  'a neuron, σ(ax + by + c)': 'a = 1\nb = 2\nc = -3\nx = -1\ny = 3\nf = sigmoid(a*x + b*y + c)',
  'a tanh neuron': 'x1 = 2\nx2 = 0\nw1 = -3\nw2 = 1\nb = 6.8813735870195432\nn = x1*w1 + x2*w2 + b\no = tanh(n)',
  'x² with x used twice': 'x = 3\ns = x * x',
  'max gate': 'x = 2\ny = -1\nm = max(x, y) * 3',
};
let circuitGraph = null;

// The leaf the gradient is drawn with respect to, if the box is ticked and a leaf is chosen.
function gradientLeaf() {
  return $('show-grad').checked && $('grad-wrt').value !== '' ? $('grad-wrt').value : null;
}

// The leaves to choose from, keeping the choice where the new script still has it.
function fillLeafChoice(leaves) {
  const select = $('grad-wrt');
  const before = select.value;
  select.innerHTML = '';
  for (const [name] of leaves) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    select.appendChild(option);
  }
  if (leaves.some(([name]) => name === before)) select.value = before;
}

function caption(answer) {
  const shown = answer.shown;
  if (!shown) return '';
  if (shown === answer.output) return `Drawn: ${shown}.`;
  return `Drawn: ${shown}, the gradient built as a circuit of the same ops. Its last node's data is `
    + `${shown}; after its own backward walk, each leaf's grad is a second derivative of ${answer.output}.`;
}

function runScript() {
  draw(call({ cmd: 'script', text: $('expression').value, wrt: gradientLeaf() }));
}

// The gradient box or its leaf changed: the same script, its leaves where the sliders left them.
function showChoice() {
  draw(call({ cmd: 'show', wrt: gradientLeaf() }));
}

// Each leaf's analytic grad beside its numerical one, in the leaf's row.
function checkGradients() {
  const answer = call({ cmd: 'check_gradients' });
  if (answer.error) { $('error').textContent = answer.error; return; }
  const { rows, passed } = answer.check;
  const word = { pass: 'agree', fail: 'DISAGREE', kink: 'a kink within the step', notfinite: 'not finite' };
  for (const row of rows) {
    const cell = document.querySelector(`[data-testid="check-${row.name}"]`);
    if (!cell) continue;
    cell.textContent = row.in_circuit
      ? `grad ${full(row.analytic)} · numeric ${full(row.numeric)}: ${word[row.verdict]}`
      : 'not in the circuit';
    cell.className = `check ${row.verdict}`;
  }
  $('check-summary').textContent = passed
    ? `every grad agrees with its central difference (${rows.length} leaves)`
    : 'some grads do not agree with their central differences: see the leaves';
}

// Results of a check no longer hold once anything moves.
function clearCheck() {
  document.querySelectorAll('#leaves .check').forEach((c) => { c.textContent = ''; c.className = 'check'; });
  $('check-summary').textContent = '';
}

// A script's answer: its replies and errors, the picture, a slider per leaf.
function draw(answer) {
  clearCheck();
  const errors = answer.error ? [answer.error] : answer.errors.map((e) => e.message);
  if (answer.graph_error) errors.push(answer.graph_error);
  $('error').textContent = errors.join('\n');
  $('replies').textContent = (answer.lines || []).map((l) => `line ${l.line}: ${l.text}`).join('\n');
  const leaves = $('leaves');
  leaves.innerHTML = '';
  if (answer.error) return;
  fillLeafChoice(answer.leaves);
  $('shown-caption').textContent = caption(answer);
  // A script with nothing to draw (no binding, or too big a circuit) leaves no old picture behind.
  if (answer.graph) {
    circuitGraph.setGraph(answer.graph);
    circuitGraph.setNotice('');
  } else {
    circuitGraph.clear(answer.graph_error || 'Nothing to draw yet: bind a value (f = x * y) and it is drawn.');
  }
  for (const [name, value] of answer.leaves) {
    const row = document.createElement('div');
    row.className = 'leaf-row';
    const span = Math.max(1, Math.abs(value)) * 3;
    row.innerHTML = `<label for="leaf-${name}">${name}</label>
      <input type="range" id="leaf-${name}" min="${value - span}" max="${value + span}" step="any" value="${value}">
      <input type="number" step="any" value="${value}" aria-label="${name}">
      <span class="check" data-testid="check-${name}"></span>`;
    const [range, box] = row.querySelectorAll('input');
    const move = (v) => {
      clearCheck();
      const r = call({ cmd: 'set_leaf', name, value: v });
      if (r.error) { $('error').textContent = r.error; return; }
      $('error').textContent = errors.join('\n');
      circuitGraph.setNumbers(r.numbers);
    };
    range.addEventListener('input', () => { box.value = range.value; move(Number(range.value)); });
    box.addEventListener('change', () => {
      const v = Number(box.value);
      if (box.value.trim() === '' || Number.isNaN(v)) { $('error').textContent = `${name} must be a number`; return; }
      range.value = v;
      move(v);
    });
    leaves.appendChild(row);
  }
}

// Wires the view's controls and runs the first example.
export function initCircuit() {
  circuitGraph = new GraphView($('circuit-graph'), 'circuit');
  for (const [title, text] of Object.entries(EXAMPLES)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = title;
    b.addEventListener('click', () => { $('expression').value = text; runScript(); });
    $('examples').appendChild(b);
  }
  $('run').addEventListener('click', runScript);
  $('check').addEventListener('click', checkGradients);
  $('show-grad').addEventListener('change', showChoice);
  $('grad-wrt').addEventListener('change', () => { if ($('show-grad').checked) showChoice(); });
  $('expression').addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.ctrlKey) runScript(); });
  $('expression').value = EXAMPLES['f = (x + y) z'];
  runScript();
}

// Fits the picture to its box (the box has no size while its tab is hidden).
export function fitCircuit() {
  circuitGraph.fit();
}

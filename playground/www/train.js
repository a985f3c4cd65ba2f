// The training view: the plane with its class regions and points, the loss curves, the
// optimiser's table, and one datapoint's loss circuit.

import { call } from './engine.js';
import { GraphView } from './graph.js';
import { $, fmt, full, num } from './util.js';

const COLORS = [[220, 60, 50], [40, 100, 220], [40, 160, 70]];
const rgba = (c, a) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;
let frame = null;
let history = []; // [train loss, val loss] per step, kept here: each frame sends only the new steps
let playing = false;
let chosen = null; // [x, y, class] of the datapoint whose circuit is shown
let trainGraph = null;
let graphProblem = ''; // why no circuit is shown, if none is
let shownOrigin = null; // the divergence whose point was last chosen for the circuit, as JSON
const surfaceCanvas = document.createElement('canvas');

function settingsFromForm() {
  const f = new FormData($('settings'));
  const hidden = String(f.get('hidden')).split(/[\s,]+/).filter((s) => s !== '');
  const bad = hidden.find((s) => !/^\d+$/.test(s));
  if (bad !== undefined) return { error: `hidden layers: "${bad}" is not a width; write widths like 8 or 16, 16` };
  const lr = Number(f.get('lr'));
  if (String(f.get('lr')).trim() === '' || !Number.isFinite(lr)) return { error: 'the learning rate must be a finite number, like 0.1' };
  const seed = String(f.get('seed')).trim();
  if (!/^\d{1,15}$/.test(seed)) return { error: 'the seed must be a whole number from 0 to 999999999999999' };
  return {
    settings: {
      data: f.get('data'), seed: Number(seed), hidden: hidden.map(Number), activation: f.get('activation'),
      optimizer: f.get('optimizer'), lr,
    },
  };
}

function message(text) { $('message').textContent = text || ''; }

export function setPlaying(on) {
  playing = on;
  $('play').textContent = on ? 'Pause' : 'Play';
  if (on) requestAnimationFrame(loop);
}

export function reset() {
  setPlaying(false);
  const { settings, error } = settingsFromForm();
  if (error) return message(error);
  const answer = call({ cmd: 'reset', settings });
  if (answer.error) return message(answer.error);
  message('');
  $('add-class').innerHTML = [...Array(answer.classes).keys()].map((c) => `<option value="${c}">${c}</option>`).join('');
  show(answer);
  choose(answer.train[0]);
}

const timings = { engine: 0, draw: 0, graph: 0 };
function stepOnce() {
  const t0 = performance.now();
  const answer = call({ cmd: 'step', cells: 50, since: history.length });
  const t1 = performance.now();
  if (answer.error && !answer.table) { setPlaying(false); return message(answer.error); }
  show(answer);
  if (answer.error) { setPlaying(false); message(answer.error); } else message('');
  const t2 = performance.now();
  refreshGraph();
  const t3 = performance.now();
  Object.assign(timings, { engine: t1 - t0, draw: t2 - t1, graph: t3 - t2 });
}

function loop() {
  if (!playing) return;
  stepOnce();
  if (playing) requestAnimationFrame(loop);
}

// A figure of the stats bar: what it shows, and its full-precision value in `data-value`.
function stat(testid, text, value) {
  const e = document.querySelector(`[data-testid="${testid}"]`);
  e.textContent = text;
  e.dataset.value = value;
  return e;
}

function show(f) {
  frame = f;
  if (f.since === history.length) history.push(...f.history);
  else history = history.slice(0, f.since).concat(f.history);
  stat('step', f.step, f.step);
  const loss = (x) => [x === null ? '–' : x.toFixed(6), x === null ? '' : full(x)];
  const [trainText, trainValue] = loss(f.train_loss);
  stat('train-loss', trainText, trainValue).title = trainValue;
  stat('val-loss', ...loss(f.val_loss));
  stat('point-count', `${f.train.length} training points, ${f.val.length} val`, f.train.length);
  $('opt-name').textContent = `(${f.optimizer}, lr ${f.lr})`;
  const a = performance.now();
  drawPlane();
  if (trainGraph && f.origin) {
    // Where the loss stopped being finite: that point's circuit, its first non-finite node marked.
    const key = JSON.stringify(f.origin);
    if (key !== shownOrigin) {
      shownOrigin = key;
      choose(f.origin.point);
    }
    if (JSON.stringify(chosen) === JSON.stringify(f.origin.point)) {
      trainGraph.markOrigin(f.origin.node);
      trainGraph.setNotice(`Training stopped: the loss was not finite. In this point's circuit it started at the marked node: ${f.origin.message}. Reset to start again.`);
    } else {
      trainGraph.setNotice('Training stopped. The numbers below come from the parameters whose loss was not finite: they show where it broke, not a result. Reset to start again.');
    }
  } else if (trainGraph) {
    shownOrigin = null;
    trainGraph.setNotice(f.diverged
      ? 'Training stopped. The numbers below come from the parameters whose loss was not finite: they show where it broke, not a result. Reset to start again.'
      : graphProblem);
  }
  const b = performance.now();
  drawLosses();
  const c = performance.now();
  fillTable();
  Object.assign(timings, { plane: b - a, losses: c - b, table: performance.now() - c });
}

// Plane coordinates of a canvas pixel, and back.
function toPlane(px, py) {
  const [x0, y0, x1, y1] = frame.bounds;
  const c = $('plane');
  return [x0 + (px / c.width) * (x1 - x0), y1 - (py / c.height) * (y1 - y0)];
}
function toPixel(x, y) {
  const [x0, y0, x1, y1] = frame.bounds;
  const c = $('plane');
  return [((x - x0) / (x1 - x0)) * c.width, ((y1 - y) / (y1 - y0)) * c.height];
}

function drawPlane() {
  const c = $('plane');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const n = frame.cells;
  // One pixel per cell, scaled up: no seams between cells.
  const cells = new ImageData(n, n);
  const floor = 1 / frame.classes;
  for (let i = 0; i < n * n; i++) {
    // The winner's probability, from 1/classes (a coin toss) to 1, as the colour's strength.
    const p = frame.confidence[i] / 100;
    const a = 0.12 + 0.4 * Math.max(0, (p - floor) / (1 - floor));
    const col = COLORS[frame.surface[i]];
    for (let k = 0; k < 3; k++) cells.data[4 * i + k] = Math.round(255 - a * (255 - col[k]));
    cells.data[4 * i + 3] = 255;
  }
  surfaceCanvas.width = n;
  surfaceCanvas.height = n;
  surfaceCanvas.getContext('2d').putImageData(cells, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(surfaceCanvas, 0, 0, c.width, c.height);
  if ($('show-lines').checked) {
    g.strokeStyle = 'rgba(0,0,0,0.35)';
    g.setLineDash([4, 3]);
    const [x0, y0, x1, y1] = frame.bounds;
    for (const [w0, w1, b] of frame.lines) {
      // w0 x + w1 y + b = 0, across the plane.
      g.beginPath();
      if (Math.abs(w1) > Math.abs(w0)) {
        g.moveTo(...toPixel(x0, -(w0 * x0 + b) / w1));
        g.lineTo(...toPixel(x1, -(w0 * x1 + b) / w1));
      } else if (w0 !== 0) {
        g.moveTo(...toPixel(-(w1 * y0 + b) / w0, y0));
        g.lineTo(...toPixel(-(w1 * y1 + b) / w0, y1));
      }
      g.stroke();
    }
    g.setLineDash([]);
  }
  const dot = ([x, y, cls], hollow) => {
    const [px, py] = toPixel(x, y);
    g.beginPath();
    g.arc(px, py, 4.5, 0, 2 * Math.PI);
    g.fillStyle = hollow ? '#fff' : rgba(COLORS[cls], 1);
    g.strokeStyle = hollow ? rgba(COLORS[cls], 1) : '#fff';
    g.lineWidth = hollow ? 2 : 1;
    g.fill();
    g.stroke();
  };
  frame.val.forEach((p) => dot(p, true));
  frame.train.forEach((p) => dot(p, false));
  g.lineWidth = 1;
  if (chosen) {
    const [px, py] = toPixel(chosen[0], chosen[1]);
    g.beginPath();
    g.arc(px, py, 9, 0, 2 * Math.PI);
    g.strokeStyle = '#000';
    g.lineWidth = 2;
    g.stroke();
    g.lineWidth = 1;
  }
}

function drawLosses() {
  const c = $('losses');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  // At most ~400 points a curve: a long run stays cheap to draw.
  const stride = Math.ceil(history.length / 400);
  const h = history.filter((_, i) => i % stride === 0 || i === history.length - 1);
  g.font = '11px sans-serif';
  g.fillStyle = '#666';
  if (!h.length) { g.fillText('no steps yet: press Step or Play', 10, 20); return; }
  const values = h.flatMap(([t, v]) => [t, v]).filter((x) => x !== null && x > 0 && Number.isFinite(x));
  const lo = Math.log10(Math.min(...values)), hi = Math.log10(Math.max(...values));
  const span = Math.max(hi - lo, 1e-9);
  const X = (i) => 30 + (i / Math.max(h.length - 1, 1)) * (c.width - 40);
  const Y = (v) => 10 + (1 - (Math.log10(v) - lo) / span) * (c.height - 30);
  const line = (k, color) => {
    g.beginPath();
    g.strokeStyle = color;
    let started = false;
    h.forEach((row, i) => {
      const v = row[k];
      if (v === null || !(v > 0)) return;
      started ? g.lineTo(X(i), Y(v)) : g.moveTo(X(i), Y(v));
      started = true;
    });
    g.stroke();
  };
  line(0, '#2060d0');
  line(1, '#d07020');
  g.fillText(`${Math.pow(10, hi).toPrecision(3)}`, 2, 14);
  g.fillText(`${Math.pow(10, lo).toPrecision(3)}`, 2, c.height - 22);
  g.fillStyle = '#2060d0'; g.fillText('train', c.width - 150, c.height - 6);
  g.fillStyle = '#d07020'; g.fillText('val', c.width - 115, c.height - 6);
  g.fillStyle = '#666'; g.fillText('(log scale)', c.width - 90, c.height - 6);
  g.fillText(`step ${history.length}`, 30, c.height - 6);
}

// The optimiser's table, painted on a canvas: laying out 250 changing numbers as HTML text costs
// several milliseconds a frame here, painting them well under one. Hovering a cell shows its full
// value (the canvas's title).
const COLUMNS = ['parameter', 'value', 'grad', 'm', '√v', 'update'];
const ROW_H = 17, COL_W = [92, 84, 84, 84, 84, 84];
let tableScroll = 0;
// SGD's state is a velocity (its momentum), shown in the m column; it keeps no second moment.
const columns = () => (frame && frame.optimizer === 'SGD' ? ['parameter', 'value', 'grad', 'velocity', '√v', 'update'] : COLUMNS);
const colX = (k) => COL_W.slice(0, k).reduce((a, b) => a + b, 0);

function fillTable() {
  const c = $('params');
  const rows = frame.table.length;
  const ratio = window.devicePixelRatio || 1;
  const w = colX(6), h = (rows + 1) * ROW_H;
  if (c.width !== w * ratio || c.height !== h * ratio) {
    c.width = w * ratio;
    c.height = h * ratio;
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
  }
  const g = c.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '12px monospace';
  g.textBaseline = 'middle';
  const scale = [1, 2, 3, 4, 5].map((k) => Math.max(1e-12, ...frame.table.map((r) => Math.abs(num(r[k]) || 0))));
  // Backgrounds first, then all text in one font (setting a canvas font is slow).
  frame.table.forEach((row, i) => {
    const y = (i + 1) * ROW_H;
    if (y + ROW_H < tableScroll || y > tableScroll + 600) return;
    for (let k = 1; k < 6; k++) {
      const x = num(row[k]) || 0;
      if (x === 0) continue;
      const a = Math.min(1, Math.abs(x) / scale[k - 1]) * 0.55;
      g.fillStyle = x > 0 ? `rgba(40,100,220,${a.toFixed(2)})` : `rgba(220,60,50,${a.toFixed(2)})`;
      g.fillRect(colX(k), y, COL_W[k], ROW_H - 1);
    }
  });
  g.fillStyle = '#eee';
  for (let i = 1; i <= rows; i++) g.fillRect(0, (i + 1) * ROW_H - 1, w, 1);
  g.fillStyle = '#222';
  const right = [1, 2, 3, 4, 5].map((k) => colX(k + 1) - 6);
  g.font = 'bold 12px monospace';
  g.textAlign = 'left';
  g.fillText(COLUMNS[0], 4, ROW_H / 2);
  g.textAlign = 'right';
  const header = columns();
  for (let k = 1; k < 6; k++) g.fillText(header[k], right[k - 1], ROW_H / 2);
  g.font = '12px monospace';
  // Only the rows in view of the scrolled box (its scroll position kept by a listener: reading it
  // here could force a layout).
  const first = Math.max(0, Math.floor(tableScroll / ROW_H) - 1);
  const last = Math.min(rows, first + Math.ceil(560 / ROW_H) + 2);
  for (let i = first; i < last; i++) {
    const row = frame.table[i];
    const y = (i + 1.5) * ROW_H;
    for (let k = 1; k < 6; k++) g.fillText(row[k] === null ? '–' : fmt(row[k]), right[k - 1], y);
  }
  g.textAlign = 'left';
  for (let i = first; i < last; i++) g.fillText(frame.table[i][0], 4, (i + 1.5) * ROW_H);
  c.setAttribute('aria-label', `The optimiser's state for ${rows} parameters: value, grad, m, square root of v, and the last update`);
}

function tableHover(e) {
  const c = $('params');
  const r = c.getBoundingClientRect();
  const row = Math.floor((e.clientY - r.top) / ROW_H) - 1;
  const x = e.clientX - r.left;
  const k = [...Array(6).keys()].findLast((j) => colX(j) <= x);
  const p = frame && frame.table[row];
  c.title = p && k > 0 ? `${p[0]} ${columns()[k]}: ${p[k] === null ? 'none (this optimiser keeps no such state)' : full(p[k])}` : '';
}

// The datapoint whose loss circuit is shown.
function choose(point) {
  const answer = call({ cmd: 'datapoint', x: point[0], y: point[1], class: point[2] });
  if (answer.error) {
    // Nothing is shown rather than a circuit of another model or point.
    chosen = null;
    graphProblem = answer.error;
    trainGraph.clear(answer.error);
    $('point-caption').textContent = '';
    drawPlane();
    return message(answer.error);
  }
  chosen = point;
  graphProblem = '';
  const form = $('point-form');
  form.x.value = point[0];
  form.y.value = point[1];
  form.class.value = point[2];
  $('point-caption').textContent = `loss of the point (${fmt(point[0])}, ${fmt(point[1])}), class ${point[2]}: ${answer.nodes.length} nodes`;
  trainGraph.setGraph(answer);
  drawPlane();
}

function refreshGraph() {
  if (!chosen) return;
  const answer = call({ cmd: 'datapoint_numbers' });
  if (!answer.error) trainGraph.setNumbers(answer.numbers);
}

function nearest(px, py, points, radius) {
  let best = -1, bestD = radius * radius;
  points.forEach((p, i) => {
    const [qx, qy] = toPixel(p[0], p[1]);
    const d = (qx - px) ** 2 + (qy - py) ** 2;
    if (d <= bestD) { best = i; bestD = d; }
  });
  return best;
}

function planeClick(e) {
  const c = $('plane');
  const r = c.getBoundingClientRect();
  const px = ((e.clientX - r.left) / r.width) * c.width;
  const py = ((e.clientY - r.top) / r.height) * c.height;
  if (e.shiftKey) {
    const i = nearest(px, py, frame.train, 8);
    if (i < 0) return message('Shift+click removes a training point: there is none under the pointer.');
    const answer = call({ cmd: 'remove_point', index: i });
    if (answer.error) return message(answer.error);
    message('');
    return show(answer);
  }
  const chooseMode = document.querySelector('input[name="mode"]:checked').value === 'choose';
  if (chooseMode) {
    const all = frame.train.concat(frame.val);
    const i = nearest(px, py, all, 10);
    if (i < 0) return message('No point there: click on a point (filled: training, ringed: val).');
    message('');
    return choose(all[i]);
  }
  const [x, y] = toPlane(px, py);
  const answer = call({ cmd: 'add_point', x, y, class: Number($('add-class').value) });
  if (answer.error) return message(answer.error);
  message('');
  show(answer);
}

// Wires the view's controls; `reset()` then starts a run.
export function initTrain() {
  trainGraph = new GraphView($('train-graph'), 'train');
  $('settings').addEventListener('submit', (e) => { e.preventDefault(); reset(); });
  $('play').addEventListener('click', () => setPlaying(!playing));
  $('step').addEventListener('click', () => { setPlaying(false); stepOnce(); });
  $('settings').lr.addEventListener('change', () => {
    const text = $('settings').lr.value.trim();
    const lr = Number(text);
    if (text === '' || !Number.isFinite(lr)) return message('the learning rate must be a finite number, like 0.1');
    const answer = call({ cmd: 'set_lr', lr });
    if (answer.error) return message(answer.error);
    message('');
    show(answer);
  });
  $('show-lines').addEventListener('change', drawPlane);
  $('params').addEventListener('mousemove', tableHover);
  $('params').parentElement.addEventListener('scroll', (e) => {
    tableScroll = e.target.scrollTop;
    if (frame) fillTable();
  });
  $('plane').addEventListener('click', planeClick);
  $('point-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = e.target;
    const p = [Number(f.x.value), Number(f.y.value), Number(f.class.value)];
    if ([f.x, f.y, f.class].some((i) => i.value.trim() === '') || p.some(Number.isNaN)) {
      return message('type a point as two numbers and a class, like x 0.5, y -1, class 2');
    }
    if (!Number.isInteger(p[2]) || p[2] < 0) return message(`class ${f.class.value}: classes are whole numbers from 0 to ${frame.classes - 1}`);
    message('');
    choose(p);
  });
}

// Read-only views of the state, for the browser test's hooks.
export const trainState = {
  timings: () => ({ ...timings }),
  frame: () => frame,
  chosen: () => chosen,
  playing: () => playing,
};

// The circuitgrad playground's page script. It draws and handles input; every number comes from
// the engine (the circuitgrad crate compiled to WebAssembly), asked through `call`.

// ---------------------------------------------------------------------------------------------
// The engine: three exported functions and JSON (see playground/src/lib.rs).

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let engine = null;

async function loadEngine(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  // Streaming compilation needs the server to say application/wasm; a static host that does not
  // still works, through the slower path.
  const fallback = response.clone();
  try {
    return (await WebAssembly.instantiateStreaming(response, {})).instance.exports;
  } catch (e) {
    return (await WebAssembly.instantiate(await fallback.arrayBuffer(), {})).instance.exports;
  }
}

// Sends one request; returns the answer. A request the engine refused has an `error` field.
function call(request) {
  try {
    const bytes = encoder.encode(JSON.stringify(request));
    const at = engine.pg_input(bytes.length);
    new Uint8Array(engine.memory.buffer, at, bytes.length).set(bytes);
    const length = engine.pg_call();
    // Read after the call: the memory may have grown, which replaces `memory.buffer`.
    return JSON.parse(decoder.decode(new Uint8Array(engine.memory.buffer, engine.pg_output(), length)));
  } catch (e) {
    return { error: `the engine failed: ${e.message}. Reload the page to start again.` };
  }
}

// Numbers the engine could not put in JSON arrive as "NaN", "inf", "-inf".
const num = (x) => (typeof x === 'string' ? (x === 'NaN' ? NaN : x === 'inf' ? Infinity : -Infinity) : x);
const fmt = (x) => {
  x = num(x);
  if (x === null || x === undefined) return '?';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-4) ? x.toExponential(2) : x.toFixed(4);
};
const full = (x) => String(num(x)); // every digit: JavaScript prints the shortest exact form
const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
function el(name, attrs = {}, parent = null) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

// ---------------------------------------------------------------------------------------------
// A circuit on the page: the crate's layout, numbers that change in place, pan and zoom, the
// chain rule on hover, and a walk through forward and backward one node at a time.

class GraphView {
  constructor(box, view) {
    this.box = box;
    this.view = view;
    this.graph = null;
    this.numbers = null;
    this.walk = null; // the walk's state while stepping, null when showing the end
    box.innerHTML = '';
    const tools = document.createElement('div');
    tools.className = 'tools';
    tools.innerHTML = `
      <button type="button" data-act="fit" aria-label="Fit the circuit">fit</button>
      <button type="button" data-act="home" aria-label="Show the output">output</button>
      <button type="button" data-act="in" aria-label="Zoom in">+</button>
      <button type="button" data-act="out" aria-label="Zoom out">−</button>
      <span class="small">backprop, node by node:</span>
      <button type="button" data-act="first" aria-label="Walk from the start">|◀</button>
      <button type="button" data-act="prev" aria-label="Previous node">◀</button>
      <button type="button" data-act="next" aria-label="Next node">▶</button>
      <button type="button" data-act="last" aria-label="Walk to the end">▶|</button>
      <span class="small" data-testid="walk-caption"></span>`;
    box.appendChild(tools);
    this.caption = tools.querySelector('[data-testid="walk-caption"]');
    tools.addEventListener('click', (e) => {
      const act = e.target.closest('button')?.dataset.act;
      if (act) this.act(act);
    });
    this.svg = el('svg', { role: 'img', 'aria-label': `the ${view} circuit` }, box);
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'numbers';
    box.appendChild(this.canvas);
    this.size = [800, 400];
    new ResizeObserver(() => {
      this.size = [this.svg.clientWidth || 800, this.svg.clientHeight || 400];
      this.drawNumbers();
    }).observe(this.svg);
    this.notice = document.createElement('div');
    this.notice.className = 'notice';
    this.notice.setAttribute('role', 'status');
    box.appendChild(this.notice);
    this.detail = document.createElement('div');
    this.detail.className = 'detail';
    this.detail.dataset.testid = 'detail';
    box.appendChild(this.detail);
    this.panZoom();
  }

  // A new circuit: lay it out (the crate's layout) and show its numbers.
  setGraph(graph) {
    this.graph = graph;
    this.walk = null;
    this.caption.textContent = '';
    this.detail.textContent = '';
    this.svg.innerHTML = '';
    this.root = el('g', {}, this.svg);
    const edges = el('g', {}, this.root);
    this.edgeEls = graph.edges.map((e) =>
      el('path', { class: 'edge', d: 'M' + e.points.map((p) => `${p[0]},${p[1]}`).join(' L') }, edges));
    this.nodeEls = graph.nodes.map((n, i) => {
      if (n.op) {
        const g = el('g', { class: 'op' }, this.root);
        el('line', { x1: n.ox + n.orx, y1: n.oy, x2: n.x, y2: n.oy, stroke: '#999' }, g);
        el('ellipse', { cx: n.ox, cy: n.oy, rx: n.orx, ry: 12 }, g);
        el('text', { x: n.ox, y: n.oy }, g).textContent = n.op;
      }
      const g = el('g', { class: 'node', 'data-testid': 'node', 'data-index': i, tabindex: 0 }, this.root);
      el('rect', { x: n.x, y: n.y, width: n.w, height: n.h, rx: 3 }, g);
      // The cells as the crate sizes them (7.2 px a character plus 12): label | data | grad. The
      // label is SVG text (it never changes); data and grad change every step, so they are painted
      // on a canvas above the picture, which costs far less than laying out SVG text each frame.
      let x = n.x;
      const centers = n.cells.map((cell, k) => {
        const w = cell.length * 7.2 + 12;
        if (k > 0) el('line', { x1: x, y1: n.y, x2: x, y2: n.y + n.h, stroke: '#444' }, g);
        if (k === 0 && n.label) {
          const t = el('text', { x: x + w / 2, y: n.y + n.h / 2 + 4, 'text-anchor': 'middle', 'font-weight': 'bold' }, g);
          t.textContent = n.label;
        }
        x += w;
        return x - w / 2;
      });
      const [dataX, gradX] = centers.slice(n.label ? 1 : 0);
      g.addEventListener('mouseenter', () => this.explain(i));
      g.addEventListener('focus', () => this.explain(i));
      g.addEventListener('click', () => this.explain(i));
      return { g, dataX, gradX, y: n.y + n.h / 2 };
    });
    this.home();
    this.setNumbers(graph.numbers);
  }

  // The opening view: the whole circuit if it is readable that way, else the output's end of it
  // at full size (the loss is where backprop starts; drag to follow it back).
  home() {
    this.fit();
    if (this.vb[2] <= this.size[0] * 1.6) return;
    const out = this.graph.nodes[this.graph.nodes.length - 1];
    const [w, h] = this.size;
    this.vb = [out.x + out.w + 20 - w, out.y + out.h / 2 - h / 2, w, h];
    this.applyViewBox();
  }

  // No circuit, and why.
  clear(why) {
    this.graph = null;
    this.numbers = null;
    this.shown = null;
    this.walk = null;
    this.nodeEls = [];
    this.edgeEls = [];
    this.svg.innerHTML = '';
    this.caption.textContent = '';
    this.detail.textContent = '';
    this.drawNumbers();
    this.setNotice(why);
  }

  // A line above the picture saying how to read its numbers (empty: nothing to say).
  setNotice(text) {
    if (this.notice.textContent !== text) this.notice.textContent = text;
  }

  // New numbers for the same circuit (after a training step, or a leaf moved).
  setNumbers(numbers) {
    this.numbers = numbers;
    if (this.walk) this.goto(this.walk.k); // stay where the walk is, on the new numbers
    else this.paint(numbers.map((n) => n[0]), numbers.map((n) => n[1]), null);
  }

  paint(data, grad, last) {
    this.shown = { data, grad };
    this.drawNumbers();
    this.nodeEls.forEach((n, i) => {
      n.g.dataset.data = data[i] === null ? '' : full(data[i]);
      n.g.dataset.grad = grad[i] === null ? '' : full(grad[i]);
      n.g.classList.toggle('unknown', data[i] === null);
      n.g.classList.remove('current', 'receiving');
    });
    this.edgeEls.forEach((e) => e.classList.remove('active'));
    if (!last) return;
    this.nodeEls[last.node].g.classList.add('current');
    for (const c of last.contributions) this.nodeEls[c.input].g.classList.add('receiving');
    if (last.phase === 'forward') {
      this.graph.nodes[last.node].inputs.forEach((j) => this.nodeEls[j].g.classList.add('receiving'));
    }
    this.graph.edges.forEach((e, k) => {
      if (e.to === last.node) this.edgeEls[k].classList.add('active');
    });
  }

  name(i) {
    const n = this.graph.nodes[i];
    return n.label ? n.label : `#${i} ${n.op ?? 'leaf'}`;
  }

  // Hover or tap: the node's local derivatives, and the chain-rule products that made its grad.
  explain(i) {
    if (!this.numbers) return;
    const [data, grad, local, chain] = this.numbers[i];
    const n = this.graph.nodes[i];
    const lines = [`${this.name(i)}: data ${full(data)}, grad ${full(grad)}`];
    if (n.inputs.length) {
      lines.push(`local derivatives (${n.op}):`);
      n.inputs.forEach((j, k) => lines.push(`  ∂${this.name(i)}/∂${this.name(j)} = ${full(local[k])}`));
    }
    if (chain.length) {
      lines.push('its grad, by the chain rule:');
      for (const [c, l, g, p] of chain) {
        lines.push(`  + ∂${this.name(c)}/∂${this.name(i)} × grad(${this.name(c)}) = ${fmt(l)} × ${fmt(g)} = ${full(p)}`);
      }
      lines.push(`  = ${full(grad)}`);
    } else if (i === this.graph.nodes.length - 1) {
      lines.push('the output: its grad is 1 by definition (d out / d out)');
    }
    this.detail.textContent = lines.join('\n');
  }

  act(what) {
    if (what === 'fit') return this.fit();
    if (what === 'home') return this.graph && this.home();
    if (what === 'in' || what === 'out') return this.zoom(what === 'in' ? 1 / 1.25 : 1.25);
    if (!this.graph) return;
    const len = 2 * this.graph.nodes.length;
    const k = this.walk ? this.walk.k : len;
    const next = { first: 0, prev: Math.max(0, k - 1), next: Math.min(len, k + 1), last: len }[what];
    this.goto(next);
    if (next === len) this.walk = null;
  }

  goto(k) {
    const state = call({ cmd: 'walk', view: this.view, k });
    if (state.error) { this.caption.textContent = state.error; return; }
    this.walk = state;
    this.paint(state.data, state.grad, state.last);
    if (state.last) this.follow(state.last.node);
    const n = this.graph.nodes.length;
    if (!state.last) {
      this.caption.textContent = `step 0 of ${state.len}: nothing computed yet`;
      this.detail.textContent = '';
      return;
    }
    const s = state.last;
    const where = s.phase === 'forward' ? `forward ${k} of ${n}` : `backward ${k - n} of ${n}`;
    this.caption.textContent = `${where}: ${this.name(s.node)}`;
    if (s.phase === 'forward') {
      const ins = this.graph.nodes[s.node].inputs.map((j) => this.name(j)).join(', ');
      this.detail.textContent = ins
        ? `forward: ${this.name(s.node)} = ${this.graph.nodes[s.node].op} of (${ins}) = ${full(s.value)}`
        : `forward: the leaf ${this.name(s.node)} is ${full(s.value)}`;
    } else {
      const lines = [`backward: ${this.name(s.node)}'s grad is final: ${full(s.value)}`];
      for (const c of s.contributions) {
        lines.push(`  grad(${this.name(c.input)}) += ${fmt(c.local)} (local) × ${fmt(c.upstream)} = ${full(c.product)}  → ${full(c.grad_after)}`);
      }
      if (!s.contributions.length) lines.push('  a leaf: nothing below it to pass the grad to');
      this.detail.textContent = lines.join('\n');
    }
  }

  // Keeps node i in view while walking: if it is outside, the view moves to centre it.
  follow(i) {
    const n = this.graph.nodes[i];
    const [x, y, w, h] = this.vb;
    const left = n.op ? n.ox - n.orx : n.x;
    if (left >= x && n.x + n.w <= x + w && n.y >= y && n.y + n.h <= y + h) return;
    this.vb = [(left + n.x + n.w) / 2 - w / 2, n.y + n.h / 2 - h / 2, w, h];
    this.applyViewBox();
  }

  // Pan by dragging, zoom with the wheel (around the pointer) or the buttons.
  panZoom() {
    let drag = null;
    this.svg.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, vb: this.vb.slice() };
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const s = this.vb[2] / this.size[0];
      this.vb[0] = drag.vb[0] - (e.clientX - drag.x) * s;
      this.vb[1] = drag.vb[1] - (e.clientY - drag.y) * s;
      this.applyViewBox();
    });
    this.svg.addEventListener('pointerup', () => { drag = null; });
    this.svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = this.svg.getBoundingClientRect();
      this.zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    }, { passive: false });
  }

  fit() {
    const w = this.graph ? this.graph.width : 100;
    const h = this.graph ? this.graph.height : 100;
    this.size = [this.svg.clientWidth || this.size[0], this.svg.clientHeight || this.size[1]];
    const aspect = this.size[0] / this.size[1];
    // The whole circuit, but never blown up past 1.5x (a small circuit stays a small picture).
    const vw = Math.max(w + 40, (h + 40) * aspect, this.size[0] / 1.5);
    this.vb = [-(vw - w) / 2, -(vw / aspect - h) / 2, vw, vw / aspect];
    this.applyViewBox();
  }

  zoom(factor, fx = 0.5, fy = 0.5) {
    const [x, y, w, h] = this.vb;
    this.vb = [x + w * fx * (1 - factor), y + h * fy * (1 - factor), w * factor, h * factor];
    this.applyViewBox();
  }

  applyViewBox() {
    this.svg.setAttribute('viewBox', this.vb.join(' '));
    this.drawNumbers();
  }

  // Each node's data and grad, painted where the SVG's cells are (same viewBox transform).
  drawNumbers() {
    const c = this.canvas;
    // The box's size, measured on resize only: reading it here would force a layout every frame.
    const [w, h] = this.size;
    const ratio = window.devicePixelRatio || 1;
    if (c.width !== Math.round(w * ratio) || c.height !== Math.round(h * ratio)) {
      c.width = Math.round(w * ratio);
      c.height = Math.round(h * ratio);
    }
    const g = c.getContext('2d');
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, c.width, c.height);
    if (!this.shown || !this.vb || !this.nodeEls) return;
    // preserveAspectRatio="xMidYMid meet": one scale, the picture centred.
    const s = Math.min(w / this.vb[2], h / this.vb[3]);
    const ox = (w - this.vb[2] * s) / 2 - this.vb[0] * s;
    const oy = (h - this.vb[3] * s) / 2 - this.vb[1] * s;
    if (11 * s < 4) return; // too small to read: the boxes alone show the shape
    g.setTransform(ratio * s, 0, 0, ratio * s, ratio * ox, ratio * oy);
    g.font = '11px monospace';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    const { data, grad } = this.shown;
    const bad = (x) => typeof x === 'string'; // "NaN", "inf", "-inf" (see `num`)
    // Only the nodes in view: a circuit of hundreds of nodes is read a part at a time.
    const [vx, vy, vw, vh] = this.vb;
    this.nodeEls.forEach((n, i) => {
      if (n.gradX < vx - 150 || n.dataX > vx + vw + 150 || n.y < vy - 20 || n.y > vy + vh + 20) return;
      g.fillStyle = data[i] === null ? '#bbb' : bad(data[i]) ? '#b00020' : '#222';
      g.fillText(`data ${fmt(data[i])}`, n.dataX, n.y);
      g.fillStyle = grad[i] === null ? '#bbb' : bad(grad[i]) ? '#b00020' : '#222';
      g.fillText(`grad ${fmt(grad[i])}`, n.gradX, n.y);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The training view.

const COLORS = [[220, 60, 50], [40, 100, 220], [40, 160, 70]];
const rgba = (c, a) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;
let frame = null;
let history = []; // [train loss, val loss] per step, kept here: each frame sends only the new steps
let playing = false;
let chosen = null; // [x, y, class] of the datapoint whose circuit is shown
let trainGraph = null;
let graphProblem = ''; // why no circuit is shown, if none is
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

function setPlaying(on) {
  playing = on;
  $('play').textContent = on ? 'Pause' : 'Play';
  if (on) requestAnimationFrame(loop);
}

function reset() {
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
  if (trainGraph) {
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

// ---------------------------------------------------------------------------------------------
// The circuit view.

const EXAMPLES = {
  'f = (x + y) z': 'x = -2\ny = 5\nz = -4\nq = x + y\nf = q * z',
  'a neuron, σ(ax + by + c)': 'a = 1\nb = 2\nc = -3\nx = -1\ny = 3\nf = sigmoid(a*x + b*y + c)',
  'a tanh neuron': 'x1 = 2\nx2 = 0\nw1 = -3\nw2 = 1\nb = 6.8813735870195432\nn = x1*w1 + x2*w2 + b\no = tanh(n)',
  'x² with x used twice': 'x = 3\ns = x * x',
  'max gate': 'x = 2\ny = -1\nm = max(x, y) * 3',
};
let circuitGraph = null;

function runScript() {
  const answer = call({ cmd: 'script', text: $('expression').value });
  const errors = answer.error ? [answer.error] : answer.errors.map((e) => e.message);
  if (answer.graph_error) errors.push(answer.graph_error);
  $('error').textContent = errors.join('\n');
  $('replies').textContent = (answer.lines || []).map((l) => `line ${l.line}: ${l.text}`).join('\n');
  const leaves = $('leaves');
  leaves.innerHTML = '';
  if (answer.error) return;
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
      <input type="number" step="any" value="${value}" aria-label="${name}">`;
    const [range, box] = row.querySelectorAll('input');
    const move = (v) => {
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

// ---------------------------------------------------------------------------------------------

function showTab(name) {
  for (const t of ['train', 'circuit']) {
    $(`tab-${t}`).setAttribute('aria-selected', String(t === name));
    $(`view-${t}`).hidden = t !== name;
  }
  if (name === 'circuit') {
    setPlaying(false);
    circuitGraph.fit();
  }
}

async function main() {
  try {
    engine = await loadEngine('circuitgrad_playground.wasm');
  } catch (e) {
    $('loading').textContent = `The engine did not load (${e.message}). Serve the page with cargo xtask playground.`;
    return;
  }
  trainGraph = new GraphView($('train-graph'), 'train');
  circuitGraph = new GraphView($('circuit-graph'), 'circuit');
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
  $('tab-train').addEventListener('click', () => showTab('train'));
  $('tab-circuit').addEventListener('click', () => showTab('circuit'));
  for (const [title, text] of Object.entries(EXAMPLES)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = title;
    b.addEventListener('click', () => { $('expression').value = text; runScript(); });
    $('examples').appendChild(b);
  }
  $('run').addEventListener('click', runScript);
  $('expression').addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.ctrlKey) runScript(); });
  $('expression').value = EXAMPLES['f = (x + y) z'];
  reset();
  runScript();
  $('loading').textContent = '';
  // Read-only hooks for the browser test (and the curious, from the console).
  const readyAt = performance.now(); // ms from navigation to an answering page
  window.playground = { readyAt, timings: () => ({ ...timings }), frame: () => frame, chosen: () => chosen, playing: () => playing };
  document.body.dataset.ready = 'true';
}

main();

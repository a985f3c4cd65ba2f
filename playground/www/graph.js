// A circuit on the page: the crate's layout, numbers that change in place, pan and zoom, the
// chain rule on hover, and a walk through forward and backward one node at a time.

import { call } from './engine.js';
import { el, fmt, full } from './util.js';

export class GraphView {
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
    this.origin = null;
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

  // Marks node i as where a NaN or an infinity started, and brings it into view.
  markOrigin(i) {
    if (!this.graph || !this.nodeEls[i]) return;
    if (this.origin !== null) this.nodeEls[this.origin].g.classList.remove('origin');
    this.origin = i;
    this.nodeEls[i].g.classList.add('origin');
    this.follow(i);
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

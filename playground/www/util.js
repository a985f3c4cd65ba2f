// Numbers as the page prints them, and the few DOM helpers every view uses.

// Numbers the engine could not put in JSON arrive as "NaN", "inf", "-inf".
export const num = (x) => (typeof x === 'string' ? (x === 'NaN' ? NaN : x === 'inf' ? Infinity : -Infinity) : x);
export const fmt = (x) => {
  x = num(x);
  if (x === null || x === undefined) return '?';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-4) ? x.toExponential(2) : x.toFixed(4);
};
export const full = (x) => String(num(x)); // every digit: JavaScript prints the shortest exact form
export const $ = (id) => document.getElementById(id);
export const SVG = 'http://www.w3.org/2000/svg';
export function el(name, attrs = {}, parent = null) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

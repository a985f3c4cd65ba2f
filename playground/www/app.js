// The circuitgrad playground's page script: it loads the engine and wires the two views. The
// page only draws and handles input; every number comes from the engine (engine.js).

import { fitCircuit, initCircuit } from './circuit.js';
import { loadEngine } from './engine.js';
import { initTrain, reset, setPlaying, trainState } from './train.js';
import { $ } from './util.js';

function showTab(name) {
  for (const t of ['train', 'circuit']) {
    $(`tab-${t}`).setAttribute('aria-selected', String(t === name));
    $(`view-${t}`).hidden = t !== name;
  }
  if (name === 'circuit') {
    setPlaying(false);
    fitCircuit();
  }
}

async function main() {
  try {
    await loadEngine('circuitgrad_playground.wasm');
  } catch (e) {
    $('loading').textContent = `The engine did not load (${e.message}). Serve the page with cargo xtask playground.`;
    return;
  }
  initTrain();
  $('tab-train').addEventListener('click', () => showTab('train'));
  $('tab-circuit').addEventListener('click', () => showTab('circuit'));
  reset();
  initCircuit();
  $('loading').textContent = '';
  // Read-only hooks for the browser test (and the curious, from the console).
  const readyAt = performance.now(); // ms from navigation to an answering page
  window.playground = { readyAt, ...trainState };
  document.body.dataset.ready = 'true';
}

main();

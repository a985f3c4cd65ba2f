// The engine: the circuitgrad crate compiled to WebAssembly, three exported functions and JSON
// (see playground/src/lib.rs). Every number the page shows comes from here.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let engine = null;

// Loads the engine from `url`; until it is loaded, `call` answers with an error.
export async function loadEngine(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  // Streaming compilation needs the server to say application/wasm; a static host that does not
  // still works, through the slower path.
  const fallback = response.clone();
  try {
    engine = (await WebAssembly.instantiateStreaming(response, {})).instance.exports;
  } catch (e) {
    engine = (await WebAssembly.instantiate(await fallback.arrayBuffer(), {})).instance.exports;
  }
}

// Sends one request; returns the answer. A request the engine refused has an `error` field.
export function call(request) {
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

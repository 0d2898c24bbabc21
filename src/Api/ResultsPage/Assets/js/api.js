// The hub's REST API as the page uses it: JSON in and out, the API key from the tab's session, and the probe's
// Server-Sent Events read with fetch (EventSource cannot send the X-Api-Key header).

const keyName = 'smtpprobehub.apiKey';
let pendingPrompt = null;
let prompt = async () => null;

/** An answer that was not a success, with the hub's problem (RFC 9457) when it sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `The hub answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** How the page asks for a key: a function answering a promise of the key, or null when the person declines. */
export function setKeyPrompt(ask) {
  prompt = ask;
}

export function apiKey() {
  return sessionStorage.getItem(keyName);
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(keyName, key);
  else sessionStorage.removeItem(keyName);
}

// Requests that get a 401 at the same time share one question.
async function askForKey() {
  pendingPrompt ??= prompt().finally(() => { pendingPrompt = null; });
  const key = await pendingPrompt;
  if (key) setApiKey(key);
  return key;
}

function headers(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, 'X-Api-Key': key } : extra;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** fetch with the key; a 401 asks for a key and tries again; anything else that is not a success throws ApiError. */
export async function request(method, path, { body, accept = 'application/json', signal, extra = {} } = {}) {
  for (;;) {
    const init = { method, headers: headers({ ...extra, Accept: accept }), cache: 'no-store', signal };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }

    const response = await fetch(path, init);
    if (response.status === 401 && await askForKey()) continue;
    if (!response.ok) throw new ApiError(response.status, await problemOf(response));
    return response;
  }
}

export async function getJson(path, options) {
  return (await request('GET', path, options)).json();
}

export async function postJson(path, body) {
  return (await request('POST', path, { body })).json();
}

export async function getText(path) {
  return (await request('GET', path, { accept: 'text/plain' })).text();
}

/**
 * Reads GET …/events until the final "end" event, calling onEvent(type, data) for each. A stream that breaks
 * (the hub restarted, a proxy cut it) is opened again with Last-Event-ID, so nothing is seen twice.
 * Ends quietly when signal is aborted.
 */
export async function streamEvents(path, onEvent, signal) {
  let lastId = null;
  for (let attempt = 0; attempt < 30 && !signal.aborted; attempt++) {
    try {
      const extra = lastId ? { 'Last-Event-ID': lastId } : {};
      const response = await request('GET', path, { accept: 'text/event-stream', signal, extra });
      if (await readEvents(response, onEvent, id => { lastId = id; })) return;
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError) throw error;
    }

    // The stream broke before its end: wait a moment (longer each time), then resume after the last event seen.
    await new Promise(resolve => setTimeout(resolve, Math.min(1000 * (attempt + 1), 5000)));
  }
}

/** True when the stream ended with the "end" event. */
async function readEvents(response, onEvent, seen) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { type: 'message', data: [], id: null };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    buffer += value;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      let line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (event.data.length > 0) {
          if (event.id) seen(event.id);
          onEvent(event.type, JSON.parse(event.data.join('\n')));
          if (event.type === 'end') {
            await reader.cancel().catch(() => {});
            return true;
          }
        }

        event = { type: 'message', data: [], id: null };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'event') event.type = text;
        else if (field === 'data') event.data.push(text);
        else if (field === 'id') event.id = text;
      }
    }
  }
}

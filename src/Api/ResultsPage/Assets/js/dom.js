// Building the page from data. Every piece of text goes in as a text node (never as markup), so a server banner
// such as "<script>…" is shown as the characters it is.

/**
 * el('p', { className: 'x', 'aria-label': 'y' }, 'text', child, [more, children])
 * Attributes that are element properties (className, hidden, value, …) are set as properties; the rest with
 * setAttribute. Strings and numbers become text nodes; null, undefined and false are skipped.
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name in element && !name.includes('-')) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces the element's children. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

/** "79.6 ms", "3.04 s": the time since a run started, as the transcript and the waterfall show it. */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A timestamp in the reader's local time, to the second. */
export function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** The agent's zone label, or "unlabeled" as the comparison names such agents. */
export function zoneOf(agent) {
  return agent?.labels?.zone ?? 'unlabeled';
}

/** Says something to screen readers without moving focus. */
export function announce(text) {
  const status = document.getElementById('status');
  if (status) status.textContent = text;
}

/** Shows an error (or clears it with null) in the banner under the header. */
export function showAlert(error) {
  const alert = document.getElementById('alert');
  if (!error) {
    alert.hidden = true;
    alert.replaceChildren();
    return;
  }

  const problem = error.problem;
  const errors = problem?.errors ? Object.entries(problem.errors) : [];
  replace(alert,
    el('strong', {}, problem?.title ?? error.message ?? String(error)),
    problem?.detail ? el('span', {}, ' ', problem.detail) : null,
    errors.length ? el('ul', {}, errors.map(([field, messages]) => el('li', {}, el('code', {}, field), ': ', messages.join(' ')))) : null);
  alert.hidden = false;
}

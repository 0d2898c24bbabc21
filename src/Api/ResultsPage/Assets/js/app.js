// The results page: hash routes (#/ the form and recent probes, #/probes the list, #/probes/{id} one probe), so
// the hub serves one static page and Back works.

import { apiKey, setApiKey, setKeyPrompt, ApiError } from './api.js';
import { el, replace, showAlert } from './dom.js';
import { runForm } from './run-form.js';
import { recentProbes } from './recent.js';
import { showProbe } from './probe-view.js';

const main = document.getElementById('main');
let current = new AbortController();

setKeyPrompt(askForKey);
document.getElementById('key-button').addEventListener('click', async () => {
  const key = await askForKey();
  if (key) {
    setApiKey(key);
    route();
  }
});

function askForKey() {
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  input.value = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => {
      const key = dialog.returnValue === 'use' ? input.value.trim() : '';
      // Once the hub has asked for a key, the header offers to change it.
      document.getElementById('key-button').hidden = false;
      resolve(key || null);
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
  });
}

function navigateToList(params) {
  const query = params.toString();
  location.hash = `#/probes${query ? `?${query}` : ''}`;
}

async function route() {
  current.abort();
  current = new AbortController();
  const signal = current.signal;
  showAlert(null);
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const probe = /^\/probes\/([0-9a-fA-F-]{36})$/.exec(path ?? '');
  try {
    if (probe) {
      document.title = 'Probe – SmtpProbeHub';
      // Resolves once the probe has ended (it follows a running probe live); the heading gets focus as soon as it shows.
      await showProbe(main, probe[1], signal, focusHeading);
    } else if (path === '/probes') {
      document.title = 'Recent probes – SmtpProbeHub';
      replace(main, await recentProbes(params, navigateToList));
    } else {
      document.title = 'SmtpProbeHub';
      const form = await runForm(id => { location.hash = `#/probes/${id}`; });
      replace(main,
        el('h1', { tabindex: '-1' }, 'Run the KB 153119 SMTP test'),
        el('p', { className: 'lead' }, 'EHLO, MAIL FROM, RCPT TO, DATA, ".", QUIT, from each vantage point you pick; the transcript shows live.'),
        form,
        await recentProbes(params, navigateToList));
    }

    if (!probe) focusHeading();
  } catch (error) {
    if (signal.aborted) return;
    showAlert(error);
    if (error instanceof ApiError && error.status === 404) replace(main, el('h1', { tabindex: '-1' }, 'No such probe'));
  }
}

// After a change of view, keyboard and screen-reader users start at its heading, not at the end of the old page.
function focusHeading() {
  main.querySelector('h1, h2')?.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
if (apiKey()) document.getElementById('key-button').hidden = false;
route();

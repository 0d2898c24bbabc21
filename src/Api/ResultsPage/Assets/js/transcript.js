// The transcript as telnet shows it: one line each, marked as curl -v marks them (> sent, < received, * note,
// ~ TLS), with the time since the run started. A 4xx/5xx reply is highlighted: that is the server saying no.

import { el, duration } from './dom.js';

const markers = { sent: '>', received: '<', info: '*', tls: '~' };
const names = { sent: 'sent', received: 'received', info: 'note', tls: 'TLS' };

export function isRefusal(entry) {
  return entry.direction === 'received' && /^[45]\d\d[ -]/.test(entry.text);
}

export function transcript(run) {
  const lines = run.transcript ?? [];
  if (lines.length === 0) return el('p', { className: 'muted' }, 'No line yet.');
  return el('ol', { className: 'transcript', tabindex: '0', 'aria-label': `Transcript of ${run.agent?.name ?? 'the run'}` },
    lines.map(entry => el('li', { className: `line ${entry.direction}${isRefusal(entry) ? ' refused' : ''}` },
      el('span', { className: 'at' }, `+${duration(entry.atMs)}`),
      el('span', { className: 'dir', title: names[entry.direction] ?? entry.direction }, markers[entry.direction] ?? '?'),
      el('span', { className: 'visually-hidden' }, ` ${names[entry.direction] ?? entry.direction}${isRefusal(entry) ? ', refused' : ''}: `),
      el('span', { className: 'text' }, entry.text))));
}

// Recent probes, newest first, with the list endpoint's own filters (verdict, agent, server, domain) and paging.
// The filters live in the address (#/probes?verdict=failed&page=2), so Back and a shared link keep them.

import { getJson } from './api.js';
import { el, replace, when } from './dom.js';

const pageSize = 20;
const filterNames = ['verdict', 'agent', 'server', 'domain'];

export async function recentProbes(params, navigate) {
  const query = new URLSearchParams();
  for (const name of [...filterNames, 'page']) {
    if (params.get(name)) query.set(name, params.get(name));
  }

  query.set('pageSize', String(pageSize));
  const section = el('section', { className: 'recent', 'aria-labelledby': 'recent-title' }, el('h2', { id: 'recent-title', tabindex: '-1' }, 'Recent probes'));
  section.append(filters(params, navigate));
  const results = el('div', { className: 'results' }, el('p', { className: 'muted' }, 'Loading…'));
  section.append(results);
  getJson(`/api/v1/probes?${query}`).then(list => replace(results, table(list), pager(list, params, navigate)))
    .catch(error => replace(results, el('p', { className: 'bad' }, error.problem?.detail ?? error.message)));
  return section;
}

function filters(params, navigate) {
  const input = (name, label, attributes) => el('div', { className: 'field' },
    el('label', { htmlFor: `q-${name}` }, label), el('input', { id: `q-${name}`, name, value: params.get(name) ?? '', ...attributes }));
  const verdict = el('select', { id: 'q-verdict', name: 'verdict' },
    [['', 'any'], ['passed', 'passed'], ['failed', 'failed']].map(([value, text]) => el('option', { value, selected: (params.get('verdict') ?? '') === value }, text)));
  const form = el('form', { className: 'filters', role: 'search', 'aria-label': 'Filter the probes' },
    el('div', { className: 'field' }, el('label', { htmlFor: 'q-verdict' }, 'Verdict'), verdict),
    input('agent', 'Agent (id or name)', {}),
    input('server', 'Server host', {}),
    input('domain', 'Recipient domain', {}),
    el('div', { className: 'buttons' }, el('button', { type: 'submit' }, 'Filter')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of filterNames) {
      const value = form.elements[name].value.trim();
      if (value) next.set(name, value);
    }

    navigate(next);
  });
  return form;
}

function table(list) {
  if (list.items.length === 0) return el('p', {}, 'No probe matches.');
  return el('table', { className: 'probes' },
    el('thead', {}, el('tr', {}, ['Created', 'Server', 'To', 'Vantage points', 'Status'].map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, list.items.map(probe => el('tr', {},
      el('td', {}, el('a', { href: `#/probes/${probe.id}` }, when(probe.createdAt))),
      el('td', {}, probe.server ?? el('span', { className: 'muted' }, 'MX')),
      el('td', {}, probe.to.join(', ')),
      el('td', {}, probe.runs.map(run => el('span', { className: `badge ${run.verdict ?? run.status}`, title: run.diagnosis?.summary ?? '' },
        `${run.agent.name}: ${run.verdict ?? run.status}${run.failedStep ? ` at ${run.failedStep}` : ''}`))),
      el('td', {}, probe.status)))));
}

function pager(list, params, navigate) {
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const go = page => () => {
    const next = new URLSearchParams(params);
    next.set('page', String(page));
    navigate(next);
  };
  return el('nav', { className: 'pager', 'aria-label': 'Pages' },
    el('button', { type: 'button', disabled: list.page <= 1, onclick: go(list.page - 1) }, 'Newer'),
    el('span', {}, ` Page ${list.page} of ${pages} (${list.total} probes) `),
    el('button', { type: 'button', disabled: list.page >= pages, onclick: go(list.page + 1) }, 'Older'));
}

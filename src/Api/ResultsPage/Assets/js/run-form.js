// The KB 153119 test as a form: the fields a mail admin would type into telnet, the vantage points to run it from,
// and nothing else. Empty fields are left out, so the hub's documented defaults apply.

import { getJson, postJson } from './api.js';
import { el, replace, zoneOf, showAlert } from './dom.js';

const lastRequestKey = 'smtpprobehub.lastRequest';

const tlsModes = [
  ['opportunistic', 'opportunistic: STARTTLS when offered'],
  ['none', 'none: plain text, exactly the KB sequence'],
  ['required', 'required: fail without STARTTLS'],
  ['implicit', 'implicit: TLS from the start (port 465)'],
];

const quitAfterSteps = [
  ['quit', 'the whole sequence (send the message)'],
  ['rcpt', 'RCPT TO: is the recipient accepted? (nothing sent)'],
  ['mail', 'MAIL FROM'],
  ['ehlo', 'EHLO'],
  ['banner', 'the banner'],
];

function field(id, label, input, help) {
  input.id = id;
  if (help) input.setAttribute('aria-describedby', `${id}-help`);
  return el('div', { className: 'field' },
    el('label', { htmlFor: id }, label),
    input,
    help ? el('small', { id: `${id}-help`, className: 'muted' }, help) : null);
}

function options(pairs, selected) {
  return pairs.map(([value, text]) => el('option', { value, selected: value === selected }, text));
}

export async function runForm(onStarted) {
  const form = el('form', { className: 'run-form', noValidate: true },
    field('f-to', 'To (recipients)', el('input', { name: 'to', required: true, autocomplete: 'off', placeholder: 'alice@corp.example' }),
      'One or more addresses, separated by commas or spaces.'),
    field('f-server', 'Server', el('input', { name: 'server', autocomplete: 'off', placeholder: 'mx.corp.example or 192.0.2.25' }),
      'Empty: the MX of the first recipient\'s domain, looked up by each agent.'),
    field('f-port', 'Port', el('input', { name: 'port', type: 'number', min: '1', max: '65535', placeholder: '25' })),
    field('f-from', 'From', el('input', { name: 'from', autocomplete: 'off', value: 'admin@test.com' }), 'MAIL FROM; empty sends the null sender <>.'),
    field('f-helo', 'HELO name', el('input', { name: 'helo', autocomplete: 'off', value: 'test.com' })),
    field('f-tls', 'TLS', el('select', { name: 'tls' }, options(tlsModes, 'opportunistic'))),
    field('f-quit', 'Quit after', el('select', { name: 'quitAfter' }, options(quitAfterSteps, 'quit')), 'QUIT is always sent once connected.'));

  const agents = el('fieldset', { className: 'agents' }, el('legend', {}, 'Vantage points'), el('p', { className: 'muted' }, 'Loading the agents…'));
  form.append(agents, el('div', { className: 'buttons' }, el('button', { type: 'submit', className: 'primary' }, 'Run the test')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    showAlert(null);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const request = requestOf(form);
      const probe = await postJson('/api/v1/probes', request);
      // Back on the form, the last test is there to run again with one thing changed.
      sessionStorage.setItem(lastRequestKey, JSON.stringify(request));
      onStarted(probe.id);
    } catch (error) {
      showAlert(error);
      markInvalid(form, error.problem?.errors);
    } finally {
      button.disabled = false;
    }
  });

  restore(form);
  fillAgents(agents).catch(error => {
    agents.querySelector('p').textContent = 'The agents could not be listed.';
    showAlert(error);
  });
  return form;
}

async function fillAgents(fieldset) {
  const all = await getJson('/api/v1/agents');
  const online = all.filter(a => a.status === 'online');
  const zones = new Map();
  for (const agent of online) {
    const zone = zoneOf(agent);
    if (!zones.has(zone)) zones.set(zone, []);
    zones.get(zone).push(agent);
  }

  const offline = all.length - online.length;
  replace(fieldset,
    el('legend', {}, 'Vantage points'),
    el('p', { className: 'muted' }, 'None ticked: the built-in agent when it is online, else one online agent.',
      offline ? ` ${offline} agent(s) offline.` : ''),
    el('label', { className: 'check' }, el('input', { type: 'checkbox', name: 'all' }), ' Every online agent (inside and outside: the KB\'s two tests at once)'),
    [...zones].map(([zone, agents]) => el('div', { className: 'zone-group' },
      el('p', { className: 'zone-name' }, `zone ${zone}`),
      agents.map(agent => el('label', { className: 'check' },
        el('input', { type: 'checkbox', name: 'agent', value: agent.id }),
        ` ${agent.name}`, agent.local ? el('span', { className: 'muted' }, ' (built into the hub)') : null)))));
  if (online.length === 0) fieldset.append(el('p', {}, 'No agent is online: the probe would be refused.'));
}

function restore(form) {
  let last;
  try {
    last = JSON.parse(sessionStorage.getItem(lastRequestKey) ?? 'null');
  } catch {
    last = null;
  }

  if (!last) return;
  for (const name of ['server', 'port', 'from', 'helo', 'tls', 'quitAfter']) {
    if (last[name] !== undefined) form.elements[name].value = String(last[name]);
  }

  form.elements.to.value = (last.to ?? []).join(', ');
}

function requestOf(form) {
  const value = name => form.elements[name].value.trim();
  const request = { to: value('to').split(/[\s,;]+/).filter(Boolean) };
  for (const name of ['server', 'helo', 'tls', 'quitAfter']) {
    if (value(name)) request[name] = value(name);
  }

  // The from field is sent even when empty: "" is the null sender, which is a test of its own.
  request.from = value('from');
  if (value('port')) request.port = Number(value('port'));
  if (form.elements.all?.checked) {
    request.agents = { all: true };
  } else {
    const ids = [...form.querySelectorAll('input[name=agent]:checked')].map(box => box.value);
    if (ids.length) request.agents = { ids };
  }

  return request;
}

function markInvalid(form, errors) {
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const field of Object.keys(errors ?? {})) {
    const name = field.replace(/[[.].*$/, '');
    form.elements[name]?.setAttribute?.('aria-invalid', 'true');
  }
}

// One probe: the comparison on top, then each vantage point side by side (verdict, diagnosis, TLS, waterfall,
// transcript). A probe still running is followed live over its Server-Sent Events.

import { getJson, getText, streamEvents } from './api.js';
import { el, replace, duration, when, zoneOf, announce, showAlert } from './dom.js';
import { waterfall, sharedAxisMs } from './waterfall.js';
import { transcript } from './transcript.js';

export async function showProbe(main, id, signal, shown = () => {}) {
  const probe = await getJson(`/api/v1/probes/${encodeURIComponent(id)}`, { signal });
  const view = el('div', { className: 'probe' });
  replace(main, el('h1', { tabindex: '-1' }, 'Probe'), view);
  const render = () => replace(view, ...probeParts(probe));
  render();
  shown();
  if (probe.status !== 'running') return;

  // The stream starts with everything that already happened: the runs' lines are rebuilt from it, not added twice.
  for (const run of probe.runs) {
    run.steps = [];
    run.transcript = [];
  }

  let scheduled = false;
  const later = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => { scheduled = false; render(); });
  };
  announce('The probe is running; the transcript follows live.');
  await streamEvents(`/api/v1/probes/${encodeURIComponent(id)}/events`, (type, data) => {
    if (type === 'end') {
      Object.assign(probe, data);
      announce(`The probe has ended: ${probe.runs.map(r => `${r.agent.name} ${r.verdict ?? r.status}`).join(', ')}.`);
    } else {
      apply(probe, type, data);
    }

    later();
  }, signal);
}

function apply(probe, type, data) {
  const runId = type === 'run' ? data.id : data.runId;
  let run = probe.runs.find(r => r.id === runId);
  if (!run && type === 'run') {
    run = { ...data, steps: [], transcript: [] };
    probe.runs.push(run);
  }

  if (!run) return;
  if (type === 'transcript') run.transcript.push(data.entry);
  else if (type === 'step') run.steps.push(data.step);
  else if (type === 'run') Object.assign(run, data, { steps: run.steps, transcript: run.transcript });
}

function probeParts(probe) {
  const axis = sharedAxisMs(probe.runs);
  return [
    el('div', { className: 'probe-head' },
      el('p', {},
        el('span', { className: `badge ${probe.status}` }, probe.status), ' ',
        `${probe.server ?? 'MX of the recipient domain'} → ${(probe.to ?? []).join(', ')}`, ' ',
        el('span', { className: 'muted' }, `created ${when(probe.createdAt)}, id ${probe.id}`)),
      copyButton(probe)),
    probe.comparison ? comparison(probe.comparison) : null,
    el('div', { className: 'runs' }, probe.runs.map(run => runColumn(run, axis))),
  ];
}

function copyButton(probe) {
  const result = el('span', { className: 'muted', role: 'status' });
  const button = el('button', {
    type: 'button',
    className: 'copy',
    onclick: async () => {
      try {
        const text = await getText(`/api/v1/probes/${encodeURIComponent(probe.id)}/transcript`);
        await copy(text);
        result.textContent = 'Copied the plain transcript.';
      } catch (error) {
        showAlert(error);
      }
    },
  }, 'Copy as text');
  return el('div', { className: 'copy-box' }, button, ' ', result);
}

async function copy(text) {
  // The clipboard API needs a secure context (https or localhost); elsewhere a hidden text area and the older command.
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }

  const area = el('textarea', { className: 'offscreen', readOnly: true, value: text });
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

function comparison(c) {
  return el('section', { className: `comparison ${c.agree ? 'agree' : 'differ'}`, 'aria-labelledby': 'comparison-title' },
    el('h2', { id: 'comparison-title' }, c.agree ? 'The vantage points agree' : 'The vantage points differ'),
    el('p', { className: 'summary' }, c.summary),
    c.findings.length ? el('ul', { className: 'findings' }, c.findings.map(f => el('li', { className: `finding ${f.kind}` },
      el('p', {}, el('code', {}, f.code), ' ', el('span', { className: 'muted' }, `(${f.kind}, ${f.zones.join(', ')})`)),
      f.summary === c.summary ? null : el('p', {}, f.summary),
      el('p', {}, el('strong', {}, 'Cause: '), f.cause),
      el('p', {}, el('strong', {}, 'Next step: '), f.nextStep)))) : null,
    c.notCompared?.length ? el('p', { className: 'muted' }, `Not compared (no result): ${c.notCompared.map(r => r.agent).join(', ')}`) : null);
}

function runColumn(run, axis) {
  const verdict = run.verdict ?? run.status;
  return el('section', { className: `run ${verdict}`, 'aria-label': `${run.agent.name}, zone ${zoneOf(run.agent)}` },
    el('h2', {}, run.agent.name, ' ', el('span', { className: 'zone' }, zoneOf(run.agent)), ' ', el('span', { className: `badge ${verdict}` }, verdict)),
    facts(run),
    run.tls ? tls(run.tls) : null,
    el('h3', {}, 'Step timings'),
    waterfall(run, axis),
    el('h3', {}, 'Transcript'),
    transcript(run));
}

function facts(run) {
  const rows = [];
  const add = (name, ...value) => rows.push(el('dt', {}, name), el('dd', {}, ...value));
  if (run.failedStep) add('Failed step', el('strong', { className: 'failed-step' }, run.failedStep));
  if (run.diagnosis) {
    add('Diagnosis', el('code', {}, run.diagnosis.code), ' ', run.diagnosis.summary);
    add('Hint', run.diagnosis.hint);
  }

  if (run.server) add('Server', `${run.server.host} (${run.server.address ?? 'no address'}) port ${run.server.port}`);
  if (run.status !== 'completed') add('Status', run.status);
  if (run.durationMs !== null && run.durationMs !== undefined) add('Duration', duration(run.durationMs));
  if (run.queueId) add('Queue id', run.queueId);
  return el('dl', { className: 'facts' }, rows);
}

function tls(report) {
  const certificate = report.certificate;
  return el('details', { className: 'tls', open: true },
    el('summary', {}, `TLS: ${report.protocol ?? '?'}, ${report.cipherSuite ?? '?'}`),
    certificate ? el('dl', { className: 'facts' },
      el('dt', {}, 'Subject'), el('dd', {}, certificate.subject),
      el('dt', {}, 'Issuer'), el('dd', {}, certificate.issuer),
      certificate.subjectAlternativeNames?.length ? [el('dt', {}, 'Names'), el('dd', {}, certificate.subjectAlternativeNames.join(', '))] : null,
      el('dt', {}, 'Valid'), el('dd', {}, `${certificate.notBefore?.slice(0, 10)} to ${certificate.notAfter?.slice(0, 10)} (${certificate.daysToExpiry} days left)`),
      el('dt', {}, 'Checks'), el('dd', {},
        check(certificate.chainValid, 'chain valid', `chain not valid${certificate.chainErrors?.length ? `: ${certificate.chainErrors.join(', ')}` : ''}`), ', ',
        check(certificate.nameMatches, 'name matches', 'name does not match'),
        certificate.selfSigned ? ', self-signed' : '')) : el('p', { className: 'muted' }, 'No certificate presented.'));
}

function check(ok, good, bad) {
  return el('span', { className: ok ? 'good' : 'bad' }, ok ? good : bad);
}

// The step timing waterfall: each step a bar from its start to its end, on one time axis shared by every vantage
// point of the probe, so "outside waits 3 s at connect" shows as a long bar next to a short one.

import { el, duration } from './dom.js';

/** Where each step starts and ends, in ms since the run's first step (all from the agent's own clock). */
export function stepTimes(run) {
  const steps = run.steps ?? [];
  const starts = steps.map(step => Date.parse(step.startedAt)).filter(Number.isFinite);
  const origin = starts.length ? Math.min(...starts) : 0;
  return steps.map(step => {
    const start = Number.isFinite(Date.parse(step.startedAt)) ? Date.parse(step.startedAt) - origin : 0;
    return { step, start, end: start + (step.elapsedMs ?? 0) };
  });
}

/** The axis length shared by all runs: the longest run (its duration, or its last step's end while it runs). */
export function sharedAxisMs(runs) {
  let longest = 0;
  for (const run of runs) {
    for (const { end } of stepTimes(run)) longest = Math.max(longest, end);
    longest = Math.max(longest, run.durationMs ?? 0);
  }

  return longest > 0 ? longest : 1;
}

export function waterfall(run, axisMs) {
  const times = stepTimes(run);
  if (times.length === 0) {
    return el('p', { className: 'muted' }, run.status === 'queued' ? 'Waiting for the agent…' : 'No step has ended yet.');
  }

  const percent = ms => `${Math.min(100, (ms / axisMs) * 100).toFixed(3)}%`;
  const rows = times.map(({ step, start, end }) => {
    const bar = el('span', { className: `bar ${step.outcome}` });
    bar.style.left = percent(start);
    bar.style.width = percent(end - start);
    const label = `${step.name}: ${step.outcome}, ${duration(step.elapsedMs)}, from ${duration(start)} to ${duration(end)}`;
    return el('li', { className: `wf-row ${step.outcome}`, title: step.command ? `${label} (${step.command})` : label },
      el('span', { className: 'wf-name' }, step.name),
      el('span', { className: 'wf-track', 'aria-hidden': 'true' }, bar),
      el('span', { className: 'wf-ms' }, duration(step.elapsedMs), step.outcome === 'ok' ? '' : ` ${step.outcome}`),
      el('span', { className: 'visually-hidden' }, ` ${label}`));
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(fraction => {
    const tick = el('span', { className: 'tick' }, duration(fraction * axisMs));
    tick.style.left = `${fraction * 100}%`;
    return tick;
  });
  return el('div', { className: 'waterfall' },
    el('ol', { className: 'wf-rows', 'aria-label': 'Step timings' }, rows),
    el('div', { className: 'wf-axis', 'aria-hidden': 'true' }, el('span', { className: 'wf-name' }), el('span', { className: 'wf-track' }, ticks), el('span', { className: 'wf-ms' })));
}

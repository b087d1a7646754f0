// Braid console: the fleet — workers (running, finished, failed, retries) and models as the events and job results
// show them, the workers' live state and each model's rate limits from their heartbeats (the workers topic), the task
// backlog, the orchestrator instances, and small charts over the last minutes.
'use strict';

(() => {
  const {el, api, show, update, errorBox, fmtDate, fmtMs, onLeave} = Braid;
  const SVG = 'http://www.w3.org/2000/svg';

  function chart(title, samples, key, id) {
    const values = samples.map(s => Math.max(0, s[key]));
    const max = Math.max(1, ...values);
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 300 80');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    const last = values.length ? values[values.length - 1] : 0;
    svg.setAttribute('aria-label', title + ': ' + values.length + ' samples, now ' + last + ', at most ' + max);
    const line = document.createElementNS(SVG, 'polyline');
    const step = values.length > 1 ? 300 / (values.length - 1) : 300;
    line.setAttribute('points', values.map((v, i) => (i * step).toFixed(1) + ',' + (78 - v / max * 74).toFixed(1))
      .join(' '));
    svg.append(line);
    return el('figure', {class: 'chart', id},
      el('h3', {}, title), svg, el('figcaption', {class: 'note'}, 'now ' + last + ' · peak ' + max));
  }

  /**
   * A table whose columns after the first are numbers (right-aligned, headers too), in a region that scrolls (a
   * fleet may have a thousand workers) and so takes the keyboard's focus.
   */
  function table(label, head, rows) {
    return el('div', {class: 'table-scroll', role: 'region', tabindex: 0, 'aria-label': label + ' (scrolls)',
      'data-key': 'table:' + label}, el('table', {'aria-label': label},
      el('thead', {}, el('tr', {}, head.map((h, i) => el('th', {scope: 'col', class: i > 0 && h !== 'Last seen'
        ? 'num' : null}, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', {colspan: head.length}, 'None seen yet.')))));
  }

  /**
   * A table with a caption, in a focusable region that scrolls; the columns whose index is in numeric are numbers
   * (right-aligned, headers too).
   */
  function captioned(id, caption, head, numeric, rows) {
    return el('div', {class: 'table-scroll', role: 'region', tabindex: 0, 'aria-label': caption + ' (scrolls)',
      'data-key': 'table:' + id}, el('table', {id},
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, head.map((h, i) => el('th', {scope: 'col', class: numeric.includes(i) ? 'num'
        : null}, h)))),
      el('tbody', {}, rows)));
  }

  function rate(value) { return value === null || value === undefined ? '—' : Math.round(value); }

  /** The workers' heartbeats: each worker's state and in flight, and each model's rate-limit state. */
  function live(fleet) {
    const workers = fleet.live || [];
    if (!workers.length) return [el('h2', {}, 'Live'), el('p', {class: 'note', id: 'live-note'}, fleet.liveNote)];
    const models = workers.flatMap(w => w.models.map(m => ({worker: w.workerId, ...m})));
    return [
      el('h2', {}, 'Live'),
      captioned('live-workers', 'Workers by their last status', ['Worker', 'Host', 'State', 'In flight / max',
        'Finished', 'Failed', 'Last heard'], [3, 4, 5], workers.map(w => el('tr', {},
        el('th', {scope: 'row'}, w.workerId), el('td', {}, w.host || ''), el('td', {}, w.state),
        el('td', {class: 'num'}, w.inFlight + ' / ' + w.maxInFlight), el('td', {class: 'num'}, w.finished),
        el('td', {class: 'num'}, w.failed), el('td', {}, fmtDate(w.lastSeen))))),
      captioned('live-models', 'Rate limits per worker and model (allowed per minute: the worker\'s share times '
        + 'its factor)', ['Worker', 'Model', 'Requests/min', 'Tokens/min', 'Factor', 'Waiting', 'Backlog',
        'Calls running', '429s', 'Cooling until'], [2, 3, 4, 5, 6, 7, 8],
        models.length ? models.map(m => el('tr', {},
          el('th', {scope: 'row'}, m.worker), el('td', {}, m.model),
          el('td', {class: 'num'}, rate(m.requestsPerMinute)), el('td', {class: 'num'}, rate(m.tokensPerMinute)),
          el('td', {class: 'num'}, m.factor === null || m.factor === undefined ? '—' : m.factor.toFixed(2)),
          el('td', {class: 'num'}, m.waitingCalls), el('td', {class: 'num'}, fmtMs(m.backlogMs)),
          el('td', {class: 'num'}, m.inFlightCalls), el('td', {class: 'num'}, m.rateLimited),
          el('td', {}, m.coolingUntil ? fmtDate(m.coolingUntil) : '—')))
          : el('tr', {}, el('td', {colspan: 10}, 'No model called or limited yet.'))),
      workers.some(w => w.modelsDropped > 0) ? el('p', {class: 'note'}, 'Some workers list more models than the '
        + 'console shows (per worker, and --console-max-rows in all); the rest are not shown.') : null,
      fleet.liveWorkers > workers.length ? el('p', {class: 'note', id: 'live-omitted'}, fleet.liveWorkers
        + ' workers heard; the first ' + workers.length + ' by id are shown (--console-max-rows).') : null];
  }

  Braid.views.fleet = async () => {
    const content = el('div', {id: 'fleet'});
    show(el('h1', {}, 'Fleet'), el('p', {class: 'note'}, 'What this orchestrator sees on the topics: workers appear '
      + 'once they run a branch. Charts: one sample every 5 s over the last 10 minutes.'), content);
    async function refresh() {
      let fleet;
      try {
        fleet = await api('/console/api/fleet');
      } catch (e) {
        if (e.status !== 401) content.replaceChildren(errorBox(e.message));
        return;
      }
      const samples = fleet.samples || [];
      update(content,
        el('ul', {class: 'summary'},
          el('li', {id: 'fleet-backlog'}, el('span', {}, 'Task backlog'), fleet.backlog
            ? fleet.backlog.total + ' (measured ' + fmtDate(fleet.backlog.measuredAt) + ')' : 'not measured yet'),
          el('li', {}, el('span', {}, 'Orchestrators'), (fleet.orchestrators || []).join(', ') || 'unknown'),
          el('li', {}, el('span', {}, 'Jobs in the console'), fleet.jobsIndexed + ' (at most ' + fleet.maxJobs + ')')),
        el('div', {class: 'charts'},
          chart('Backlog (tasks not finished)', samples.filter(s => s.backlog >= 0), 'backlog', 'chart-backlog'),
          chart('Branches running', samples, 'running', 'chart-running'),
          chart('Branches finished per 5 s', samples, 'finished', 'chart-finished'),
          chart('Branches failed per 5 s', samples, 'failed', 'chart-failed')),
        el('h2', {}, 'Workers'),
        table('Workers', ['Worker', 'Running now', 'Finished', 'Failed', 'Retries', 'Last seen'],
          fleet.workers.map(w => el('tr', {}, el('td', {}, w.workerId), el('td', {class: 'num'}, w.running),
            el('td', {class: 'num'}, w.finished), el('td', {class: 'num'}, w.failed),
            el('td', {class: 'num'}, w.retries), el('td', {}, fmtDate(w.lastSeen))))),
        el('h2', {}, 'Models'),
        table('Models', ['Model', 'Branches finished', 'Failed', 'Failed on a rate limit (429)'],
          fleet.models.map(m => el('tr', {}, el('td', {}, m.model), el('td', {class: 'num'}, m.finished),
            el('td', {class: 'num'}, m.failed), el('td', {class: 'num'}, m.rateLimited)))),
        ...live(fleet).filter(Boolean));
    }
    await refresh();
    const timer = setInterval(refresh, 5000);
    onLeave(() => clearInterval(timer));
  };
})();

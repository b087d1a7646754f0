// Braid console: one job — its summary, a Gantt timeline of its branches kept live by the job's event stream
// (Server-Sent Events read with fetch, so the bearer token goes in a header), a branch's detail on click, the
// aggregation's result, and a replay of what failed.
'use strict';

(() => {
  const {el, api, seg, show, fill, errorBox, fmtTime, fmtMs, fmtCost, statusCell, onLeave, headers} = Braid;
  const FINISHED = s => !['QUEUED', 'RUNNING', 'RETRYING'].includes(s);
  const PARTIAL_MAX = 64 * 1024;

  /** Reads the job's event stream until it ends or signal aborts; onEvent(name, data) per event. */
  async function follow(jobId, onEvent, signal) {
    const response = await fetch('/console/api/jobs/' + seg(jobId) + '/stream', {headers: headers(), signal});
    if (!response.ok) throw new Braid.ApiError(response.status, 'the live stream was refused (HTTP '
      + response.status + ')');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) name = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (data) onEvent(name, JSON.parse(data));
      }
    }
  }

  Braid.views.job = async (jobId) => {
    let job;
    try {
      job = await api('/console/api/jobs/' + seg(jobId));
    } catch (e) {
      if (e.status === 401) return;
      show(el('h1', {}, 'Job not found'), errorBox(e.message),
        el('p', {}, el('a', {href: '#/jobs'}, 'Back to the jobs')));
      return;
    }
    const branches = new Map();
    const partials = new Map();
    const rows = new Map();
    let selected = null;
    let dirty = true;
    const notes = el('ul', {class: 'note', 'aria-live': 'polite', id: 'job-notes'});
    const summary = el('ul', {class: 'summary', id: 'job-summary'});
    const gantt = el('div', {class: 'gantt', id: 'gantt', role: 'list', 'aria-label': 'Branches on a timeline'});
    const axis = el('div', {class: 'axis', 'aria-hidden': 'true'});
    const detail = el('section', {class: 'detail', id: 'branch-detail', tabindex: '-1', hidden: true,
      'aria-live': 'polite', 'aria-label': 'Branch detail'});
    const result = el('section', {id: 'job-result', 'aria-labelledby': 'result-title'});
    const replay = el('div', {id: 'job-replay'});

    function absorb(next) {
      job = Object.assign(job, next);
      if (Array.isArray(next.branches)) {
        branches.clear();
        next.branches.forEach(b => branches.set(b.branchId, b));
      }
      dirty = true;
    }
    absorb(job);

    function item(label, value, id) { return el('li', {id}, el('span', {}, label), value); }

    function renderSummary() {
      const done = [...branches.values()].filter(b => FINISHED(b.state)).length;
      const wall = job.wallMs !== undefined && job.wallMs !== null ? fmtMs(job.wallMs) : 'running';
      Braid.update(summary,
        item('Status', statusCell(job.status), 'job-status'),
        item('Round', String(job.round), 'job-round'),
        item('Branches done', done + ' / ' + Math.max(job.branchesTotal || 0, branches.size), 'job-done'),
        item('Wall time', wall),
        item('Tokens', String((job.inputTokens || 0) + (job.outputTokens || 0))),
        item('Cost', fmtCost(job.cost)),
        job.tenant ? item('Tenant', job.tenant) : null,
        job.parentJobId ? item('Child of', el('a', {href: '#/jobs/' + encodeURIComponent(job.parentJobId),
          'data-key': 'parent-link'},
          job.parentJobId)) : null,
        item('Submitted', fmtTime(job.submittedAt)));
    }

    function span() {
      const times = [job.submittedAt, ...[...branches.values()].flatMap(b => [b.queuedAt, b.startedAt])]
        .filter(Boolean).map(t => Date.parse(t));
      const t0 = times.length ? Math.min(...times) : Date.now();
      const ends = [job.completedAt, ...[...branches.values()].map(b => b.finishedAt)].filter(Boolean)
        .map(t => Date.parse(t));
      const running = job.status === 'RUNNING' || [...branches.values()].some(b => !FINISHED(b.state));
      const t1 = Math.max(t0 + 1, running ? Date.now() : (ends.length ? Math.max(...ends) : Date.now()));
      return [t0, t1];
    }

    function rowFor(b) {
      let row = rows.get(b.branchId);
      if (!row) {
        const button = el('button', {type: 'button', class: 'branch', 'aria-pressed': 'false',
          onclick: () => openBranch(b.branchId)});
        const wait = el('div', {class: 'wait'});
        const bar = el('div', {class: 'bar', 'data-branch': b.branchId});
        row = {node: el('div', {class: 'gantt-row', role: 'listitem'}, button, el('div', {class: 'track'}, wait, bar)),
          button, wait, bar};
        rows.set(b.branchId, row);
        gantt.append(row.node);
      }
      return row;
    }

    function renderTimeline() {
      const [t0, t1] = span();
      const pct = t => ((t - t0) / (t1 - t0) * 100).toFixed(3) + '%';
      for (const b of branches.values()) {
        const row = rowFor(b);
        const name = b.branchId === '__aggregate' ? 'aggregation step' : b.branchId;
        const label = name + ' · ' + b.state + (b.attempt > 1 ? ' · attempt ' + b.attempt : '');
        row.button.textContent = label;
        row.button.setAttribute('aria-label', label + (b.workerId ? ', worker ' + b.workerId : '')
          + (b.model ? ', model ' + b.model : '') + '. Show detail');
        row.button.setAttribute('aria-pressed', String(selected === b.branchId));
        const queued = b.queuedAt ? Date.parse(b.queuedAt) : null;
        const started = b.startedAt ? Date.parse(b.startedAt) : null;
        const finished = b.finishedAt ? Date.parse(b.finishedAt) : (FINISHED(b.state) ? started : Date.now());
        row.wait.style.display = queued !== null ? '' : 'none';
        if (queued !== null) {
          row.wait.style.left = pct(queued);
          row.wait.style.width = pct(t0 + Math.max(0, (started || Date.now()) - queued));
        }
        row.bar.className = 'bar state-' + b.state;
        row.bar.style.display = started === null ? 'none' : '';
        if (started !== null) {
          row.bar.style.left = pct(started);
          row.bar.style.width = pct(t0 + Math.max(0, Math.min(finished, t1) - started));
          row.bar.title = b.branchId + ': ' + fmtTime(b.startedAt) + ' → ' + (b.finishedAt ? fmtTime(b.finishedAt)
            : 'running') + (b.workerId ? ' on ' + b.workerId : '');
        }
      }
      axis.replaceChildren(el('span', {}, '0'), el('span', {}, fmtMs(Math.round(t1 - t0))));
    }

    function renderResult() {
      if (job.status === 'RUNNING') {
        result.replaceChildren();
        return;
      }
      const out = job.output === null || job.output === undefined ? null : el('pre', {id: 'job-output'}, job.output);
      fill(result, el('h2', {id: 'result-title'}, 'Result (' + (job.aggregation || '') + ', round '
        + job.round + ')'),
      el('p', {}, statusCell(job.status), ' completed by ', job.completedBy || '?'),
      job.aggregationError ? errorBox(job.aggregationError) : null,
      out, job.outputChars ? el('p', {class: 'note'}, 'The first ' + (job.output || '').length + ' of '
        + job.outputChars + ' characters; `braid result ' + job.jobId + '` prints all of it.') : null);
    }

    function renderReplay() {
      const failed = [...branches.values()].filter(b => FINISHED(b.state) && b.state !== 'SUCCEEDED');
      if (job.status === 'RUNNING' || !failed.length) {
        replay.replaceChildren();
      } else if (!replay.firstChild) {
        replay.replaceChildren(Braid.replayPanel(job.jobId, null, failed.map(b => b.branchId)));
      }
    }

    function render() {
      if (!dirty && job.status !== 'RUNNING') return;
      dirty = false;
      renderSummary();
      renderTimeline();
      renderResult();
      renderReplay();
    }

    async function openBranch(branchId) {
      selected = branchId;
      dirty = true;
      render();
      const b = branches.get(branchId) || {branchId};
      detail.hidden = false;
      detail.replaceChildren(el('h2', {}, 'Branch ' + branchId), el('p', {class: 'note'}, 'Loading…'));
      detail.focus();
      let info = null;
      let problem = null;
      try {
        info = await api('/console/api/jobs/' + seg(job.jobId) + '/branches/' + seg(branchId));
      } catch (e) {
        problem = e.message;
      }
      if (selected === branchId) fill(detail, ...Braid.branchDetail(job.jobId, b, info, problem,
        partials.get(branchId)));
    }

    function onEvent(name, data) {
      if (name === 'job') absorb(data);
      else if (name === 'branch') { branches.set(data.branchId, data); dirty = true; }
      else if (name === 'partial') {
        const text = ((partials.get(data.branchId) || '') + data.text).slice(0, PARTIAL_MAX);
        partials.set(data.branchId, text);
        const live = document.getElementById('partial-' + data.branchId);
        if (live && selected === data.branchId) live.textContent = text;
      } else if (name === 'note') {
        notes.prepend(el('li', {}, fmtTime(new Date().toISOString()) + ' ' + data.type + ' (round ' + data.round + '): '
          + (data.message || '')));
      } else if (name === 'resync') {
        api('/console/api/jobs/' + seg(job.jobId)).then(absorb).catch(() => {});
      }
    }

    const live = el('p', {class: 'note', id: 'live-state'}, 'Connecting to the live stream…');
    show(el('h1', {}, 'Job ', el('span', {id: 'job-id'}, job.jobId)), summary, replay,
      el('h2', {}, 'Timeline'), live,
      el('p', {class: 'legend'}, 'Bars: striped blue running, green succeeded, red failed, amber retrying or '
        + 'cancelled; the thin grey line is time queued. Each branch\'s button opens its detail.'), gantt, axis, detail, result, el('h2', {}, 'Events'), notes);
    render();
    const controller = new AbortController();
    let stopped = false;
    (async () => {
      while (!stopped) {
        try {
          live.textContent = 'Live: following the job\'s events.';
          await follow(job.jobId, onEvent, controller.signal);
        } catch (e) {
          if (stopped) return;
          live.textContent = 'Live stream interrupted (' + e.message + '); reconnecting…';
        }
        if (!stopped) await new Promise(r => setTimeout(r, 2000));
      }
    })();
    const timer = setInterval(render, 250);
    onLeave(() => { stopped = true; controller.abort(); clearInterval(timer); });
  };
})();

// Braid console: the jobs list — recent jobs with status, round, branches, wall time, tokens and cost; filters by
// status, tenant and time; search by job id. Refreshed every 3 s while shown.
'use strict';

(() => {
  const {el, api, show, update, errorBox, fmtDate, fmtMs, fmtCost, statusCell, onLeave} = Braid;
  const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED', 'CANCELLED'];
  const SINCE = [['', 'any time'], ['15', 'last 15 minutes'], ['60', 'last hour'], ['1440', 'last day']];
  const filters = {status: '', tenant: '', sinceMinutes: '', q: ''};

  function field(label, id, control) {
    control.id = id;
    return el('label', {for: id}, label, control);
  }

  function select(name, options) {
    const s = el('select', {name});
    for (const [value, text] of options) {
      s.append(el('option', {value, selected: filters[name] === value}, text));
    }
    s.addEventListener('change', () => { filters[name] = s.value; refresh(); });
    return s;
  }

  function text(name, placeholder) {
    const input = el('input', {type: 'search', name, value: filters[name], placeholder});
    input.addEventListener('input', () => { filters[name] = input.value; refresh(); });
    return input;
  }

  let body = null;
  let message = null;
  let shown = null;

  async function refresh() {
    if (!body) return;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v.trim()) params.set(k, v.trim());
    try {
      const jobs = await api('/console/api/jobs?' + params.toString());
      const text = JSON.stringify(jobs);
      if (text === shown || !body) return;
      shown = text;
      message.replaceChildren(jobs.length ? '' : 'No job matches (the console knows the jobs of the topics\' '
        + 'recent history).');
      update(body, jobs.map(row));
    } catch (e) {
      if (e.status !== 401) message.replaceChildren(errorBox(e.message));
    }
  }

  function row(job) {
    const tokens = (job.inputTokens || 0) + (job.outputTokens || 0);
    return el('tr', {'data-job': job.jobId, 'data-key': 'job:' + job.jobId},
      el('td', {}, el('a', {href: '#/jobs/' + encodeURIComponent(job.jobId), 'data-key': 'job-link:' + job.jobId},
        job.jobId)),
      el('td', {}, statusCell(job.status)),
      el('td', {class: 'num'}, job.round),
      el('td', {class: 'num'}, job.branchesDone + ' / ' + job.branchesTotal),
      el('td', {class: 'num'}, fmtMs(job.wallMs)),
      el('td', {class: 'num'}, tokens),
      el('td', {class: 'num'}, fmtCost(job.cost)),
      el('td', {}, job.tenant || ''),
      el('td', {}, fmtDate(job.submittedAt)));
  }

  Braid.views.jobs = async (jobId) => {
    if (jobId !== null) return Braid.views.job(jobId);
    body = el('tbody', {id: 'jobs-body'});
    shown = null;
    message = el('div', {'aria-live': 'polite'});
    const head = ['Job', 'Status', 'Round', 'Branches done', 'Wall time', 'Tokens', 'Cost', 'Tenant', 'Submitted'];
    const numeric = new Set(['Round', 'Branches done', 'Wall time', 'Tokens', 'Cost']);
    show(el('h1', {}, 'Jobs'),
      el('form', {class: 'filters', role: 'search', onsubmit: e => e.preventDefault()},
        field('Status', 'f-status', select('status', STATUSES.map(s => [s, s || 'any']))),
        field('Tenant', 'f-tenant', text('tenant', 'e.g. acme')),
        field('Submitted', 'f-since', select('sinceMinutes', SINCE)),
        field('Job id contains', 'f-q', text('q', 'search by job id'))),
      message,
      el('table', {'aria-label': 'Recent jobs'},
        el('thead', {}, el('tr', {}, head.map(h => el('th', {scope: 'col', class: numeric.has(h) ? 'num' : null}, h)))),
        body));
    await refresh();
    const timer = setInterval(refresh, 3000);
    onLeave(() => { clearInterval(timer); body = null; });
  };
})();

// Braid console: dead letters — browse by time, error and job; replay a job's failed branches, showing the dry
// run's answer before anything is sent.
'use strict';

(() => {
  const {el, api, seg, show, update, errorBox, fmtDate} = Braid;
  const filters = {sinceMinutes: '', error: '', job: ''};

  /**
   * A replay panel for a job: "Check" asks the job API for a dry run and shows its answer; then "Replay now" (scope
   * operate) sends the replay and links to the job's page to follow its round.
   */
  Braid.replayPanel = (jobId, branches, failed) => {
    const answer = el('div', {'aria-live': 'polite', class: 'replay-answer'});
    const body = branches ? {branches} : {};
    const check = el('button', {type: 'button', class: 'replay-check'}, 'Check what a replay would do');
    const what = failed && failed.length ? ' (' + failed.join(', ') + ')' : '';
    check.addEventListener('click', async () => {
      check.disabled = true;
      answer.replaceChildren('Asking for a dry run…');
      try {
        const preview = await api('/jobs/' + seg(jobId) + '/replay', {method: 'POST',
          body: Object.assign({dryRun: true}, body)});
        const confirm = el('button', {type: 'button', class: 'replay-confirm'}, 'Replay now');
        const parts = [el('p', {class: 'dry-run'}, 'Dry run: ' + preview.message)];
        if (preview.wouldReplay && Braid.canOperate()) {
          parts.push(confirm);
        } else if (preview.wouldReplay) {
          parts.push(el('p', {class: 'note'}, 'Replaying needs a token of scope operate; yours is read.'));
        }
        answer.replaceChildren(...parts);
        confirm.addEventListener('click', async () => {
          confirm.disabled = true;
          try {
            await api('/jobs/' + seg(jobId) + '/replay', {method: 'POST', body});
            answer.append(el('p', {class: 'replay-sent'}, 'Replay sent: the aggregator opens the next round. ',
              el('a', {href: '#/jobs/' + encodeURIComponent(jobId)}, 'Follow job ' + jobId)));
          } catch (e) {
            if (e.status !== 401) answer.append(errorBox('The replay was refused: ' + e.message));
          }
        });
      } catch (e) {
        if (e.status !== 401) answer.replaceChildren(errorBox('The dry run was refused: ' + e.message));
      } finally {
        check.disabled = false;
      }
    });
    return el('section', {class: 'replay', 'aria-label': 'Replay of job ' + jobId},
      el('h2', {}, 'Replay the failed branches of job ' + jobId + what),
      el('p', {class: 'note'}, 'A replay runs the branches that did not succeed again in a new round, keeping every '
        + 'success. The dry run changes nothing.'), check, answer);
  };

  Braid.views['dead-letters'] = async () => {
    const body = el('tbody', {id: 'dlq-body'});
    const message = el('div', {'aria-live': 'polite'});
    const replays = el('div', {id: 'dlq-replay'});
    async function refresh() {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (v.trim()) params.set(k, v.trim());
      try {
        const letters = await api('/console/api/dead-letters?' + params.toString());
        message.replaceChildren(letters.length ? '' : 'No dead letter matches.');
        const key = l => [l.at, l.jobId, l.branchId, l.round].join(' ');
        update(body, letters.map(l => el('tr', {'data-job': l.jobId, 'data-key': 'letter:' + key(l)},
          el('td', {}, fmtDate(l.at)),
          el('td', {}, el('a', {href: '#/jobs/' + encodeURIComponent(l.jobId)}, l.jobId)),
          el('td', {}, l.branchId), el('td', {class: 'num'}, l.round),
          el('td', {}, l.errorClass), el('td', {}, l.message), el('td', {class: 'num'}, l.attempts),
          el('td', {}, el('button', {type: 'button', class: 'secondary replay-job', 'data-key': 'replay:' + key(l),
            'aria-label': 'Replay the failed branches of job ' + l.jobId,
            onclick: () => {
              replays.replaceChildren(Braid.replayPanel(l.jobId, null, null));
              replays.querySelector('button').focus();
            }}, 'Replay…')))));
      } catch (e) {
        if (e.status !== 401) message.replaceChildren(errorBox(e.message));
      }
    }
    function input(name, label, type, placeholder) {
      const control = el('input', {id: 'dlq-' + name, type, name, value: filters[name], placeholder});
      control.addEventListener('input', () => { filters[name] = control.value; refresh(); });
      return el('label', {for: 'dlq-' + name}, label, control);
    }
    show(el('h1', {}, 'Dead letters'),
      el('p', {class: 'note'}, 'Tasks whose last attempt failed (the tasks dead-letter topic), newest first.'),
      el('form', {class: 'filters', role: 'search', onsubmit: e => e.preventDefault()},
        input('sinceMinutes', 'Within the last minutes', 'number', 'e.g. 120'),
        input('error', 'Error contains', 'search', 'e.g. 503'),
        input('job', 'Job id contains', 'search', ''),
        el('button', {type: 'button', class: 'secondary', onclick: refresh}, 'Refresh')),
      replays, message,
      el('table', {'aria-label': 'Dead letters'}, el('thead', {}, el('tr', {},
        ['Dead-lettered', 'Job', 'Branch', 'Round', 'Error', 'Message', 'Attempts', 'Replay']
          .map(h => el('th', {scope: 'col'}, h)))), body));
    await refresh();
  };
})();

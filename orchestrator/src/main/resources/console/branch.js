// Braid console: a branch's detail panel — what it was asked (the prompt as the worker fills it), its output
// (cut at the console's limit, the whole one a click away), error, tokens, cost and tool calls.
'use strict';

(() => {
  const {el, api, seg, errorBox, fmtTime, fmtMs, fmtCost, statusCell} = Braid;

  function pair(label, value) {
    return value === null || value === undefined || value === '' ? [] : [el('dt', {}, label), el('dd', {}, value)];
  }

  function text(label, value, id) {
    return value === null || value === undefined ? null : [el('h3', {}, label), el('pre', {id}, value)];
  }

  /** The full output replaces the cut one when asked (fetched with the bearer header, shown as text). */
  function cutNote(jobId, branchId, shown, total, pre) {
    const button = el('button', {type: 'button', class: 'secondary', id: 'full-output'}, 'Show the full output');
    const note = el('p', {class: 'note', id: 'output-cut'}, 'Output cut: the first ' + shown + ' of ' + total
      + ' characters. ', button);
    button.addEventListener('click', async () => {
      button.disabled = true;
      const response = await fetch('/console/api/jobs/' + seg(jobId) + '/branches/' + seg(branchId) + '/output',
        {headers: Braid.headers()});
      const body = await response.text();
      if (response.ok) {
        pre.textContent = body;
        note.replaceChildren('The full output: ' + body.length + ' characters.');
      } else {
        note.replaceChildren(errorBox('The full output could not be read (HTTP ' + response.status + ').'));
      }
    });
    return note;
  }

  function toolCalls(calls) {
    if (!calls || !calls.length) return null;
    return [el('h3', {}, 'Tool calls'), el('table', {'aria-label': 'Tool calls'},
      el('thead', {}, el('tr', {}, ['Tool', 'Arguments', 'Output or error', 'Took'].map(h => el('th', {scope: 'col'}, h)))),
      el('tbody', {}, calls.map(c => el('tr', {}, el('td', {}, c.name), el('td', {}, el('code', {}, c.arguments || '')),
        el('td', {}, c.error ? el('span', {class: 'status-FAILED'}, c.error) : (c.output || '')),
        el('td', {class: 'num'}, fmtMs(c.durationMs))))))];
  }

  /** The panel's content for branch b (its timeline entry), info (the detail endpoint's answer) or problem. */
  Braid.branchDetail = (jobId, b, info, problem, partial) => {
    const request = (info && info.request) || {};
    const result = (info && info.result) || {};
    const usage = result.usage;
    const nodes = [el('h2', {id: 'detail-title'}, 'Branch ' + b.branchId)];
    nodes.push(el('dl', {},
      pair('Status', statusCell(result.status || b.state)),
      pair('Kind', request.kind || b.kind),
      pair('Round', String(result.round || b.round || '')),
      pair('Attempts', String(result.attempt || b.attempt || '')),
      pair('Worker', result.workerId || b.workerId),
      pair('Model', (result.model || b.model || request.model || '') + (result.providerModel
        ? ' (' + result.providerModel + ')' : '')),
      pair('Started', fmtTime(result.startedAt || b.startedAt)),
      pair('Finished', fmtTime(result.finishedAt || b.finishedAt)),
      pair('Waiting for the model', result.latencyMs === undefined ? null : fmtMs(result.latencyMs)),
      pair('Tokens', usage ? usage.inputTokens + ' in, ' + usage.outputTokens + ' out' : (b.tokens ? String(b.tokens) : null)),
      pair('Cost', result.cost === undefined ? null : fmtCost(result.cost)),
      pair('Hedged calls', result.hedgedCalls ? String(result.hedgedCalls) : null)));
    if (problem) nodes.push(errorBox(problem));
    nodes.push(text('System prompt', request.systemPrompt, 'detail-system'));
    nodes.push(text(request.kind === 'TOOL' ? 'Tool ' + (request.tool || '') + ', arguments' : 'Prompt',
      request.userPrompt !== undefined ? request.userPrompt : request.arguments, 'detail-prompt'));
    if (request.promptChars || request.userPromptChars) {
      nodes.push(el('p', {class: 'note'}, 'Prompt cut at ' + Braid.maxOutputChars() + ' characters.'));
    }
    if (partial && !result.output) {
      nodes.push(el('h3', {}, 'Output so far (streaming)'), el('pre', {id: 'partial-' + b.branchId}, partial));
    } else if (!result.output && !FINISHED_STATE(b.state)) {
      nodes.push(el('h3', {}, 'Output so far (streaming)'), el('pre', {id: 'partial-' + b.branchId},
        '(nothing yet: the model has not streamed any text)'));
    }
    if (result.output !== undefined) {
      const pre = el('pre', {id: 'detail-output'}, result.output);
      nodes.push(el('h3', {}, 'Output'), pre);
      if (result.outputChars) nodes.push(cutNote(jobId, b.branchId, result.output.length, result.outputChars, pre));
    }
    if (result.error) {
      nodes.push(el('h3', {}, 'Error'), errorBox(result.error.errorClass + ': ' + result.error.message
        + (result.error.retriable ? ' (retriable)' : ' (not retriable)')));
    } else if (b.message) {
      nodes.push(el('h3', {}, 'Last message'), el('p', {}, b.message));
    }
    nodes.push(toolCalls(result.toolCalls));
    return nodes.flat().filter(Boolean);
  };

  function FINISHED_STATE(s) { return s && !['QUEUED', 'RUNNING', 'RETRYING'].includes(s); }
})();

// Braid console: the core — token, API calls, DOM helpers, router. No framework, no inline script, no innerHTML:
// every text from the server goes in with textContent or a text node.
'use strict';

const Braid = (() => {
  const TOKEN_KEY = 'braid.console.token';
  const views = {};
  let who = null;
  let leaving = [];

  /** An element: el('td', {class: 'num'}, 'text', child, ...). Attributes are set as attributes, texts as text. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function headers(extra) {
    const h = Object.assign({'Accept': 'application/json'}, extra || {});
    const t = token();
    if (t) h['Authorization'] = 'Bearer ' + t;
    return h;
  }

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  /** GET or POST JSON; throws ApiError with the server's message. A 401 sends the user to sign in. */
  async function api(path, options) {
    const init = Object.assign({}, options || {});
    init.headers = headers(init.body !== undefined ? {'Content-Type': 'application/json'} : {});
    if (init.body !== undefined) init.body = JSON.stringify(init.body);
    const response = await fetch(path, init);
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = {error: text}; }
    if (response.status === 401) {
      showLogin('The orchestrator refused the request: ' + ((body && body.error) || 'no valid token') + '.');
      throw new ApiError(401, 'refused');
    }
    if (!response.ok) throw new ApiError(response.status, (body && body.error) || ('HTTP ' + response.status));
    return body;
  }

  /** The text of an API path segment (a job or branch id) */
  function seg(id) { return encodeURIComponent(id); }

  function main() { return document.getElementById('main'); }

  /** Replaces node's children with these (null and undefined left out, arrays flattened). */
  function fill(node, ...children) {
    node.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined));
  }

  function show(...nodes) { fill(main(), ...nodes); }

  /** The element under container whose data-key (else id) is key's, or null. */
  function keyed(container, key) {
    if (!key) return null;
    const [attr, value] = key;
    return container.querySelector('[' + attr + '="' + CSS.escape(value) + '"]');
  }

  /** What finds node again after a refresh: its data-key, else its id; null when it has neither. */
  function keyOf(node) {
    if (!node || !node.getAttribute) return null;
    if (node.dataset && node.dataset.key) return ['data-key', node.dataset.key];
    return node.id ? ['id', node.id] : null;
  }

  /**
   * Replaces container's children with these for a periodic refresh, keeping the keyboard user's place: a keyed
   * child (data-key) equal to the one shown stays the same element (so its focus and text selection stay), and
   * when the focused element was replaced, the new one with its data-key (or id) gets the focus back. The page's
   * scroll and that of every keyed element inside are kept too.
   */
  function update(container, ...children) {
    const next = children.flat().filter(c => c !== null && c !== undefined)
      .map(c => c instanceof Node ? c : document.createTextNode(String(c)));
    const active = document.activeElement;
    const focusKey = active && active !== container && container.contains(active) ? keyOf(active) : null;
    const scrolled = Array.from(container.querySelectorAll('[data-key]'))
      .filter(n => n.scrollTop || n.scrollLeft).map(n => [keyOf(n), n.scrollTop, n.scrollLeft]);
    const pageX = window.scrollX;
    const pageY = window.scrollY;
    const shown = new Map();
    for (const child of container.children) if (child.dataset.key) shown.set(child.dataset.key, child);
    const wanted = next.map(n => {
      const old = n.dataset && n.dataset.key ? shown.get(n.dataset.key) : null;
      return old && old.isEqualNode(n) ? old : n;
    });
    wanted.forEach((node, i) => {
      const at = container.childNodes[i];
      if (at !== node) container.insertBefore(node, at || null);
    });
    while (container.childNodes.length > wanted.length) container.lastChild.remove();
    for (const [key, top, left] of scrolled) {
      const node = keyed(container, key);
      if (node) { node.scrollTop = top; node.scrollLeft = left; }
    }
    if (focusKey && document.activeElement !== active) {
      const node = keyed(container, focusKey);
      if (node) node.focus({preventScroll: true});
    }
    window.scrollTo(pageX, pageY);
  }

  function errorBox(message) { return el('p', {class: 'error', role: 'alert'}, message); }

  function fmtTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return d.toLocaleTimeString([], {hour12: false}) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }
  function fmtDate(iso) { return iso ? new Date(iso).toLocaleString([], {hour12: false}) : ''; }
  function fmtMs(ms) {
    if (ms === null || ms === undefined) return '';
    return ms < 1000 ? ms + ' ms' : ms < 60000 ? (ms / 1000).toFixed(1) + ' s' : (ms / 60000).toFixed(1) + ' min';
  }
  function fmtCost(cost) { return cost === null || cost === undefined ? '—' : Number(cost).toFixed(4); }
  function statusCell(status) { return el('span', {class: 'status status-' + status}, status); }

  /** Runs fn when the current view is left (timers, streams). */
  function onLeave(fn) { leaving.push(fn); }

  function leave() {
    const fns = leaving;
    leaving = [];
    fns.forEach(fn => { try { fn(); } catch (e) { /* already gone */ } });
  }

  function showLogin(message) {
    leave();
    who = null;
    document.getElementById('who').textContent = '';
    document.getElementById('sign-out').hidden = true;
    const input = el('input', {id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true,
      'aria-describedby': 'token-help'});
    const form = el('form', {onsubmit: async (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      await start();
    }},
    el('label', {for: 'token'}, 'API token'), input,
    el('p', {id: 'token-help', class: 'note'}, 'A token of the orchestrator (scope read to look, operate to replay), '
      + 'from its --api-tokens-file or BRAID_API_TOKEN. It is kept in this tab only (sessionStorage) and sent as '
      + 'a bearer header, never in a URL.'),
    el('button', {type: 'submit'}, 'Sign in'));
    show(el('section', {class: 'login', 'aria-labelledby': 'login-title'},
      el('h1', {id: 'login-title'}, 'Sign in to the Braid console'),
      message ? errorBox(message) : null, form));
    input.focus();
  }

  function canOperate() { return who && who.scope === 'operate'; }

  function route() {
    leave();
    if (!who) return;
    const hash = location.hash.replace(/^#\/?/, '') || 'jobs';
    const slash = hash.indexOf('/');
    const section = slash < 0 ? hash : hash.slice(0, slash);
    let arg = slash < 0 ? null : hash.slice(slash + 1);
    try { arg = arg === null ? null : decodeURIComponent(arg); } catch (e) { arg = null; }
    document.querySelectorAll('#nav a').forEach(a => {
      if (a.dataset.section === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    const view = views[section];
    if (!view) {
      show(el('h1', {}, 'Not found'), errorBox('No console page "' + hash + '".'));
      return;
    }
    view(arg).catch(e => {
      if (e.status !== 401) show(el('h1', {}, 'Error'), errorBox(e.message));
    });
  }

  async function start() {
    try {
      who = await api('/console/api/whoami');
    } catch (e) {
      if (e.status !== 401) show(errorBox('The console cannot reach the orchestrator: ' + e.message));
      return;
    }
    document.getElementById('who').textContent = 'Signed in as ' + who.name + ' (' + who.scope + ')';
    document.getElementById('sign-out').hidden = !token();
    route();
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('sign-out').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin(null);
    });
    window.addEventListener('hashchange', route);
    start();
  });

  return {el, api, seg, show, fill, update, errorBox, fmtTime, fmtDate, fmtMs, fmtCost, statusCell, onLeave, headers,
    canOperate, views, ApiError, whoami: () => who, maxOutputChars: () => (who ? who.maxOutputChars : 0)};
})();

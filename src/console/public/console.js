/* global window, sessionStorage, location, history, setInterval, clearInterval, setTimeout, clearTimeout, AbortController */
// The supervisor console: sign in with a key, follow the open-flag queue live, decide a flag,
// see the enforcement KPIs of the key's sites.
import { ApiError, callApi, followFlags, listOpenFlags } from './api.js';
import { byId, el } from './dom.js';
import { renderFlag } from './flag-view.js';
import { kpiPeriod, renderKpis } from './kpi-view.js';
import {
  announcement,
  applyFlagEvent,
  flagTitle,
  keyIdOf,
  kpiQuery,
  queueEntry,
  sortQueue,
} from './view.js';

// sessionStorage, not localStorage: the key dies with the tab, a shared dock tablet keeps none.
const KEY_STORAGE = 'dockproof.apiKey';
const FLAG_ROUTE = /^#\/flags\/(.+)$/;
const KPI_ROUTE = '#/kpis';
const KPI_REFRESH_MS = 1_000;

let session = null; // { key, stop: AbortController, ticker }
let queue = [];
let queueLoaded = false; // until then an empty queue means "not known yet", not "nothing open"
let openFlag = null; // the FlagSummary on screen, or null
const queueItems = new Map(); // flagId → <li>, kept so focus survives updates
let view = null; // 'flags' or 'kpis' once signed in
let kpiRequest = 0; // only the latest KPI answer is shown
let kpiRefresh = null; // a timer: a burst of flag events reloads the figures once

function start(key, flags = null) {
  queue = flags ?? [];
  queueLoaded = flags !== null;
  session = { key, stop: new AbortController(), ticker: setInterval(renderQueue, 30_000) };
  byId('sign-in-view').hidden = true;
  byId('console-view').hidden = false;
  byId('sign-out').hidden = false;
  byId('who').hidden = false;
  byId('views').hidden = false;
  byId('who').textContent = keyIdOf(key) ? `Signed in: ${keyIdOf(key)}` : 'Signed in';
  route();
  if (!queueLoaded) refreshQueue(key).catch(() => undefined); // the stream retries and reloads it
  void followFlags(key, {
    signal: session.stop.signal,
    onConnect: () => refreshQueue(key),
    onFlag: showFlagEvent,
    onStatus: showLive,
    onUnauthorized: () => signOut('This key is no longer accepted. Sign in again.'),
  });
}

function signOut(message = '') {
  sessionStorage.removeItem(KEY_STORAGE);
  if (session) {
    session.stop.abort();
    clearInterval(session.ticker);
  }
  session = null;
  queue = [];
  queueLoaded = false;
  openFlag = null;
  view = null;
  kpiRequest++;
  clearTimeout(kpiRefresh);
  kpiRefresh = null;
  queueItems.clear();
  // A shared tablet: leave nothing of this session in the page for the next person.
  for (const id of ['queue', 'announcer', 'flag-body', 'kpi-body']) byId(id).replaceChildren();
  for (const id of ['note', 'kpi-from', 'kpi-to']) byId(id).value = '';
  for (const id of ['kpi-period', 'kpi-error']) byId(id).textContent = '';
  for (const id of ['flag-view', 'console-view', 'kpi-view']) byId(id).hidden = true;
  for (const id of ['sign-out', 'who', 'live-status', 'views', 'kpi-loading'])
    byId(id).hidden = true;
  delete byId('live-status').dataset.live;
  byId('sign-in-view').hidden = false;
  byId('sign-in-error').textContent = message;
  history.replaceState(null, '', location.pathname);
  byId('api-key').focus();
}

async function signIn(event) {
  event.preventDefault();
  const input = byId('api-key');
  const key = input.value.trim();
  const error = byId('sign-in-error');
  if (!key) {
    error.textContent = 'Enter your API key.';
    return;
  }
  const button = event.submitter;
  button.disabled = true;
  error.textContent = '';
  try {
    const flags = sortQueue(await listOpenFlags(key));
    sessionStorage.setItem(KEY_STORAGE, key);
    input.value = '';
    start(key, flags);
    byId(view === 'kpis' ? 'kpi-title' : 'queue-title').focus();
  } catch (e) {
    error.textContent = signInError(e);
  } finally {
    button.disabled = false;
  }
}

function signInError(error) {
  if (!(error instanceof ApiError)) return 'DockProof cannot be reached. Check the network.';
  if (error.status === 401) return 'This key is not accepted. Check it and try again.';
  if (error.status === 403) return 'This key may not see flags. Use a supervisor key.';
  return `DockProof answered: ${error.message}`;
}

async function refreshQueue(key) {
  const flags = await listOpenFlags(key);
  if (session?.key !== key) return;
  queue = sortQueue(flags);
  queueLoaded = true;
  renderQueue();
}

function showFlagEvent(flag) {
  const { queue: next, change } = applyFlagEvent(queue, flag);
  queue = next;
  renderQueue();
  announce(announcement(change, flag));
  if (openFlag?.flagId === flag.flagId) void loadFlag(flag.flagId);
  // A flag opened or decided moves the figures on screen; a burst of them, once.
  if (view === 'kpis' && !kpiRefresh)
    kpiRefresh = setTimeout(() => {
      kpiRefresh = null;
      if (view === 'kpis') void loadKpis();
    }, KPI_REFRESH_MS);
}

function showLive(live) {
  const status = byId('live-status');
  const was = status.dataset.live;
  status.hidden = false;
  status.dataset.live = String(live);
  status.textContent = live ? 'Live' : 'Reconnecting…';
  if (was === 'true' && !live) announce('Connection lost. Reconnecting; the queue may be late.');
  if (was === 'false' && live) announce('Connection back. The queue is up to date.');
}

function announce(text) {
  if (!text) return;
  const region = byId('announcer');
  region.append(el('p', {}, text));
  while (region.childElementCount > 5) region.firstElementChild.remove();
}

function renderQueue() {
  const list = byId('queue');
  const now = Date.now();
  byId('queue-count').textContent = queueLoaded ? `(${queue.length})` : '';
  byId('queue-empty').hidden = queue.length > 0 || !queueLoaded;
  for (const [flagId, item] of queueItems) {
    if (queue.some((f) => f.flagId === flagId)) continue;
    item.remove();
    queueItems.delete(flagId);
  }
  queue.forEach((flag, index) => {
    const item = queueItems.get(flag.flagId) ?? newQueueItem(flag.flagId);
    fillQueueItem(item.firstElementChild, flag, now);
    // Move only what is out of place: moving the focused link would drop keyboard focus.
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
  });
}

function newQueueItem(flagId) {
  const link = el('a', { className: 'queue-item', href: `#/flags/${encodeURIComponent(flagId)}` });
  const item = el('li', {}, link);
  queueItems.set(flagId, item);
  return item;
}

function fillQueueItem(link, flag, now) {
  const entry = queueEntry(flag, now);
  link.replaceChildren(
    el('span', { className: 'title' }, entry.title),
    el('span', { className: 'reasons' }, entry.reasons),
    el(
      'span',
      { className: 'details' },
      el('span', { className: 'site' }, entry.site),
      ` · ${entry.details}`,
    ),
  );
  if (openFlag?.flagId === flag.flagId) link.setAttribute('aria-current', 'true');
  else link.removeAttribute('aria-current');
}

function route() {
  if (!session) return;
  const previous = view;
  view = location.hash === KPI_ROUTE ? 'kpis' : 'flags';
  byId('console-view').hidden = view !== 'flags';
  byId('kpi-view').hidden = view !== 'kpis';
  for (const [id, shows] of [
    ['nav-flags', 'flags'],
    ['nav-kpis', 'kpis'],
  ])
    if (view === shows) byId(id).setAttribute('aria-current', 'page');
    else byId(id).removeAttribute('aria-current');
  if (view === 'kpis') {
    if (previous === 'kpis') return;
    byId('kpi-title').focus();
    return void loadKpis();
  }
  const match = FLAG_ROUTE.exec(location.hash);
  if (match) return void openFlagView(decodeURIComponent(match[1]));
  // Back from a flag or the KPIs: the keyboard continues at the queue.
  const wasOpen = openFlag !== null || !byId('flag-view').hidden || previous === 'kpis';
  openFlag = null;
  byId('flag-view').hidden = true;
  byId('console-view').classList.remove('has-flag');
  renderQueue();
  if (wasOpen) byId('queue-title').focus();
}

async function openFlagView(flagId) {
  openFlag = { flagId };
  byId('flag-view').hidden = false;
  byId('console-view').classList.add('has-flag');
  byId('flag-title').textContent = 'Flag';
  byId('flag-body').replaceChildren();
  byId('resolve-form').hidden = true;
  byId('resolved').hidden = true;
  byId('note').value = '';
  byId('resolve-error').textContent = '';
  checkNote();
  renderQueue();
  if (await loadFlag(flagId)) byId('flag-title').focus();
}

/** Shows the flag's current state; true when it did. */
async function loadFlag(flagId) {
  const key = session?.key;
  byId('flag-loading').hidden = false;
  byId('flag-error').textContent = '';
  try {
    const flag = await callApi(key, `/flags/${encodeURIComponent(flagId)}`);
    if (openFlag?.flagId !== flagId || session?.key !== key) return false;
    openFlag = flag;
    byId('flag-title').textContent = flagTitle(flag);
    byId('flag-body').replaceChildren(...renderFlag(flag, Date.now()));
    byId('resolve-form').hidden = flag.status !== 'open';
    byId('resolved').hidden = flag.status === 'open';
    byId('resolved').textContent = flag.status === 'open' ? '' : decision(flag);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut('This key is no longer accepted. Sign in again.');
      return false;
    }
    byId('flag-error').textContent = `This flag cannot be shown: ${error.message}`;
    return false;
  } finally {
    byId('flag-loading').hidden = true;
  }
}

function checkNote() {
  const note = byId('note');
  note.setCustomValidity(note.value.trim() ? '' : 'Write a note: what you checked and why.');
}

async function resolveFlag(event) {
  event.preventDefault();
  const action = event.submitter?.value;
  const note = byId('note').value.trim();
  const flagId = openFlag?.flagId;
  if (!flagId || !note || (action !== 'release' && action !== 'quarantine')) return;
  const buttons = byId('resolve-form').querySelectorAll('button');
  buttons.forEach((b) => (b.disabled = true));
  byId('resolve-error').textContent = '';
  try {
    const flag = await callApi(session.key, `/flags/${encodeURIComponent(flagId)}/resolve`, {
      method: 'POST',
      body: { action, note },
    });
    queue = applyFlagEvent(queue, flag).queue;
    renderQueue();
    await loadFlag(flagId);
    byId('resolved').focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      return signOut('This key is no longer accepted. Nothing was decided; sign in again.');
    byId('resolve-error').textContent = resolveError(error);
    // Someone else decided meanwhile: show their decision instead of the form.
    if (error instanceof ApiError && error.status === 409) await loadFlag(flagId);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

function resolveError(error) {
  if (!(error instanceof ApiError)) return 'DockProof cannot be reached. Nothing was decided.';
  if (error.status === 409) return 'This flag was already decided by someone else.';
  if (error.status === 403) return 'This key may not decide flags of this site.';
  return `Not decided: ${error.message}`;
}

/** Resolving sends the decision to the warehouse system too; say so, it is what stops the stock. */
function decision(flag) {
  const status = flag.status.charAt(0).toUpperCase() + flag.status.slice(1);
  return `${status} by ${flag.resolvedBy ?? 'a supervisor'}. The warehouse system has been told to ${flag.status === 'released' ? 'release' : 'quarantine'} it.`;
}

async function loadKpis() {
  const key = session?.key;
  const { query, error } = kpiQuery(byId('kpi-from').value, byId('kpi-to').value);
  const request = ++kpiRequest;
  byId('kpi-error').textContent = error ?? '';
  byId('kpi-loading').hidden = Boolean(error);
  if (error) return showKpis(null);
  try {
    const figures = await callApi(key, `/kpis${query}`);
    if (request === kpiRequest) showKpis(figures, query !== '');
  } catch (e) {
    if (request !== kpiRequest) return;
    if (e instanceof ApiError && e.status === 401)
      return signOut('This key is no longer accepted. Sign in again.');
    showKpis(null);
    byId('kpi-error').textContent = kpiError(e);
  } finally {
    if (request === kpiRequest) byId('kpi-loading').hidden = true;
  }
}

/** The figures, or none: those of another window or an hour ago must not pass for the ones asked. */
function showKpis(figures, chosen = false) {
  byId('kpi-period').textContent = figures ? kpiPeriod(figures, chosen) : '';
  byId('kpi-body').replaceChildren(...(figures ? renderKpis(figures) : []));
}

function kpiError(error) {
  if (!(error instanceof ApiError)) return 'DockProof cannot be reached. The KPIs cannot be shown.';
  if (error.status === 403) return 'This key may not see the KPIs.';
  return `The KPIs cannot be shown: ${error.message}`;
}

byId('sign-in-form').addEventListener('submit', (event) => void signIn(event));
byId('kpi-window').addEventListener('submit', (event) => {
  event.preventDefault();
  void loadKpis();
});
byId('sign-out').addEventListener('click', () => signOut());
byId('resolve-form').addEventListener('submit', (event) => void resolveFlag(event));
byId('note').addEventListener('input', checkNote);
window.addEventListener('hashchange', route);

const saved = sessionStorage.getItem(KEY_STORAGE);
if (saved) start(saved);
else byId('api-key').focus();

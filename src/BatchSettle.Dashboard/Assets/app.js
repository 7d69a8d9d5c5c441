// BatchSettle operations dashboard: plain JavaScript, no framework, no CDN. Hash routes, JSON from /dashboard/api,
// live updates by server-sent events. Every value from the server goes into the page as text, never as HTML.
'use strict';

// ---------- language ----------
// Simplified Chinese by default, English on the header's switch (remembered in localStorage). Every user-visible
// string goes through t('English text'); translations are registered, by app.js (i18n.js) and by every page's own
// script, as window.BS_I18N_ZH = Object.assign(window.BS_I18N_ZH || {}, { 'English text': '中文' }).
// window.t is a global property, not a `const`: a page script may declare its own top-level `const t` without clashing.
const LANG_KEY = 'batchsettle.lang';
let lang = (() => { try { return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'; } catch { return 'zh'; } })();
window.BS_I18N_ZH = window.BS_I18N_ZH || {};
window.t = s => (lang === 'zh' && window.BS_I18N_ZH[s]) || s;
// t('Run #{0} of {1}', 5, 'x'): the translation keeps the placeholders.
const tf = (s, ...args) => window.t(s).replace(/\{(\d+)\}/g, (m, i) => String(args[+i]));
function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach(e => { e.textContent = window.t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-title]').forEach(e => { e.title = window.t(e.dataset.i18nTitle); });
  const b = document.getElementById('lang');
  if (b) { b.textContent = lang === 'zh' ? 'English' : '中文'; b.setAttribute('aria-label', lang === 'zh' ? 'Switch to English' : '切换到中文'); }
}
function setLang(l) {
  lang = l === 'en' ? 'en' : 'zh';
  try { localStorage.setItem(LANG_KEY, lang); } catch { /* private mode: this page only */ }
  applyLang();
  if (typeof route === 'function') route();
}

const API = '/dashboard/api';
const FUNDS = {
  '310100': '职工统筹 employee pooled fund',
  '390100': '居民统筹 resident pooled fund',
  '390200': '居民大病 resident critical illness',
  '330100': '职工大额 employee large-amount',
  '610100': '医疗救助 medical assistance',
};
const REGIONS = { '210500': '本溪 Benxi', '210800': '营口 Yingkou' };
const regionName = a => REGIONS[a] ? (lang === 'zh' ? REGIONS[a].split(' ')[0] : REGIONS[a].split(' ')[1]) : a;
const STATES = ['queued', 'running', 'succeeded', 'succeeded_with_quarantine', 'failed', 'cancelled', 'interrupted'];

let me = { name: '', role: 'viewer', canAct: false };
let streams = [];
let timers = [];

// ---------- helpers ----------
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    // Through the CSSOM: the Content-Security-Policy refuses style attributes, not style properties.
    else if (k === 'style') e.style.cssText = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
const n = v => (v ?? 0).toLocaleString('en-US');
const yuan = fen => (fen < 0 ? '-' : '') + '¥' + (Math.abs(fen) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
// Every time is shown in China Standard Time (Asia/Shanghai, UTC+8 all year), as YYYY-MM-DD HH:mm with the zone named.
const TZ = 'Asia/Shanghai';
const TZ_LABEL = 'UTC+8';
const tzParts = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
function cst(ms) {
  const p = {};
  for (const x of tzParts.formatToParts(new Date(ms))) p[x.type] = x.value;
  return p;
}
const when = ts => {
  if (!ts) return '—';
  const p = cst(Date.parse(ts));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${TZ_LABEL}`;
};
const clock = ms => { const p = cst(ms); return `${p.hour}:${p.minute}:${p.second}`; };
const dur = s => {
  if (s === null || s === undefined || !isFinite(s)) return '—';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${r}s` : `${r}s`;
};
const badge = s => el('span', { class: 'badge s-' + String(s).replace(/ /g, '.') }, window.t(String(s).replace(/_/g, ' ')));
// A wide table scrolls inside its own box, so the page never scrolls sideways (usable at 800 px).
const scroller = table => el('div', { class: 'scroll' }, table);
function bar(done, total, status, big) {
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : (status === 'succeeded' ? 100 : 0);
  const cls = 'bar' + (big ? ' big' : '') + (status && status.startsWith('succeeded') ? ' done' : status === 'failed' ? ' failed' : '');
  const b = el('div', { class: cls, role: 'progressbar', 'aria-valuenow': pct.toFixed(1), 'data-done': done, 'data-total': total },
    el('i', { style: `width:${pct.toFixed(2)}%` }), el('span', {}, `${n(done)} / ${n(total)} (${pct.toFixed(1)}%)`));
  return b;
}
function toast(msg, bad) {
  const box = document.getElementById('toast');
  box.textContent = msg; box.className = 'toast' + (bad ? ' bad' : ''); box.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
}
async function get(path) {
  const r = await fetch(API + path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (r.status === 404) return null;
  if (r.status === 503) { window.BSRuns && window.BSRuns.check(); throw new Error((await r.json().catch(() => ({}))).error || '503'); }
  if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
  return r.json();
}
async function act(path, label) {
  const r = await fetch(API + path, { method: 'POST', credentials: 'same-origin', headers: { 'X-BatchSettle-Action': '1', Accept: 'application/json' } });
  let body = null;
  try { body = await r.json(); } catch { /* no body */ }
  const msg = body && (body.message || body.detail || body.title) || `${r.status} ${r.statusText}`;
  toast(`${label}: ${msg}`, !r.ok);
  return r.ok;
}
function stream(path, event, onData) {
  const es = new EventSource(API + path);
  const dot = document.getElementById('live');
  es.addEventListener(event, e => { dot.classList.add('on'); onData(JSON.parse(e.data), es); });
  es.onerror = () => dot.classList.remove('on');
  streams.push(es);
  return es;
}
function stopLive() {
  for (const s of streams) s.close();
  for (const t of timers) { clearInterval(t); clearTimeout(t); }
  streams = []; timers = [];
  document.getElementById('live').classList.remove('on');
}
// replaceChildren would turn a null into the text "null"; conditional parts of a page are null when absent.
function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
  return node;
}
function view(...children) {
  fill(document.getElementById('view'), ...children);
}
function actionButton(label, cls, path, confirmText, after) {
  return el('button', {
    class: cls, disabled: !me.canAct, title: me.canAct ? null : t('operators only'),
    onclick: async e => {
      if (confirmText && !window.confirm(confirmText)) return;
      e.target.disabled = true;
      try { if (await act(path, label) && after) after(); } finally { e.target.disabled = !me.canAct; }
    },
  }, label);
}

// ---------- charts (canvas, drawn by hand) ----------
function setupCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 600, h = canvas.clientHeight || 200;
  canvas.width = w * ratio; canvas.height = h * ratio;
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '11px system-ui, sans-serif';
  return { g, w, h };
}
function axes(g, w, h, maxY, unit, pad) {
  g.strokeStyle = '#d0d7de'; g.fillStyle = '#656d76'; g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = pad.t + ((h - pad.t - pad.b) * i) / 4;
    g.beginPath(); g.moveTo(pad.l, y); g.lineTo(w - pad.r, y); g.stroke();
    g.fillText(n(Math.round(maxY * (1 - i / 4))) + (i === 0 ? unit : ''), 4, y + 4);
  }
}
// points: [{t: ms, v: number}]
function lineChart(canvas, points, unit, color) {
  const { g, w, h } = setupCanvas(canvas);
  const pad = { l: 64, r: 10, t: 10, b: 22 };
  if (points.length < 2) { g.fillStyle = '#656d76'; g.fillText(t('waiting for samples…'), pad.l, h / 2); return; }
  const t0 = points[0].t, t1 = points[points.length - 1].t || t0 + 1;
  const maxY = Math.max(1, ...points.map(p => p.v)) * 1.1;
  axes(g, w, h, maxY, unit, pad);
  const x = t => pad.l + ((w - pad.l - pad.r) * (t - t0)) / Math.max(1, t1 - t0);
  const y = v => h - pad.b - ((h - pad.t - pad.b) * v) / maxY;
  g.strokeStyle = color || '#1f6feb'; g.lineWidth = 2; g.beginPath();
  points.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.v)) : g.moveTo(x(p.t), y(p.v))));
  g.stroke();
  g.fillStyle = '#656d76';
  g.fillText(clock(t0), pad.l, h - 6);
  const last = clock(t1);
  g.fillText(last, w - pad.r - g.measureText(last).width, h - 6);
}
// days: [{day, succeeded, failed, claimsSettled}]
function historyChart(canvas, days) {
  const { g, w, h } = setupCanvas(canvas);
  const pad = { l: 64, r: 10, t: 10, b: 22 };
  const maxY = Math.max(4, ...days.map(d => d.succeeded + d.failed));
  axes(g, w, h, maxY, ' ' + t('runs'), pad);
  const bw = (w - pad.l - pad.r) / Math.max(1, days.length);
  const y = v => ((h - pad.t - pad.b) * v) / maxY;
  days.forEach((d, i) => {
    const x0 = pad.l + i * bw + 2, base = h - pad.b;
    g.fillStyle = '#1a7f37'; g.fillRect(x0, base - y(d.succeeded), bw - 4, y(d.succeeded));
    g.fillStyle = '#cf222e'; g.fillRect(x0, base - y(d.succeeded) - y(d.failed), bw - 4, y(d.failed));
    if (i % 2 === 0) { g.fillStyle = '#656d76'; g.fillText(d.day.slice(5), x0, h - 6); }
  });
}

// ---------- pages ----------
async function overview() {
  const liveCanvas = el('canvas', { id: 'live-chart' });
  const histCanvas = el('canvas', { id: 'history-chart' });
  const cards = el('div', { class: 'cards' });
  const running = el('div', {});
  const assumed = el('p', { class: 'muted', id: 'assumed-14d' });
  const batchInput = el('input', { type: 'text', id: 'batch-id', placeholder: t('batch id, e.g. 210500-2025-03') });
  const trigger = el('div', { class: 'panel' },
    el('h2', { style: 'margin-top:0' }, t('Trigger a batch')),
    el('div', {}, batchInput, ' ',
      el('button', {
        class: 'primary', id: 'trigger-batch', disabled: !me.canAct, title: me.canAct ? null : t('operators only'),
        onclick: () => batchInput.value && act(`/batches/${encodeURIComponent(batchInput.value.trim())}/trigger`, `${t('Trigger')} ${batchInput.value.trim()}`),
      }, t('Trigger now'))),
    el('p', { class: 'muted' }, t('Settles the batch on the cluster: a new run, the failed one resumed, or nothing if it already succeeded.')));
  view(el('h1', {}, t('Overview')), cards,
    el('div', { class: 'grid' },
      el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Live: claims settled per second')), liveCanvas),
      el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('History: runs finished per day (14 days)')), histCanvas,
        el('div', { class: 'legend' }, el('span', {}, el('i', { style: 'background:#1a7f37' }), t('succeeded')), el('span', {}, el('i', { style: 'background:#cf222e' }), t('failed'))),
        assumed)),
    el('h2', {}, t('Running now')), running, trigger);

  const rates = [];
  let prev = null;
  stream('/live', 'overview', o => {
    fill(cards, ...STATES.map(s => {
      const c = o.counts.find(x => x.status === s);
      return el('a', { class: 'card', href: `#/runs?status=${s}` }, el('b', {}, n(c ? c.count : 0)), badge(s));
    }));
    const done = o.running.reduce((a, r) => a + r.run.claimsDone, 0);
    const at = Date.parse(o.at);
    if (prev && at > prev.t) rates.push({ t: at, v: Math.max(0, (1000 * (done - prev.done)) / (at - prev.t)) });
    prev = { t: at, done };
    while (rates.length > 120) rates.shift();
    lineChart(liveCanvas, rates, '/s', '#1a7f37');
    historyChart(histCanvas, o.history);
    const settled = o.history.reduce((a, d) => a + d.claimsSettled, 0), withAssumed = o.history.reduce((a, d) => a + (d.assumedParams || 0), 0);
    fill(assumed, tf('Settled with an assumed parameter (14 days): {0} of {1} settled', n(withAssumed), n(settled)),
      settled ? ` (${(100 * withAssumed / settled).toFixed(1)}%)` : '');
    fill(running, o.running.length ? runningTable(o.running) : el('p', { class: 'muted' }, t('Nothing is running.')));
  });
}
function runningTable(list) {
  return scroller(el('table', {},
    el('thead', {}, el('tr', {}, el('th', {}, t('Run')), el('th', {}, t('Batch')), el('th', {}, t('State')), el('th', { style: 'width:40%' }, t('Progress')), el('th', { class: 'num' }, t('Rate')), el('th', { class: 'num' }, t('ETA')))),
    el('tbody', {}, list.map(l => el('tr', {},
      el('td', {}, el('a', { href: `#/runs/${l.run.runId}` }, `#${l.run.runId}`)),
      el('td', {}, l.run.batchId), el('td', {}, badge(l.run.status)),
      el('td', {}, bar(l.run.claimsDone, l.run.claimsTotal, l.run.status)),
      el('td', { class: 'num' }, l.claimsPerSecond ? `${n(Math.round(l.claimsPerSecond))}/s` : '—'),
      el('td', { class: 'num' }, dur(l.etaSeconds)))))));
}

// The runs list's filters live in the hash (#/runs?status=&batch=&admdvs=&month=), so a link keeps them.
const RUN_FILTERS = ['status', 'batch', 'admdvs', 'month'];
function runsHash(f, extra) {
  const q = new URLSearchParams();
  for (const k of RUN_FILTERS) if (f[k]) q.set(k, f[k]);
  for (const [k, v] of Object.entries(extra || {})) if (v) q.set(k, v);
  const s = q.toString();
  return '#/runs' + (s ? '?' + s : '');
}
async function runs(params, refreshOf) {
  const f = {};
  for (const k of RUN_FILTERS) f[k] = params.get(k) || '';
  const status = f.status;
  const after = params.get('after');
  const q = new URLSearchParams();
  for (const k of RUN_FILTERS) if (f[k]) q.set(k, f[k]);
  if (after) q.set('after', after);
  const page = await get('/runs?' + q);
  if (refreshOf && location.hash !== refreshOf) return; // the operator moved on while this refresh was on its way
  const total = page.counts.reduce((a, c) => a + c.count, 0);
  const tabs = el('div', { class: 'cards' },
    el('a', { class: 'card' + (status ? '' : ' sel'), href: runsHash({ ...f, status: '' }) }, el('b', {}, n(total)), t('all')),
    STATES.map(s => {
      const c = page.counts.find(x => x.status === s);
      return el('a', { class: 'card' + (status === s ? ' sel' : ''), href: runsHash({ ...f, status: s }) }, el('b', {}, n(c ? c.count : 0)), badge(s));
    }));
  // Controls: changing one rewrites the hash, and the router draws the list again.
  const regions = [...new Set([...Object.keys(REGIONS), ...page.batches.map(b => b.split('-')[0]).filter(a => /^\d{6}$/.test(a))])].sort();
  const go = () => { location.hash = runsHash({ status: stateSel.value, batch: batchIn.value.trim(), admdvs: regionSel.value, month: monthIn.value }); };
  const batchIn = el('input', { type: 'text', id: 'f-batch', list: 'f-batches', value: f.batch, placeholder: t('any part of the batch id') });
  batchIn.addEventListener('change', go);
  const regionSel = el('select', { id: 'f-admdvs', onchange: go },
    el('option', { value: '' }, t('all regions')), regions.map(a => el('option', { value: a, selected: a === f.admdvs }, `${a} ${regionName(a)}`)));
  const monthIn = el('input', { type: 'month', id: 'f-month', value: f.month, onchange: go });
  const stateSel = el('select', { id: 'f-status', onchange: go },
    el('option', { value: '' }, t('all states')), STATES.map(s => el('option', { value: s, selected: s === status }, t(s.replace(/_/g, ' ')))));
  const filters = el('form', { class: 'filters', id: 'run-filters', onsubmit: e => { e.preventDefault(); go(); } },
    el('label', {}, t('Batch'), batchIn), el('datalist', { id: 'f-batches' }, page.batches.map(b => el('option', { value: b }))),
    el('label', {}, t('Region'), regionSel), el('label', {}, t('Month'), monthIn), el('label', {}, t('State'), stateSel),
    el('button', { type: 'submit' }, t('Filter')),
    RUN_FILTERS.some(k => f[k]) ? el('a', { class: 'btn', href: '#/runs', id: 'f-clear' }, t('Clear filters')) : null);
  const rows = page.items.map(r => el('tr', {},
    el('td', {}, el('a', { href: `#/runs/${r.runId}` }, `#${r.runId}`)),
    el('td', {}, r.batchId), el('td', {}, badge(r.status)), el('td', { class: 'num' }, r.attempt),
    el('td', {}, bar(r.claimsDone, r.claimsTotal, r.status)),
    el('td', { class: 'num' }, n(r.settled)), el('td', { class: 'num' }, n(r.rejected)), el('td', { class: 'num' }, n(r.quarantined)),
    el('td', { class: 'num' }, n(r.assumedParams)),
    el('td', {}, when(r.createdAt)), el('td', {}, r.finishedAt ? when(r.finishedAt) : '—'),
    el('td', { class: 'err' }, (window.BSRuns && window.BSRuns.listReason(r)) || (r.error ? r.error.slice(0, 160) : ''))));
  view(el('h1', {}, t('Runs')), filters, tabs,
    scroller(el('table', { id: 'runs' },
      el('thead', {}, el('tr', {}, ['Run', 'Batch', 'State', 'Attempt', 'Progress', 'Settled', 'Rejected', 'Quarantined', 'Assumed parameter', 'Created', 'Finished', 'Error']
        .map((h, i) => el('th', { class: i >= 5 && i <= 8 || i === 3 ? 'num' : null, title: i === 8 ? t('settled with an assumed parameter (POLICY.md §12)') : null }, t(h))))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 12, class: 'muted' }, t('No runs.')))))),
    el('div', { class: 'pager' },
      after ? el('a', { class: 'btn', href: runsHash(f) }, t('⇤ Newest')) : null,
      page.nextAfter ? el('a', { class: 'btn', id: 'older', href: runsHash(f, { after: page.nextAfter }) }, t('Older →')) : null));
  // Ops watch this list live: while a listed run is queued or running, it is drawn again every few seconds, so a run
  // that finishes, fails or is found interrupted changes here without a reload. Not while a filter is being typed.
  if (page.items.some(r => r.status === 'queued' || r.status === 'running')) {
    const shown = location.hash;
    const again = () => {
      if (location.hash !== shown) return;
      if (document.getElementById('run-filters')?.contains(document.activeElement)) { timers.push(setTimeout(again, RUNS_REFRESH_MS)); return; }
      runs(params, shown).catch(() => timers.push(setTimeout(again, RUNS_REFRESH_MS)));
    };
    timers.push(setTimeout(again, RUNS_REFRESH_MS));
  }
}
const RUNS_REFRESH_MS = 2000;

async function run(runId, params) {
  const d = await get(`/runs/${runId}`);
  if (!d) { view(el('h1', {}, tf('Run #{0}', runId)), el('p', {}, t('No such run.'))); return; }
  const title = el('h1', {});
  const facts = el('dl', { class: 'facts' });
  const overall = el('div', {});
  const parts = el('tbody', {});
  const chart = el('canvas', { id: 'throughput' });
  const actions = el('div', { style: 'display:flex;gap:.5rem' });
  const quarantine = el('div', {});
  const books = el('div', {});
  const breakdown = el('div', { id: 'breakdown' });
  const samples = d.samples.map(s => ({ t: Date.parse(s.at), v: s.claimsDone }));
  let reason = (params && params.get('reason')) || '';

  function draw(l) {
    const r = l.run;
    fill(title, `${tf('Run #{0}', r.runId)} · ${r.batchId} `, badge(r.status), l.cancelRequested && !['cancelled', 'failed'].includes(r.status) && !r.status.startsWith('succeeded') ? badge('cancel requested') : null);
    const ended = !['queued', 'running', 'interrupted'].includes(r.status);
    fill(facts, 
      el('dt', {}, t('Attempt')), el('dd', {}, r.attempt),
      el('dt', {}, t('Requested by')), el('dd', {}, r.requestedBy || '—'),
      el('dt', {}, t('Created')), el('dd', {}, when(r.createdAt)),
      el('dt', {}, t('Started')), el('dd', {}, when(r.startedAt)),
      el('dt', {}, t('Finished')), el('dd', {}, when(r.finishedAt)),
      el('dt', {}, t('Duration')), el('dd', {}, r.startedAt ? dur(((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000) : '—'),
      el('dt', {}, t('Claims')), el('dd', {}, !ended
        ? tf('{0} of {1} done (settled / rejected / quarantined are counted when the run ends)', n(r.claimsDone), n(r.claimsTotal))
        : tf('{0} settled · {1} rejected · {2} quarantined of {3}', n(r.settled), n(r.rejected), n(r.quarantined), n(r.claimsTotal))),
      el('dt', {}, t('Assumed parameter')), el('dd', { id: 'assumed' }, !ended ? t('counted when the run ends')
        : tf('{0} settled with an assumed parameter ({1}); {2} with a stated (superseded text) one', n(r.assumedParams),
          r.settled ? `${(100 * r.assumedParams / r.settled).toFixed(1)}%` : '—', n(r.supersededParams))),
      el('dt', {}, t('Rate')), el('dd', { id: 'rate' }, l.claimsPerSecond ? `${n(Math.round(l.claimsPerSecond))} ${t('claims/s')}` : '—'),
      el('dt', {}, t('ETA')), el('dd', { id: 'eta' }, r.status === 'running' ? dur(l.etaSeconds) : '—'),
      r.error ? el('dt', {}, t('Error')) : null, r.error ? el('dd', { class: 'err' }, r.error) : null,
      window.BSRuns ? window.BSRuns.facts(r) : null);
    fill(overall, bar(r.claimsDone, r.claimsTotal, r.status, true));
    fill(parts, ...l.partitions.map(p => el('tr', {},
      el('td', { class: 'num' }, p.partNo), el('td', {}, badge(p.status)), el('td', { style: 'width:45%' }, bar(p.claimsDone, p.claimsTotal, p.status)),
      el('td', { class: 'num' }, n(p.chunks)), el('td', {}, p.owner || '—'),
      el('td', {}, p.jobId ? el('a', { href: `/hangfire/jobs/details/${encodeURIComponent(p.jobId)}`, class: 'job' }, `${t('job')} ${p.jobId}`) : '—'),
      el('td', {}, when(p.updatedAt)), el('td', { class: 'err' }, p.error || ''))));
    fill(actions, 
      ['failed', 'cancelled'].includes(r.status) ? actionButton(t('Retry'), 'primary', `/runs/${r.runId}/retry`, tf('Retry run #{0} of {1}?', r.runId, r.batchId), () => route()) : null,
      r.status === 'interrupted' && window.BSRuns ? actionButton(window.BSRuns.t('Resume'), 'primary', `/runs/${r.runId}/resume`,
        `${window.BSRuns.t('Resume run')} #${r.runId} (${r.batchId})? ${window.BSRuns.t('It continues from its checkpoints with the registry it started with.')}`, () => route()) : null,
      ['queued', 'running'].includes(r.status) ? actionButton(t('Cancel'), 'danger', `/runs/${r.runId}/cancel`, tf('Cancel run #{0}? It stops at the next chunk boundary.', r.runId), null) : null);
    const rate = [];
    for (let i = 1; i < samples.length; i++) {
      const dt = (samples[i].t - samples[i - 1].t) / 1000;
      if (dt > 0) rate.push({ t: samples[i].t, v: Math.max(0, (samples[i].v - samples[i - 1].v) / dt) });
    }
    lineChart(chart, rate, '/s');
  }
  function drawBooks(funds, rec) {
    fill(books, 
      scroller(el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, t('Fund (fund_pay_type)')), el('th', { class: 'num' }, t('Claims')), el('th', { class: 'num' }, t('Paid')))),
        el('tbody', {}, funds.length ? funds.map(f => el('tr', {}, el('td', {}, `${f.fundPayType} ${FUNDS[f.fundPayType] || ''}`), el('td', { class: 'num' }, n(f.claims)), el('td', { class: 'num' }, yuan(f.fen))))
          : el('tr', {}, el('td', { colspan: 3, class: 'muted' }, t('No fund payments yet.'))),
        funds.length ? el('tr', {}, el('th', {}, t('Total')), el('th', {}, ''), el('th', { class: 'num' }, yuan(funds.reduce((a, f) => a + f.fen, 0)))) : null))),
      el('h2', {}, t('Reconciliation'), ' ', badge(rec.status)),
      el('dl', { class: 'facts', id: 'reconciliation' },
        el('dt', {}, t('Ledger debits / credits')), el('dd', {}, `${yuan(rec.ledgerDebit)} / ${yuan(rec.ledgerCredit)}`),
        el('dt', {}, t('Unbalanced entries')), el('dd', {}, n(rec.unbalancedEntries)),
        el('dt', {}, t('Funds paid: results / ledger')), el('dd', {}, `${yuan(rec.resultsFundPay)} / ${yuan(rec.ledgerFundPay)}`)));
  }
  // The run's summary breakdown (run-detail field `breakdown`, when the server sends it): rejected and quarantined
  // claims by reason, settlements by assumed parameter. Nothing when absent.
  function drawBreakdown(b) {
    if (!b) { fill(breakdown); return; }
    const table = (id, head, rows) => rows && rows.length ? scroller(el('table', { id }, el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { class: i === head.length - 1 ? 'num' : null }, t(h))))),
      el('tbody', {}, rows))) : el('p', { class: 'muted' }, t('None.'));
    const byReason = list => (list || []).map(x => el('tr', {}, el('td', {}, x.reason), el('td', { class: 'num' }, n(x.count))));
    fill(breakdown, el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Summary breakdown')),
      el('div', { class: 'grid' },
        el('div', {}, el('h3', {}, t('Rejected by reason')), table('breakdown-rejected', ['Reason', 'Claims'], byReason(b.rejected))),
        el('div', {}, el('h3', {}, t('Quarantined by reason')), table('breakdown-quarantined', ['Reason', 'Claims'], byReason(b.quarantined))),
        el('div', {}, el('h3', {}, t('Settled with an assumed parameter, by parameter')), table('breakdown-assumed', ['Parameter', 'Rule', 'Settlements'],
          (b.assumed || []).map(x => el('tr', {}, el('td', {}, x.key), el('td', {}, x.ruleId), el('td', { class: 'num' }, n(x.count)))))))));
  }
  async function loadQuarantine(after) {
    const q = await get(`/runs/${runId}/quarantine?limit=10` + (reason ? `&reason=${encodeURIComponent(reason)}` : '') + (after ? `&after=${encodeURIComponent(after)}` : ''));
    const csv = `${API}/runs/${runId}/quarantine.csv` + (reason ? `?reason=${encodeURIComponent(reason)}` : '');
    const reasonSel = el('select', {
      id: 'q-reason',
      onchange: () => {
        reason = reasonSel.value;
        // Kept in the hash like the runs filters; replaceState so the page is not drawn again.
        history.replaceState(null, '', `#/runs/${runId}` + (reason ? `?reason=${encodeURIComponent(reason)}` : ''));
        loadQuarantine(null);
      },
    }, el('option', { value: '' }, tf('all reasons ({0})', n(q.reasons.reduce((a, x) => a + x.count, 0)))),
    q.reasons.map(x => el('option', { value: x.reason, selected: x.reason === reason }, `${x.reason} (${n(x.count)})`)));
    fill(quarantine, 
      el('div', { class: 'filters' }, el('label', {}, t('Reason'), reasonSel),
        el('a', { class: 'btn', id: 'q-download', href: csv, download: `quarantine-run-${runId}.csv` }, t('Download CSV'))),
      el('p', { class: 'muted' }, tf('{0} quarantined claims (not settled; they do not fail the run).', n(q.total))),
      scroller(el('table', { id: 'quarantine' }, el('thead', {}, el('tr', {}, el('th', {}, 'setl_id'), el('th', {}, t('Person')), el('th', {}, t('Line')), el('th', {}, t('Field')), el('th', {}, t('Reason')))),
        el('tbody', {}, q.items.map(i => el('tr', {},
          el('td', {}, i.setlId ? el('a', { href: `#/explain/${encodeURIComponent(i.setlId)}` }, i.setlId) : el('span', { class: 'muted' }, i.sourceFile || t('(unreadable)'))),
          el('td', {}, i.psnNo ? el('a', { href: `#/persons/${encodeURIComponent(i.psnNo)}`, class: 'person' }, i.psnNo) : ''),
          el('td', { class: 'num' }, i.sourceLine ?? ''), el('td', {}, i.field || ''), el('td', {}, i.reason)))))),
      el('div', { class: 'pager' },
        after ? el('button', { onclick: () => loadQuarantine(null) }, t('⇤ First')) : null,
        q.nextAfter ? el('button', { onclick: () => loadQuarantine(q.nextAfter) }, t('Next →')) : null));
  }

  view(title, el('div', { class: 'grid' },
    el('div', { class: 'panel' }, facts, el('div', { style: 'margin-top:.8rem' }, actions)),
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Throughput (claims/s)')), chart)),
  el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Progress')), overall,
    scroller(el('table', { id: 'partitions', style: 'margin-top:.8rem' },
      el('thead', {}, el('tr', {}, ['Part', 'State', 'Progress', 'Chunks', 'Node', 'Hangfire job', 'Updated', 'Error'].map((h, i) => el('th', { class: i === 0 || i === 3 ? 'num' : null }, t(h))))), parts))),
  breakdown,
  el('div', { class: 'grid' },
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Fund totals')), books),
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Quarantined claims')), quarantine)));
  draw(d.live);
  drawBooks(d.funds, d.reconciliation);
  drawBreakdown(d.breakdown);
  loadQuarantine(null);

  const terminal = s => s.startsWith('succeeded') || s === 'failed' || s === 'cancelled';
  if (!terminal(d.live.run.status)) {
    let lastStatus = d.live.run.status;
    stream(`/runs/${runId}/live`, 'run', (l, es) => {
      samples.push({ t: Date.now(), v: l.run.claimsDone });
      while (samples.length > 1800) samples.shift();
      draw(l);
      if (terminal(l.run.status)) {
        es.close();
        document.getElementById('live').classList.remove('on');
        get(`/runs/${runId}`).then(full => { if (full) { draw(full.live); drawBooks(full.funds, full.reconciliation); drawBreakdown(full.breakdown); loadQuarantine(null); } });
      } else if (l.run.status !== lastStatus) {
        lastStatus = l.run.status;
      }
    });
  }
}

async function audit(params) {
  const after = params.get('after');
  const a = await get('/audit' + (after ? `?after=${after}` : ''));
  view(el('h1', {}, t('Audit trail')), el('p', { class: 'muted' }, t('Every operator action, accepted or refused, with who and when.')),
    scroller(el('table', { id: 'audit' },
      el('thead', {}, el('tr', {}, ['When', 'Who', 'Role', 'Action', 'Target', 'Outcome', 'Detail'].map(h => el('th', {}, t(h))))),
      el('tbody', {}, a.items.length ? a.items.map(x => el('tr', {},
        el('td', {}, when(x.at)), el('td', {}, x.actor), el('td', {}, t(x.role)), el('td', {}, t(x.action.replace(/_/g, ' '))),
        el('td', {}, x.target), el('td', {}, badge(x.outcome === 'accepted' ? 'succeeded' : 'failed')), el('td', { class: 'muted' }, x.detail || '')))
        : el('tr', {}, el('td', { colspan: 7, class: 'muted' }, t('No actions yet.')))))),
    el('div', { class: 'pager' },
      after ? el('a', { class: 'btn', href: '#/audit' }, t('⇤ Newest')) : null,
      a.nextAfter ? el('a', { class: 'btn', href: `#/audit?after=${a.nextAfter}` }, t('Older →')) : null));
}

async function explain(setlId) {
  const input = el('input', { type: 'text', id: 'setl-id', placeholder: 'setl_id', value: setlId || '' });
  const out = el('div', {});
  const go = () => { if (input.value.trim()) location.hash = `#/explain/${encodeURIComponent(input.value.trim())}`; };
  input.addEventListener('keydown', e => { if (e.key === 'Enter') go(); });
  view(el('h1', {}, t('Explain a settlement')), el('div', { class: 'panel' }, input, ' ', el('button', { onclick: go }, t('Explain'))), out);
  if (!setlId) return;
  const x = await get(`/settlements/${encodeURIComponent(setlId)}`);
  fill(out, x
    ? el('div', {}, el('h2', {}, `${x.setlId} `, badge(x.status), x.runId ? el('a', { href: `#/runs/${x.runId}`, style: 'font-weight:400;font-size:.85em' }, ` ${tf('run #{0}', x.runId)}`) : null),
      x.psnNo ? el('p', {}, el('a', { id: 'person-link', href: `#/persons/${encodeURIComponent(x.psnNo)}` + (x.year ? `/${x.year}` : '') },
        tf('Person {0}: the year {1}, claim by claim', x.psnNo, x.year || ''))) : null,
      x.reason ? el('p', {}, t('Reason:'), ' ', el('code', {}, x.reason)) : null,
      el('p', { class: 'muted' }, t('The calculation as stored when the claim was settled (in English, with the rule ids of POLICY.md).')),
      el('pre', { class: 'explain', id: 'explanation' }, x.text || t('(no trace stored)')))
    : el('p', {}, tf('No settlement {0}.', setlId)));
}

// A person's year: every claim in settlement order, its amounts per fund, and the accumulators after it.
async function person(psnNo, year) {
  const input = el('input', { type: 'text', id: 'psn-no', placeholder: 'psn_no', value: psnNo || '' });
  const go = () => { if (input.value.trim()) location.hash = `#/persons/${encodeURIComponent(input.value.trim())}`; };
  input.addEventListener('keydown', e => { if (e.key === 'Enter') go(); });
  const search = el('div', { class: 'panel' }, input, ' ', el('button', { onclick: go }, t('Show')));
  if (!psnNo) { view(el('h1', {}, t('A person\'s year')), search); return; }
  const p = await get(`/persons/${encodeURIComponent(psnNo)}` + (year ? `/${year}` : ''));
  if (!p) { view(el('h1', {}, t('A person\'s year')), search, el('p', {}, tf('No settled claim of person {0}.', psnNo))); return; }
  const shown = p.slots.filter(sl => p.claims.some(c => c.accAfter && c.accAfter[sl.index] !== 0) || (p.stored && p.stored[sl.index] !== 0));
  const fmt = (sl, v) => sl.money ? yuan(v) : n(v);
  const money = v => v === null || v === undefined ? '—' : yuan(v);
  const years = el('div', { class: 'cards', id: 'years' }, p.years.map(y => el('a', { class: 'card' + (y === p.year ? ' sel' : ''), href: `#/persons/${encodeURIComponent(p.psnNo)}/${y}` }, el('b', {}, String(y)))));
  const registry = p.registry.length ? scroller(el('table', { id: 'registry' },
    el('thead', {}, el('tr', {}, ['Region', 'Insurance', 'Enrolment', 'Paid', 'Hardship', 'Continuous years', 'Zero-claim years'].map(h => el('th', {}, t(h))))),
    el('tbody', {}, p.registry.map(r => el('tr', {}, el('td', {}, `${r.admdvs} ${regionName(r.admdvs)}`), el('td', {}, r.insutype), el('td', {}, r.enrolKind),
      el('td', {}, r.paidDate), el('td', {}, r.hardship || '—'), el('td', { class: 'num' }, r.continuousYears ?? '—'), el('td', { class: 'num' }, r.zeroClaimYears ?? '—'))))))
    : el('p', { class: 'muted' }, t('No registry row for this year.'));
  const claims = scroller(el('table', { id: 'person-claims' },
    el('thead', {}, el('tr', {}, ['#', 'setl_id', 'Service', 'Batch / run', 'State', 'med_type', 'Medical fee', 'Pooled fund', '大病', '大额', 'Assistance', 'Funds total', 'Personal']
      .map((h, i) => el('th', { class: i === 0 || i >= 6 ? 'num' : null }, t(h))))),
    el('tbody', {}, p.claims.map((c, i) => el('tr', {},
      el('td', { class: 'num' }, i + 1),
      el('td', {}, el('a', { href: `#/explain/${encodeURIComponent(c.setlId)}` }, c.setlId), c.reversalOf ? el('div', { class: 'muted' }, tf('reversal of {0}', c.reversalOf)) : null),
      el('td', {}, c.beginDate && c.endDate ? `${c.beginDate} → ${c.endDate}` : '—'),
      el('td', {}, c.batchId, ' ', el('a', { href: `#/runs/${c.runId}` }, `#${c.runId}`)),
      el('td', {}, badge(c.status), c.assumedParams ? el('div', { class: 'muted' }, t('assumed parameter')) : null, c.reason && c.status !== 'settled' ? el('div', { class: 'muted' }, c.reason) : null),
      el('td', {}, c.medType),
      el('td', { class: 'num' }, money(c.medfee)),
      ...(c.status === 'quarantined' ? [el('td', { colspan: 6, class: 'muted' }, t('not settled: no amounts'))]
        : [c.hifpPay, c.hifmiPay, c.hifobPay, c.mafPay, c.fundPaySumamt, c.psnPartAmt].map(v => el('td', { class: 'num' + (v < 0 ? ' neg' : '') }, yuan(v)))))))));
  let prev = null;
  const accRows = p.claims.map((c, i) => {
    const cells = shown.map(sl => {
      if (!c.accAfter) return el('td', { class: 'num muted' }, '·');
      const v = c.accAfter[sl.index], changed = !prev || prev[sl.index] !== v;
      return el('td', { class: 'num' + (changed && (prev || v !== 0) ? ' chg' : '') }, fmt(sl, v));
    });
    if (c.accAfter) prev = c.accAfter;
    return el('tr', {}, el('td', { class: 'num' }, i + 1), el('td', {}, c.setlId), ...cells);
  });
  const stored = p.stored ? el('tr', { id: 'stored' }, el('th', {}, ''), el('th', {}, t('stored now'), ' ', badge(p.agrees ? 'balanced' : 'mismatch')),
    ...shown.map(sl => el('th', { class: 'num' }, fmt(sl, p.stored[sl.index])))) : null;
  const accs = scroller(el('table', { id: 'person-acc' },
    el('thead', {}, el('tr', {}, el('th', { class: 'num' }, '#'), el('th', {}, 'setl_id'), shown.map(sl => el('th', { class: 'num' }, sl.name)))),
    el('tbody', {}, accRows, stored)));
  view(el('h1', {}, tf('Person {0} · {1}', p.psnNo, p.year)), search, years,
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Registry')), registry),
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Claims in settlement order, amounts per fund')), claims),
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Accumulators after each claim')),
      el('p', { class: 'muted', id: 'acc-source' }, t('Reconstructed from the stored results: each result keeps how it moved the year-to-date accumulators (after − before); their running sum from zero, in settlement order (the run, then the settlement date and setl_id), is the state after each claim. Bold: changed by that claim. The last row is the accumulator stored now; the badge says whether the running sum ends on it. Slots that stay zero all year, and the chronic-disease monthly lanes, are not shown.')),
      accs));
}

// ---------- router ----------
async function route() {
  stopLive();
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === (parts[0] || 'overview')));
  try {
    if (!parts.length) await overview();
    else if (parts[0] === 'runs' && parts[1]) await run(parts[1], params);
    else if (parts[0] === 'runs') await runs(params);
    else if (parts[0] === 'audit') await audit(params);
    else if (parts[0] === 'explain') await explain(parts[1] ? decodeURIComponent(parts[1]) : '');
    else if (parts[0] === 'persons') await person(parts[1] ? decodeURIComponent(parts[1]) : '', parts[2] || '');
    else if (parts[0] === 'simulations' && window.simulationPage) await window.simulationPage(parts[1]); // simulation.js
    // Pages in their own files (finance.js) register here.
    else if (window.BS_PAGES && window.BS_PAGES[parts[0]]) await window.BS_PAGES[parts[0]](parts.slice(1), params);
    else view(el('h1', {}, t('Not found')));
  } catch (e) {
    view(el('h1', {}, t('Something went wrong')), el('p', { class: 'err' }, String(e.message || e)));
  }
}

(async () => {
  applyLang();
  document.getElementById('lang').addEventListener('click', () => setLang(lang === 'zh' ? 'en' : 'zh'));
  try { me = await get('/me') || me; } catch { /* shown as viewer */ }
  const showMe = () => { document.getElementById('me').textContent = `${me.name} · ${t(me.role)}`; };
  showMe();
  document.getElementById('lang').addEventListener('click', showMe);
  window.addEventListener('hashchange', route);
  route();
})();

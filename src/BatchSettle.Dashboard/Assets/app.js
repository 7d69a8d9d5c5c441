// BatchSettle operations dashboard: plain JavaScript, no framework, no CDN. Hash routes, JSON from /dashboard/api,
// live updates by server-sent events. Every value from the server goes into the page as text, never as HTML.
'use strict';

const API = '/dashboard/api';
const FUNDS = {
  '310100': '职工统筹 employee pooled fund',
  '390100': '居民统筹 resident pooled fund',
  '390200': '居民大病 resident critical illness',
  '330100': '职工大额 employee large-amount',
  '610100': '医疗救助 medical assistance',
};
const STATES = ['queued', 'running', 'succeeded', 'succeeded_with_quarantine', 'failed', 'cancelled'];

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
const when = t => t ? new Date(t).toLocaleString('en-GB', { hour12: false }) : '—';
const dur = s => {
  if (s === null || s === undefined || !isFinite(s)) return '—';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${r}s` : `${r}s`;
};
const badge = s => el('span', { class: 'badge s-' + String(s).replace(/ /g, '.') }, String(s).replace(/_/g, ' '));
function bar(done, total, status, big) {
  const pct = total > 0 ? Math.min(100, (100 * done) / total) : (status === 'succeeded' ? 100 : 0);
  const cls = 'bar' + (big ? ' big' : '') + (status && status.startsWith('succeeded') ? ' done' : status === 'failed' ? ' failed' : '');
  const b = el('div', { class: cls, role: 'progressbar', 'aria-valuenow': pct.toFixed(1), 'data-done': done, 'data-total': total },
    el('i', { style: `width:${pct.toFixed(2)}%` }), el('span', {}, `${n(done)} / ${n(total)} (${pct.toFixed(1)}%)`));
  return b;
}
function toast(msg, bad) {
  const t = document.getElementById('toast');
  t.textContent = msg; t.className = 'toast' + (bad ? ' bad' : ''); t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 6000);
}
async function get(path) {
  const r = await fetch(API + path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (r.status === 404) return null;
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
  for (const t of timers) clearInterval(t);
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
    class: cls, disabled: !me.canAct, title: me.canAct ? null : 'operators only',
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
  if (points.length < 2) { g.fillStyle = '#656d76'; g.fillText('waiting for samples…', pad.l, h / 2); return; }
  const t0 = points[0].t, t1 = points[points.length - 1].t || t0 + 1;
  const maxY = Math.max(1, ...points.map(p => p.v)) * 1.1;
  axes(g, w, h, maxY, unit, pad);
  const x = t => pad.l + ((w - pad.l - pad.r) * (t - t0)) / Math.max(1, t1 - t0);
  const y = v => h - pad.b - ((h - pad.t - pad.b) * v) / maxY;
  g.strokeStyle = color || '#1f6feb'; g.lineWidth = 2; g.beginPath();
  points.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.v)) : g.moveTo(x(p.t), y(p.v))));
  g.stroke();
  g.fillStyle = '#656d76';
  g.fillText(new Date(t0).toLocaleTimeString('en-GB'), pad.l, h - 6);
  const last = new Date(t1).toLocaleTimeString('en-GB');
  g.fillText(last, w - pad.r - g.measureText(last).width, h - 6);
}
// days: [{day, succeeded, failed, claimsSettled}]
function historyChart(canvas, days) {
  const { g, w, h } = setupCanvas(canvas);
  const pad = { l: 64, r: 10, t: 10, b: 22 };
  const maxY = Math.max(4, ...days.map(d => d.succeeded + d.failed));
  axes(g, w, h, maxY, ' runs', pad);
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
  const batchInput = el('input', { type: 'text', id: 'batch-id', placeholder: 'batch id, e.g. 210500-2025-03' });
  const trigger = el('div', { class: 'panel' },
    el('h2', { style: 'margin-top:0' }, 'Trigger a batch'),
    el('div', {}, batchInput, ' ',
      el('button', {
        class: 'primary', id: 'trigger-batch', disabled: !me.canAct, title: me.canAct ? null : 'operators only',
        onclick: () => batchInput.value && act(`/batches/${encodeURIComponent(batchInput.value.trim())}/trigger`, `Trigger ${batchInput.value.trim()}`),
      }, 'Trigger now')),
    el('p', { class: 'muted' }, 'Settles the batch on the cluster: a new run, the failed one resumed, or nothing if it already succeeded.'));
  view(el('h1', {}, 'Overview'), cards,
    el('div', { class: 'grid' },
      el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, 'Live: claims settled per second'), liveCanvas),
      el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, 'History: runs finished per day (14 days)'), histCanvas,
        el('div', { class: 'legend' }, el('span', {}, el('i', { style: 'background:#1a7f37' }), 'succeeded'), el('span', {}, el('i', { style: 'background:#cf222e' }), 'failed')))),
    el('h2', {}, 'Running now'), running, trigger);

  const rates = [];
  let prev = null;
  stream('/live', 'overview', o => {
    fill(cards, ...STATES.map(s => {
      const c = o.counts.find(x => x.status === s);
      return el('a', { class: 'card', href: `#/runs?status=${s}` }, el('b', {}, n(c ? c.count : 0)), badge(s));
    }));
    const done = o.running.reduce((a, r) => a + r.run.claimsDone, 0);
    const t = Date.parse(o.at);
    if (prev && t > prev.t) rates.push({ t, v: Math.max(0, (1000 * (done - prev.done)) / (t - prev.t)) });
    prev = { t, done };
    while (rates.length > 120) rates.shift();
    lineChart(liveCanvas, rates, '/s', '#1a7f37');
    historyChart(histCanvas, o.history);
    fill(running, o.running.length ? runningTable(o.running) : el('p', { class: 'muted' }, 'Nothing is running.'));
  });
}
function runningTable(list) {
  return el('table', {},
    el('thead', {}, el('tr', {}, el('th', {}, 'Run'), el('th', {}, 'Batch'), el('th', {}, 'State'), el('th', { style: 'width:40%' }, 'Progress'), el('th', { class: 'num' }, 'Rate'), el('th', { class: 'num' }, 'ETA'))),
    el('tbody', {}, list.map(l => el('tr', {},
      el('td', {}, el('a', { href: `#/runs/${l.run.runId}` }, `#${l.run.runId}`)),
      el('td', {}, l.run.batchId), el('td', {}, badge(l.run.status)),
      el('td', {}, bar(l.run.claimsDone, l.run.claimsTotal, l.run.status)),
      el('td', { class: 'num' }, l.claimsPerSecond ? `${n(Math.round(l.claimsPerSecond))}/s` : '—'),
      el('td', { class: 'num' }, dur(l.etaSeconds))))));
}

async function runs(params) {
  const status = params.get('status');
  const after = params.get('after');
  const q = new URLSearchParams();
  if (status) q.set('status', status);
  if (after) q.set('after', after);
  const page = await get('/runs?' + q);
  const total = page.counts.reduce((a, c) => a + c.count, 0);
  const tabs = el('div', { class: 'cards' },
    el('a', { class: 'card' + (status ? '' : ' sel'), href: '#/runs' }, el('b', {}, n(total)), 'all'),
    STATES.map(s => {
      const c = page.counts.find(x => x.status === s);
      return el('a', { class: 'card' + (status === s ? ' sel' : ''), href: `#/runs?status=${s}` }, el('b', {}, n(c ? c.count : 0)), badge(s));
    }));
  const rows = page.items.map(r => el('tr', {},
    el('td', {}, el('a', { href: `#/runs/${r.runId}` }, `#${r.runId}`)),
    el('td', {}, r.batchId), el('td', {}, badge(r.status)), el('td', { class: 'num' }, r.attempt),
    el('td', {}, bar(r.claimsDone, r.claimsTotal, r.status)),
    el('td', { class: 'num' }, n(r.settled)), el('td', { class: 'num' }, n(r.rejected)), el('td', { class: 'num' }, n(r.quarantined)),
    el('td', {}, when(r.createdAt)), el('td', {}, r.finishedAt ? when(r.finishedAt) : '—'),
    el('td', { class: 'err' }, r.error ? r.error.slice(0, 160) : '')));
  const base = status ? `#/runs?status=${status}&` : '#/runs?';
  view(el('h1', {}, 'Runs'), tabs,
    el('table', { id: 'runs' },
      el('thead', {}, el('tr', {}, ['Run', 'Batch', 'State', 'Attempt', 'Progress', 'Settled', 'Rejected', 'Quarantined', 'Created', 'Finished', 'Error']
        .map((h, i) => el('th', { class: i >= 5 && i <= 7 || i === 3 ? 'num' : null }, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 11, class: 'muted' }, 'No runs.')))),
    el('div', { class: 'pager' },
      after ? el('a', { class: 'btn', href: status ? `#/runs?status=${status}` : '#/runs' }, '⇤ Newest') : null,
      page.nextAfter ? el('a', { class: 'btn', id: 'older', href: `${base}after=${page.nextAfter}` }, 'Older →') : null));
}

async function run(runId) {
  const d = await get(`/runs/${runId}`);
  if (!d) { view(el('h1', {}, `Run #${runId}`), el('p', {}, 'No such run.')); return; }
  const title = el('h1', {});
  const facts = el('dl', { class: 'facts' });
  const overall = el('div', {});
  const parts = el('tbody', {});
  const chart = el('canvas', { id: 'throughput' });
  const actions = el('div', { style: 'display:flex;gap:.5rem' });
  const quarantine = el('div', {});
  const books = el('div', {});
  const samples = d.samples.map(s => ({ t: Date.parse(s.at), v: s.claimsDone }));

  function draw(l) {
    const r = l.run;
    fill(title, `Run #${r.runId} · ${r.batchId} `, badge(r.status), l.cancelRequested && !['cancelled', 'failed'].includes(r.status) && !r.status.startsWith('succeeded') ? badge('cancel requested') : null);
    fill(facts, 
      el('dt', {}, 'Attempt'), el('dd', {}, r.attempt),
      el('dt', {}, 'Requested by'), el('dd', {}, r.requestedBy || '—'),
      el('dt', {}, 'Created'), el('dd', {}, when(r.createdAt)),
      el('dt', {}, 'Started'), el('dd', {}, when(r.startedAt)),
      el('dt', {}, 'Finished'), el('dd', {}, when(r.finishedAt)),
      el('dt', {}, 'Duration'), el('dd', {}, r.startedAt ? dur(((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000) : '—'),
      el('dt', {}, 'Claims'), el('dd', {}, ['queued', 'running'].includes(r.status)
        ? `${n(r.claimsDone)} of ${n(r.claimsTotal)} done (settled / rejected / quarantined are counted when the run ends)`
        : `${n(r.settled)} settled · ${n(r.rejected)} rejected · ${n(r.quarantined)} quarantined of ${n(r.claimsTotal)}`),
      el('dt', {}, 'Rate'), el('dd', { id: 'rate' }, l.claimsPerSecond ? `${n(Math.round(l.claimsPerSecond))} claims/s` : '—'),
      el('dt', {}, 'ETA'), el('dd', { id: 'eta' }, r.status === 'running' ? dur(l.etaSeconds) : '—'),
      r.error ? el('dt', {}, 'Error') : null, r.error ? el('dd', { class: 'err' }, r.error) : null);
    fill(overall, bar(r.claimsDone, r.claimsTotal, r.status, true));
    fill(parts, ...l.partitions.map(p => el('tr', {},
      el('td', { class: 'num' }, p.partNo), el('td', {}, badge(p.status)), el('td', { style: 'width:45%' }, bar(p.claimsDone, p.claimsTotal, p.status)),
      el('td', { class: 'num' }, n(p.chunks)), el('td', {}, p.owner || '—'),
      el('td', {}, p.jobId ? el('a', { href: `/hangfire/jobs/details/${encodeURIComponent(p.jobId)}`, class: 'job' }, `job ${p.jobId}`) : '—'),
      el('td', {}, when(p.updatedAt)), el('td', { class: 'err' }, p.error || ''))));
    fill(actions, 
      ['failed', 'cancelled'].includes(r.status) ? actionButton('Retry', 'primary', `/runs/${r.runId}/retry`, `Retry run #${r.runId} of ${r.batchId}?`, () => route()) : null,
      ['queued', 'running'].includes(r.status) ? actionButton('Cancel', 'danger', `/runs/${r.runId}/cancel`, `Cancel run #${r.runId}? It stops at the next chunk boundary.`, null) : null);
    const rate = [];
    for (let i = 1; i < samples.length; i++) {
      const dt = (samples[i].t - samples[i - 1].t) / 1000;
      if (dt > 0) rate.push({ t: samples[i].t, v: Math.max(0, (samples[i].v - samples[i - 1].v) / dt) });
    }
    lineChart(chart, rate, '/s');
  }
  function drawBooks(funds, rec) {
    fill(books, 
      el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Fund (fund_pay_type)'), el('th', { class: 'num' }, 'Claims'), el('th', { class: 'num' }, 'Paid'))),
        el('tbody', {}, funds.length ? funds.map(f => el('tr', {}, el('td', {}, `${f.fundPayType} ${FUNDS[f.fundPayType] || ''}`), el('td', { class: 'num' }, n(f.claims)), el('td', { class: 'num' }, yuan(f.fen))))
          : el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'No fund payments yet.')),
        funds.length ? el('tr', {}, el('th', {}, 'Total'), el('th', {}, ''), el('th', { class: 'num' }, yuan(funds.reduce((a, f) => a + f.fen, 0)))) : null)),
      el('h2', {}, 'Reconciliation ', badge(rec.status)),
      el('dl', { class: 'facts', id: 'reconciliation' },
        el('dt', {}, 'Ledger debits / credits'), el('dd', {}, `${yuan(rec.ledgerDebit)} / ${yuan(rec.ledgerCredit)}`),
        el('dt', {}, 'Unbalanced entries'), el('dd', {}, n(rec.unbalancedEntries)),
        el('dt', {}, 'Funds paid: results / ledger'), el('dd', {}, `${yuan(rec.resultsFundPay)} / ${yuan(rec.ledgerFundPay)}`)));
  }
  async function loadQuarantine(after) {
    const q = await get(`/runs/${runId}/quarantine?limit=10` + (after ? `&after=${encodeURIComponent(after)}` : ''));
    fill(quarantine, 
      el('p', { class: 'muted' }, `${n(q.total)} quarantined claims (not settled; they do not fail the run).`),
      el('table', { id: 'quarantine' }, el('thead', {}, el('tr', {}, el('th', {}, 'setl_id'), el('th', {}, 'Line'), el('th', {}, 'Field'), el('th', {}, 'Reason'))),
        el('tbody', {}, q.items.map(i => el('tr', {},
          el('td', {}, i.setlId ? el('a', { href: `#/explain/${encodeURIComponent(i.setlId)}` }, i.setlId) : el('span', { class: 'muted' }, i.sourceFile || '(unreadable)')),
          el('td', { class: 'num' }, i.sourceLine ?? ''), el('td', {}, i.field || ''), el('td', {}, i.reason))))),
      el('div', { class: 'pager' },
        after ? el('button', { onclick: () => loadQuarantine(null) }, '⇤ First') : null,
        q.nextAfter ? el('button', { onclick: () => loadQuarantine(q.nextAfter) }, 'Next →') : null));
  }

  view(title, el('div', { class: 'grid' },
    el('div', { class: 'panel' }, facts, el('div', { style: 'margin-top:.8rem' }, actions)),
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, 'Throughput (claims/s)'), chart)),
  el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, 'Progress'), overall,
    el('table', { id: 'partitions', style: 'margin-top:.8rem' },
      el('thead', {}, el('tr', {}, ['Part', 'State', 'Progress', 'Chunks', 'Node', 'Hangfire job', 'Updated', 'Error'].map((h, i) => el('th', { class: i === 0 || i === 3 ? 'num' : null }, h)))), parts)),
  el('div', { class: 'grid' },
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, 'Fund totals'), books),
    el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, 'Quarantined claims'), quarantine)));
  draw(d.live);
  drawBooks(d.funds, d.reconciliation);
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
        get(`/runs/${runId}`).then(full => { if (full) { drawBooks(full.funds, full.reconciliation); loadQuarantine(null); } });
      } else if (l.run.status !== lastStatus) {
        lastStatus = l.run.status;
      }
    });
  }
}

async function audit(params) {
  const after = params.get('after');
  const a = await get('/audit' + (after ? `?after=${after}` : ''));
  view(el('h1', {}, 'Audit trail'), el('p', { class: 'muted' }, 'Every operator action, accepted or refused, with who and when.'),
    el('table', { id: 'audit' },
      el('thead', {}, el('tr', {}, ['When', 'Who', 'Role', 'Action', 'Target', 'Outcome', 'Detail'].map(h => el('th', {}, h)))),
      el('tbody', {}, a.items.length ? a.items.map(x => el('tr', {},
        el('td', {}, when(x.at)), el('td', {}, x.actor), el('td', {}, x.role), el('td', {}, x.action.replace(/_/g, ' ')),
        el('td', {}, x.target), el('td', {}, badge(x.outcome === 'accepted' ? 'succeeded' : 'failed')), el('td', { class: 'muted' }, x.detail || '')))
        : el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No actions yet.')))),
    el('div', { class: 'pager' },
      after ? el('a', { class: 'btn', href: '#/audit' }, '⇤ Newest') : null,
      a.nextAfter ? el('a', { class: 'btn', href: `#/audit?after=${a.nextAfter}` }, 'Older →') : null));
}

async function explain(setlId) {
  const input = el('input', { type: 'text', id: 'setl-id', placeholder: 'setl_id', value: setlId || '' });
  const out = el('div', {});
  const go = () => { if (input.value.trim()) location.hash = `#/explain/${encodeURIComponent(input.value.trim())}`; };
  input.addEventListener('keydown', e => { if (e.key === 'Enter') go(); });
  view(el('h1', {}, 'Explain a settlement'), el('div', { class: 'panel' }, input, ' ', el('button', { onclick: go }, 'Explain')), out);
  if (!setlId) return;
  const x = await get(`/settlements/${encodeURIComponent(setlId)}`);
  fill(out, x
    ? el('div', {}, el('h2', {}, `${x.setlId} `, badge(x.status), x.runId ? el('a', { href: `#/runs/${x.runId}`, style: 'font-weight:400;font-size:.85em' }, ` run #${x.runId}`) : null),
      x.reason ? el('p', {}, 'Reason: ', el('code', {}, x.reason)) : null,
      el('pre', { class: 'explain', id: 'explanation' }, x.text || '(no trace stored)'))
    : el('p', {}, `No settlement ${setlId}.`));
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
    else if (parts[0] === 'runs' && parts[1]) await run(parts[1]);
    else if (parts[0] === 'runs') await runs(params);
    else if (parts[0] === 'audit') await audit(params);
    else if (parts[0] === 'explain') await explain(parts[1] ? decodeURIComponent(parts[1]) : '');
    else if (parts[0] === 'simulations' && window.simulationPage) await window.simulationPage(parts[1]); // simulation.js
    else view(el('h1', {}, 'Not found'));
  } catch (e) {
    view(el('h1', {}, 'Something went wrong'), el('p', { class: 'err' }, String(e.message || e)));
  }
}

(async () => {
  try { me = await get('/me') || me; } catch { /* shown as viewer */ }
  document.getElementById('me').textContent = `${me.name} · ${me.role}`;
  window.addEventListener('hashchange', route);
  route();
})();

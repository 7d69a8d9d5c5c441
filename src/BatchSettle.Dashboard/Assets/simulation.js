// Policy simulations (issue 15): the list, and one simulation's report — per fund, month, hardship group and insutype,
// persons reached, the per-person delta's deciles as an SVG chart, alerts, and the top claims with the steps of their
// explanations that changed. Uses app.js's helpers (el, get, view, n, yuan, badge, when). Values go in as text only.
'use strict';

(() => {
  const t = window.t || (s => s);
  window.BS_I18N_ZH = Object.assign(window.BS_I18N_ZH || {}, {
    'Simulations': '政策模拟',
    'Policy simulations': '政策模拟',
    'What would a policy change cost? Each simulation re-settles a region-year under the policy in force and under policy + a draft; real results are never touched.':
      '政策调整要花多少钱？每次模拟按现行政策和“现行政策 + 草案”把一个地区一年的结算重算一遍；真实结算结果不受影响。',
    'Start one with': '用以下命令发起',
    'No simulations yet.': '还没有模拟。',
    'Name': '名称', 'Region': '地区', 'Year': '年度', 'Through': '截至', 'Claims': '结算单数', 'Status': '状态', 'Created': '创建时间',
    'Simulation': '模拟', 'not found or not finished': '不存在或尚未完成',
    'Fund': '基金', 'Baseline': '现行政策', 'Draft': '草案', 'Delta': '差额',
    'Month': '月份', 'Hardship group': '困难类别', 'Insutype': '险种',
    'Persons': '人数', 'affected': '受影响', 'paying more': '个人负担增加', 'paying less': '个人负担减少', 'claims changed': '结算单变化',
    'Per-person fund delta (persons affected), deciles': '受影响人员的人均基金差额（十分位）',
    'Alerts per threshold': '各预警线的预警人数', 'Threshold': '预警线', 'Newly raised': '新增预警', 'No longer raised': '不再预警',
    'none on either side': '两边都没有',
    'Claims using assumed parameters': '使用假设参数的结算单',
    'Baseline vs real results': '现行政策测算与真实结算对比', 'compared': '条已比对', 'differ': '条不一致',
    'Draft parameters': '草案参数', 'Top claims by |delta|': '差额最大的结算单', 'step': '步骤',
    'All funds': '基金合计', 'Back to the list': '返回列表', 'Settled in': '用时',
    'no claim of the simulation has a stored real result': '模拟中的结算单都没有真实结算结果',
  });

  const pct = l => l.baseline === 0 ? '—' : `${((l.draft - l.baseline) * 100 / l.baseline).toFixed(1)}%`;
  const signed = fen => (fen > 0 ? '+' : '') + yuan(fen);

  function lines(title, rows, id) {
    return el('table', { id, class: 'sim-table' },
      el('thead', {}, el('tr', {}, el('th', {}, title), ...[t('Baseline'), t('Draft'), t('Delta'), '%'].map(h => el('th', { class: 'num' }, h)))),
      el('tbody', {}, rows.map(l => el('tr', { class: l.draft > l.baseline ? 'sim-up' : l.draft < l.baseline ? 'sim-down' : null },
        el('td', {}, l.key), el('td', { class: 'num' }, yuan(l.baseline)), el('td', { class: 'num' }, yuan(l.draft)),
        el('td', { class: 'num' }, signed(l.draft - l.baseline)), el('td', { class: 'num' }, pct(l))))));
  }

  // The deciles as bars on a zero line: SVG attributes only (the CSP refuses style attributes).
  function decileChart(deciles) {
    const NS = 'http://www.w3.org/2000/svg';
    const s = (tag, attrs, text) => {
      const e = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const W = 640, H = 220, top = 16, bottom = 40, left = 8, bw = (W - left * 2) / deciles.length;
    const max = Math.max(1, ...deciles.map(Math.abs));
    const hasNeg = deciles.some(d => d < 0), hasPos = deciles.some(d => d > 0);
    const zero = hasNeg && hasPos ? top + (H - top - bottom) / 2 : hasNeg ? top : H - bottom;
    const scale = (hasNeg && hasPos ? (H - top - bottom) / 2 : H - top - bottom) / max;
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'sim-chart', id: 'sim-deciles', role: 'img', 'aria-label': t('Per-person fund delta (persons affected), deciles') });
    svg.append(s('line', { x1: left, x2: W - left, y1: zero, y2: zero, class: 'sim-axis' }));
    deciles.forEach((d, i) => {
      const h = Math.abs(d) * scale, x = left + i * bw + bw * 0.15, w = bw * 0.7;
      svg.append(s('rect', { x, y: d >= 0 ? zero - h : zero, width: w, height: Math.max(h, 0.5), class: d >= 0 ? 'sim-bar-up' : 'sim-bar-down' }));
      svg.append(s('text', { x: x + w / 2, y: H - 22, 'text-anchor': 'middle', class: 'sim-label' }, i === 0 ? 'min' : i === 10 ? 'max' : `p${i * 10}`));
      svg.append(s('text', { x: x + w / 2, y: H - 6, 'text-anchor': 'middle', class: 'sim-value' }, yuan(d)));
    });
    return svg;
  }

  async function list() {
    const sims = await get('/simulations') || [];
    view(el('h1', {}, t('Policy simulations')),
      el('p', { class: 'muted' }, t('What would a policy change cost? Each simulation re-settles a region-year under the policy in force and under policy + a draft; real results are never touched.')),
      el('p', { class: 'muted' }, t('Start one with'), ' ', el('code', {}, 'batchsettle simulate --admdvs A --year Y --params draft.csv')),
      el('table', { id: 'simulations' },
        el('thead', {}, el('tr', {}, ['#', t('Name'), t('Region'), t('Year'), t('Through'), t('Claims'), t('Status'), t('Created')].map(h => el('th', {}, h)))),
        el('tbody', {}, sims.length ? sims.map(x => el('tr', {},
          el('td', {}, el('a', { href: `#/simulations/${x.simId}` }, `#${x.simId}`)), el('td', {}, el('a', { href: `#/simulations/${x.simId}` }, x.name)),
          el('td', {}, x.admdvs), el('td', {}, String(x.year)), el('td', {}, String(x.through).slice(0, 7)), el('td', { class: 'num' }, n(x.claims)),
          el('td', {}, badge(x.status === 'done' ? 'succeeded' : x.status)), el('td', {}, when(x.createdAt))))
          : el('tr', {}, el('td', { colspan: 8, class: 'muted' }, t('No simulations yet.'))))));
  }

  async function show(id) {
    const r = await get(`/simulations/${encodeURIComponent(id)}`);
    if (!r) {
      view(el('h1', {}, `${t('Simulation')} #${id}`), el('p', {}, t('not found or not finished')), el('a', { href: '#/simulations' }, t('Back to the list')));
      return;
    }
    const all = r.funds.find(f => f.key === 'all funds') || { baseline: 0, draft: 0 };
    view(
      el('h1', {}, `${t('Simulation')} #${r.simId}: ${r.name}`),
      el('p', { class: 'muted' }, `${r.admdvs} · ${r.year} → ${r.through} · ${n(r.claims)} ${t('Claims')} · ${t('Settled in')} ${n(r.baselineMs)} + ${n(r.draftMs)} ms · `,
        el('a', { href: '#/simulations' }, t('Back to the list'))),
      el('div', { class: 'cards' },
        el('div', { class: 'card', id: 'sim-total' }, t('All funds'), el('b', {}, signed(all.draft - all.baseline)), pct(all)),
        el('div', { class: 'card' }, t('affected'), el('b', {}, n(r.personsAffected)), `${t('Persons')} ${n(r.persons)}`),
        el('div', { class: 'card' }, t('paying more'), el('b', {}, n(r.payingMore))),
        el('div', { class: 'card' }, t('paying less'), el('b', {}, n(r.payingLess))),
        el('div', { class: 'card' }, t('claims changed'), el('b', {}, n(r.claimsChanged)))),
      el('h2', {}, t('Fund')), lines(t('Fund'), r.funds, 'sim-funds'),
      el('h2', {}, t('Per-person fund delta (persons affected), deciles')),
      r.deciles.length === 11 ? el('div', { class: 'panel' }, decileChart(r.deciles)) : el('p', { class: 'muted' }, '—'),
      el('div', { class: 'grid' },
        el('div', {}, el('h2', {}, t('Month')), lines(t('Month'), r.months, 'sim-months')),
        el('div', {}, el('h2', {}, t('Insutype')), lines(t('Insutype'), r.insutypes, 'sim-insutypes'))),
      el('h2', {}, t('Hardship group')), lines(t('Hardship group'), r.hardship, 'sim-hardship'),
      el('h2', {}, t('Alerts per threshold')),
      el('table', { id: 'sim-alerts' },
        el('thead', {}, el('tr', {}, [t('Threshold'), t('Baseline'), t('Draft'), t('Newly raised'), t('No longer raised')].map(h => el('th', { class: 'num' }, h)))),
        el('tbody', {}, r.alerts.length ? r.alerts.map(a => el('tr', {}, el('td', { class: 'num' }, yuan(a.threshold)), el('td', { class: 'num' }, n(a.baseline)),
          el('td', { class: 'num' }, n(a.draft)), el('td', { class: 'num' }, n(a.newlyRaised)), el('td', { class: 'num' }, n(a.noLongerRaised))))
          : el('tr', {}, el('td', { colspan: 5, class: 'muted' }, t('none on either side'))))),
      el('dl', { class: 'facts panel' },
        el('dt', {}, t('Claims using assumed parameters')), el('dd', {}, `${t('Baseline')} ${n(r.assumedClaims.baseline)} · ${t('Draft')} ${n(r.assumedClaims.draft)}`),
        el('dt', {}, t('Baseline vs real results')),
        el('dd', { id: 'sim-real' }, r.realCompared ? `${n(r.realCompared)} ${t('compared')}, ${n(r.realDiffering)} ${t('differ')}` : t('no claim of the simulation has a stored real result')),
        el('dt', {}, t('Draft parameters')), el('dd', {}, r.draftRows.map(x => el('div', {}, el('code', {}, x))))),
      el('h2', {}, t('Top claims by |delta|')),
      el('div', { id: 'sim-top' }, r.topClaims.map(c => el('div', { class: 'panel' },
        el('div', {}, el('a', { href: `#/explain/${encodeURIComponent(c.setlId)}` }, c.setlId), ` · ${c.psnNo} · ${c.batchId} · `,
          `${yuan(c.baselineFund)} → ${yuan(c.draftFund)} (${signed(c.draftFund - c.baselineFund)})`),
        el('table', { class: 'sim-steps' },
          el('thead', {}, el('tr', {}, [t('step'), 'Rule', t('Baseline'), t('Draft')].map(h => el('th', {}, h)))),
          el('tbody', {}, c.steps.map(s => el('tr', {}, el('td', {}, `${s.step}. ${s.what}`), el('td', {}, s.rule),
            el('td', {}, el('code', {}, s.baseline)), el('td', {}, el('code', {}, s.draft))))))))));
  }

  window.simulationPage = id => (id ? show(id) : list());
})();

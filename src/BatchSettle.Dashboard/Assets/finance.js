// BatchSettle finance page (issue 14 item 6): accounting periods per region, a period's trial balances (科目余额表),
// facility statements (定点医疗机构月度结算单) searchable by facility, payments and outstanding owed, per-fund charts
// by month (drawn here, no CDN), downloads, and the period close for the finance role. Plain JavaScript; it uses the
// helpers app.js declares (el, fill, view, get, act, badge, setupCanvas, axes, n, me) and registers its route in
// window.BS_PAGES. Every value from the server goes into the page as text.
'use strict';
(() => {
  // The language switch (ui) provides window.t; until then, English.
  const t = s => (typeof window.t === 'function' ? window.t(s) : s);
  window.BS_I18N_ZH = Object.assign(window.BS_I18N_ZH || {}, {
    'Finance': '财务',
    'Accounting periods': '会计期间',
    'Region': '统筹区',
    'Period': '期间',
    'State': '状态',
    'Closed at': '结账时间',
    'Closed by': '结账人',
    'open': '未结账',
    'closed': '已结账',
    'View': '查看',
    'Close period': '结账',
    'finance role only': '仅限财务角色',
    'No accounting periods yet: a period exists once something is posted in it.': '尚无会计期间：有记账后才产生期间。',
    'Close {p}? It checks every run, every book and the statements; once closed, nothing posts into it again.': '确认结账 {p}？将检查全部批次运行、各基金账簿与结算单；结账后该期间不再记账。',
    'Close {p}': '结账 {p}',
    'Statements issued at close': '结算单已于结账时出具',
    'Statements provisional: the period is open': '结算单为预估：期间未结账',
    'Per fund by month: settled (by clearing month)': '分基金按月：结算额（按清算年月）',
    'Per fund by month: paid (by payment date)': '分基金按月：拨付额（按拨付日期）',
    'Trial balance (科目余额表)': '科目余额表',
    'Code': '科目编码',
    'Account': '科目名称',
    'Opening': '期初余额',
    'Debits': '本期借方',
    'Credits': '本期贷方',
    'Closing': '期末余额',
    'Total (leaf accounts)': '合计（末级科目）',
    'balanced': '平衡',
    'not balanced': '不平衡',
    'No entries in this book yet.': '该账簿尚无凭证。',
    'Facility statements (定点医疗机构月度结算单)': '定点医疗机构月度结算单',
    'Facility': '定点医疗机构',
    'Fund': '基金',
    'Group': '清算类别',
    'Claims': '结算笔数',
    'Medical fees': '医疗费总额',
    'Fund amount': '基金申报总额',
    'Reversals': '冲销',
    'Refused': '拒付',
    'Quarantined': '暂挂',
    'Deposit': '质量保证金',
    'Advance offset': '预付金冲抵',
    'Net to pay': '应拨付金额',
    'Total': '合计',
    'Search by facility code': '按定点医疗机构编号查找',
    'No statement lines.': '无结算单明细。',
    'No statement lines for that facility.': '该机构无结算单明细。',
    'Payments and clearings in the period': '本期拨付与清算',
    'Date': '日期',
    'Clearing month': '清算年月',
    'Method': '方式',
    'Amount': '金额',
    'Overpaid': '多拨',
    'Bank reference': '银行流水号',
    'Voucher': '凭证',
    'bank': '银行拨付',
    'advance_offset': '预付金冲抵',
    'deposit_kept': '保证金扣留',
    'Nothing paid or cleared in this period.': '本期无拨付或清算。',
    'Outstanding owed to facilities as of {d}': '截至 {d} 未拨付结算款',
    'Owed': '应拨付',
    'Cleared': '已清算',
    'Outstanding': '未拨付余额',
    'Deposit undecided': '未清算保证金',
    'Due now': '当前应付',
    'Age (days)': '账龄（天）',
    'Nothing outstanding.': '无未拨付款项。',
    'Downloads': '下载',
    'Amounts in yuan (单位：元). Times in UTC+8 (Asia/Shanghai).': '金额单位：元。时间为北京时间（UTC+8，Asia/Shanghai）。',
    'No such period.': '无此期间。',
    'UTC+8': '北京时间',
    'Benxi': '本溪',
    'Yingkou': '营口',
    'no data yet': '暂无数据',
    'Show all {n} rows': '显示全部 {n} 行',
  });
  const tf = (s, vars) => t(s).replace(/\{(\w+)\}/g, (_, k) => vars[k]);
  // Long lists show their first rows and a button for the rest (the downloads carry everything).
  function capRows(rows, colspan, limit) {
    if (rows.length <= limit) return rows;
    const hidden = rows.slice(limit);
    hidden.forEach(r => { r.hidden = true; });
    return [...rows, el('tr', { class: 'more' }, el('td', { colspan },
      el('button', { onclick: e => { hidden.forEach(r => { r.hidden = false; }); e.target.closest('tr').remove(); } },
        tf('Show all {n} rows', { n: rows.length }))))];
  }

  const REGIONS = { '210500': 'Benxi', '210800': 'Yingkou' };
  const FUND_NAMES = {
    '310100': '职工统筹', '330100': '职工大额', '390100': '居民统筹', '390200': '居民大病', '610100': '医疗救助',
  };
  const FUND_COLORS = { '310100': '#1f6feb', '330100': '#8250df', '390100': '#1a7f37', '390200': '#9a6700', '610100': '#cf222e' };

  // Money: integer fen to "#,##0.00" yuan without floating point; negative with a minus sign.
  function money(fen) {
    if (fen === null || fen === undefined) return '';
    const neg = fen < 0, a = Math.abs(fen);
    const yuanPart = Math.floor(a / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (neg ? '-' : '') + yuanPart + '.' + String(a % 100).padStart(2, '0');
  }
  // Dates YYYY-MM-DD, times in the funds' time zone, named.
  function stamp(iso) {
    if (!iso) return '—';
    const parts = {};
    for (const p of new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
    }).formatToParts(new Date(iso))) parts[p.type] = p.value;
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute} ${t('UTC+8')}`;
  }
  const num = (v, opts) => el('td', Object.assign({ class: 'num' }, opts || {}), v);
  const th = (label, isNum) => el('th', { class: isNum ? 'num' : null }, t(label));
  const fundLabel = f => `${f} ${FUND_NAMES[f] || ''}`;
  const link = (admdvs, period, facility) =>
    `#/finance?admdvs=${admdvs}` + (period ? `&period=${period}` : '') + (facility ? `&facility=${encodeURIComponent(facility)}` : '');

  // Grouped bars per month, one colour per fund.
  function monthChart(canvas, months, field) {
    const { g, w, h } = setupCanvas(canvas);
    const pad = { l: 86, r: 10, t: 10, b: 22 };
    const periods = [...new Set(months.map(m => m.period))].sort();
    const funds = [...new Set(months.map(m => m.fundPayType))].sort();
    if (!periods.length) { g.fillStyle = '#656d76'; g.fillText(t('no data yet'), pad.l, h / 2); return; }
    const maxY = Math.max(100, ...months.map(m => Math.abs(m[field]))) / 100 * 1.1;
    axes(g, w, h, maxY, '', pad);
    const gw = (w - pad.l - pad.r) / periods.length;
    const bw = Math.max(2, (gw - 8) / Math.max(1, funds.length));
    const y = v => ((h - pad.t - pad.b) * Math.max(0, v) / 100) / maxY;
    periods.forEach((p, i) => {
      const x0 = pad.l + i * gw + 4, base = h - pad.b;
      funds.forEach((f, j) => {
        const m = months.find(x => x.period === p && x.fundPayType === f);
        if (!m) return;
        g.fillStyle = FUND_COLORS[f] || '#8c959f';
        g.fillRect(x0 + j * bw, base - y(m[field]), bw - 1, y(m[field]));
      });
      g.fillStyle = '#656d76';
      g.fillText(p, x0, h - 6);
    });
  }
  function legend(funds) {
    return el('div', { class: 'legend' }, funds.map(f => el('span', {}, el('i', { style: `background:${FUND_COLORS[f] || '#8c959f'}` }), fundLabel(f))));
  }

  function periodsTable(admdvs, list, selected) {
    const canClose = me.role === 'finance';
    return el('table', { id: 'periods' },
      el('thead', {}, el('tr', {}, th('Period'), th('State'), th('Closed at'), th('Closed by'), el('th', {}, ''))),
      el('tbody', {}, list.length ? list.slice().reverse().map(p => el('tr', { class: p.period === selected ? 'sel' : null, 'data-period': p.period },
        el('td', {}, el('a', { href: link(admdvs, p.period) }, p.period)),
        el('td', {}, el('span', { class: 'badge s-' + (p.status === 'closed' ? 'succeeded' : 'running') }, t(p.status))),
        el('td', {}, stamp(p.closedAt)),
        el('td', {}, p.closedBy || '—'),
        el('td', {},
          el('a', { class: 'btn', href: link(admdvs, p.period) }, t('View')), ' ',
          p.status === 'open' ? el('button', {
            class: 'primary close-period', 'data-period': p.period, disabled: !canClose, title: canClose ? null : t('finance role only'),
            onclick: async e => {
              if (!window.confirm(tf('Close {p}? It checks every run, every book and the statements; once closed, nothing posts into it again.', { p: `${admdvs} ${p.period}` }))) return;
              e.target.disabled = true;
              try {
                await act(`/finance/${admdvs}/${p.period}/close`, tf('Close {p}', { p: `${admdvs} ${p.period}` }));
              } finally {
                // Re-read: closed (with who and when) or still open with the reasons in the toast.
                window.dispatchEvent(new HashChangeEvent('hashchange'));
              }
            },
          }, t('Close period')) : null)))
        : el('tr', {}, el('td', { colspan: 5, class: 'muted' }, t('No accounting periods yet: a period exists once something is posted in it.')))));
  }

  function trialBalance(book) {
    const balanced = book.totalDebits === book.totalCredits;
    return el('div', { class: 'panel tb', 'data-book': book.bookCode },
      el('h3', {}, `${book.bookName} (${book.bookCode}) `, el('span', { class: 'badge ' + (balanced ? 's-balanced' : 's-mismatch') }, t(balanced ? 'balanced' : 'not balanced'))),
      book.lines.length ? el('table', {},
        el('thead', {}, el('tr', {}, th('Code'), th('Account'), th('Opening', true), th('Debits', true), th('Credits', true), th('Closing', true))),
        el('tbody', {}, book.lines.map(l => el('tr', { class: l.level === 2 ? 'sub' : null },
          el('td', {}, l.code), el('td', {}, (l.level === 2 ? '  ' : '') + l.nameZh),
          num(money(l.opening)), num(money(l.debits)), num(money(l.credits)), num(money(l.closing)))),
        el('tr', { class: 'total' }, el('th', { colspan: 3 }, t('Total (leaf accounts)')), el('th', { class: 'num' }, money(book.totalDebits)),
          el('th', { class: 'num' }, money(book.totalCredits)), el('th', {}, ''))))
        : el('p', { class: 'muted' }, t('No entries in this book yet.')));
  }

  function statementsTable(lines, facility) {
    const shown = facility ? lines.filter(s => s.facility.toLowerCase().includes(facility.toLowerCase())) : lines;
    const sum = f => shown.reduce((a, s) => a + s[f], 0);
    return el('table', { id: 'statements' },
      el('thead', {}, el('tr', {}, th('Facility'), th('Fund'), th('Group'), th('Claims', true), th('Medical fees', true), th('Fund amount', true),
        th('Reversals', true), th('Refused', true), th('Quarantined', true), th('Deposit', true), th('Advance offset', true), th('Net to pay', true))),
      el('tbody', {}, shown.length ? capRows(shown.map(s => el('tr', {},
        el('td', {}, el('a', { href: '#', onclick: e => { e.preventDefault(); location.hash = link(s.admdvs, s.clearingMonth, s.facility); } }, s.facility)),
        el('td', {}, fundLabel(s.fundPayType)), el('td', {}, s.medGroup),
        num(n(s.claims)), num(money(s.medfeeSumamt)), num(money(s.fundAmount)), num(money(s.reversalAmount)), num(money(s.refusedAmount)),
        num(money(s.quarantinedAmount)), num(money(s.deposit)), num(money(s.advanceOffset)), num(money(s.netToPay)))), 12, 20)
        : el('tr', {}, el('td', { colspan: 12, class: 'muted' }, t(facility ? 'No statement lines for that facility.' : 'No statement lines.'))),
      shown.length ? el('tr', { class: 'total' }, el('th', { colspan: 3 }, t('Total')), el('th', { class: 'num' }, n(sum('claims'))),
        el('th', { class: 'num' }, money(sum('medfeeSumamt'))), el('th', { class: 'num' }, money(sum('fundAmount'))),
        el('th', { class: 'num' }, money(sum('reversalAmount'))), el('th', { class: 'num' }, money(sum('refusedAmount'))),
        el('th', { class: 'num' }, money(sum('quarantinedAmount'))), el('th', { class: 'num' }, money(sum('deposit'))),
        el('th', { class: 'num' }, money(sum('advanceOffset'))), el('th', { class: 'num', id: 'net-to-pay-total' }, money(sum('netToPay')))) : null));
  }

  function clearingsTable(list) {
    return el('table', { id: 'clearings' },
      el('thead', {}, el('tr', {}, th('Date'), th('Facility'), th('Clearing month'), th('Fund'), th('Method'), th('Amount', true), th('Overpaid', true),
        th('Bank reference'), th('Voucher'))),
      el('tbody', {}, list.length ? capRows(list.map(c => el('tr', {},
        el('td', {}, c.clearedDate), el('td', {}, c.facility), el('td', {}, c.clearingMonth), el('td', {}, fundLabel(c.fundPayType)),
        el('td', {}, t(c.method)), num(money(c.amount)), num(c.overpaid ? money(c.overpaid) : ''), el('td', {}, c.bankRef || ''),
        el('td', {}, c.voucherId ?? ''))), 9, 12)
        : el('tr', {}, el('td', { colspan: 9, class: 'muted' }, t('Nothing paid or cleared in this period.')))));
  }

  function outstandingTable(list) {
    const sum = f => list.reduce((a, l) => a + l[f], 0);
    return el('table', { id: 'outstanding' },
      el('thead', {}, el('tr', {}, th('Facility'), th('Fund'), th('Clearing month'), th('Owed', true), th('Cleared', true), th('Outstanding', true),
        th('Deposit undecided', true), th('Due now', true), th('Age (days)', true))),
      el('tbody', {}, list.length ? capRows(list.map(l => el('tr', {},
        el('td', {}, l.facility), el('td', {}, fundLabel(l.fundPayType)), el('td', {}, l.clearingMonth),
        num(money(l.owed)), num(money(l.cleared)), num(money(l.outstanding)), num(money(l.depositUndecided)), num(money(l.dueNow)), num(n(l.ageDays)))), 9, 12)
        : el('tr', {}, el('td', { colspan: 9, class: 'muted' }, t('Nothing outstanding.'))),
      list.length ? el('tr', { class: 'total' }, el('th', { colspan: 5 }, t('Total')), el('th', { class: 'num' }, money(sum('outstanding'))),
        el('th', { class: 'num' }, money(sum('depositUndecided'))), el('th', { class: 'num' }, money(sum('dueNow'))), el('th', {}, '')) : null));
  }

  async function financePage(_parts, params) {
    const admdvs = REGIONS[params.get('admdvs')] ? params.get('admdvs') : '210500';
    const all = await get('/finance/periods');
    const list = all.filter(p => p.admdvs === admdvs);
    const openOnes = list.filter(p => p.status === 'open');
    const period = params.get('period') || (openOnes.length ? openOnes[0].period : list.length ? list[list.length - 1].period : null);
    const facility = params.get('facility') || '';
    const tabs = el('div', { class: 'cards' }, Object.entries(REGIONS).map(([code, name]) =>
      el('a', { class: 'card' + (code === admdvs ? ' sel' : ''), href: link(code), id: `region-${code}` },
        el('b', {}, String(all.filter(p => p.admdvs === code).length)), `${code} ${t(name)}`)));
    const head = [el('h1', {}, t('Finance')), el('p', { class: 'muted' }, t('Amounts in yuan (单位：元). Times in UTC+8 (Asia/Shanghai).')), tabs,
      el('div', { class: 'panel' }, el('h2', { style: 'margin-top:0' }, t('Accounting periods')), periodsTable(admdvs, list, period))];
    if (!period) { view(head); return; }

    const [d, months] = await Promise.all([get(`/finance/${admdvs}/${period}`), get(`/finance/${admdvs}/months`)]);
    if (!d) { view(head, el('p', {}, t('No such period.'))); return; }
    const settled = el('canvas', { id: 'chart-settled' });
    const paid = el('canvas', { id: 'chart-paid' });
    const search = el('input', { type: 'text', id: 'facility-search', placeholder: t('Search by facility code'), value: facility });
    const statements = el('div', {}, statementsTable(d.statements, facility));
    search.addEventListener('input', () => {
      fill(statements, statementsTable(d.statements, search.value.trim()));
      history.replaceState(null, '', link(admdvs, period, search.value.trim() || null));
    });
    const funds = [...new Set((months || []).map(m => m.fundPayType))].sort();
    view(head,
      el('h2', { id: 'period-title' }, `${admdvs} ${period} `,
        el('span', { class: 'badge s-' + (d.period.status === 'closed' ? 'succeeded' : 'running') }, t(d.period.status)),
        el('span', { class: 'muted', style: 'font-weight:400;font-size:.85em' },
          ' ' + t(d.statementsIssued ? 'Statements issued at close' : 'Statements provisional: the period is open'))),
      el('div', { class: 'grid' },
        el('div', { class: 'panel' }, el('h3', { style: 'margin-top:0' }, t('Per fund by month: settled (by clearing month)')), settled, legend(funds)),
        el('div', { class: 'panel' }, el('h3', { style: 'margin-top:0' }, t('Per fund by month: paid (by payment date)')), paid, legend(funds))),
      el('h2', {}, t('Facility statements (定点医疗机构月度结算单)')),
      el('div', { class: 'panel' }, search, statements),
      el('h2', {}, t('Payments and clearings in the period')), clearingsTable(d.clearings),
      el('h2', {}, tf('Outstanding owed to facilities as of {d}', { d: d.outstandingAsOf })), outstandingTable(d.outstanding),
      el('h2', {}, t('Trial balance (科目余额表)')), el('div', { class: 'grid tbs' }, d.books.map(trialBalance)),
      el('h2', {}, t('Downloads')),
      el('ul', { class: 'downloads', id: 'downloads' }, d.files.map(f =>
        el('li', {}, el('a', { href: `${API}/finance/${admdvs}/${period}/files/${encodeURIComponent(f)}`, download: f }, f)))));
    monthChart(settled, months || [], 'settled');
    monthChart(paid, months || [], 'paid');
  }

  window.BS_PAGES = Object.assign(window.BS_PAGES || {}, { finance: financePage });
})();

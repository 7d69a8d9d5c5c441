// Runs that cannot lie (issue 13): the interrupted state's badge text, reason and Resume button for app.js, and the
// banner that says plainly when the database is unreachable (and goes away by itself when it is back).
'use strict';
(() => {
  const t = s => (window.t || (x => x))(s);
  window.BS_I18N_ZH = Object.assign(window.BS_I18N_ZH || {}, {
    'Interrupted': '已中断',
    'Last interruption': '上次中断',
    'Resume': '恢复',
    'Resume run': '恢复运行',
    'It continues from its checkpoints with the registry it started with.': '将从检查点继续，使用开始时的参保登记快照。',
    'Registry as of': '参保登记快照日期',
    'Lease': '租约',
    'The database is unreachable': '数据库无法连接',
    'the pages show what they last read; this banner goes away when it is back.': '页面显示的是最后读取的数据；数据库恢复后此提示自动消失。',
    'The database is back.': '数据库已恢复。',
  });
  const text = (tag, cls, s) => { const e = document.createElement(tag); if (cls) e.className = cls; e.textContent = s; return e; };
  // Times: app.js's `when` (YYYY-MM-DD HH:mm UTC+8, Asia/Shanghai), resolved when called — app.js loads after this file.

  // Facts for a run's page: the last interruption (why and when), the registry it settles against, its lease.
  function facts(r) {
    const out = [];
    if (r.interruptReason) {
      out.push(text('dt', null, r.status === 'interrupted' ? t('Interrupted') : t('Last interruption')));
      const dd = text('dd', r.status === 'interrupted' ? 'err' : 'muted', `${when(r.interruptedAt)} — ${r.interruptReason}`);
      dd.id = 'interruption';
      out.push(dd);
    }
    if (r.registryAsOf) {
      out.push(text('dt', null, t('Registry as of')), text('dd', null, `${r.registryAsOf} (snapshot ${r.registrySnapshotId ?? '—'})`));
    }
    if (r.status === 'running' && r.leaseOwner) {
      out.push(text('dt', null, t('Lease')), text('dd', 'muted', `${r.leaseOwner} · ${when(r.leaseExpiresAt)}`));
    }
    return out;
  }
  // The short reason on the runs list, for an interrupted run.
  const listReason = r => r.status === 'interrupted' && r.interruptReason ? `${when(r.interruptedAt)} ${r.interruptReason}` : null;

  let down = false;
  async function check() {
    let ok = false, msg = '';
    try {
      const r = await fetch('/dashboard/api/database', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      ok = r.ok;
      if (!ok) { try { msg = (await r.json()).error || ''; } catch { msg = `${r.status} ${r.statusText}`; } }
    } catch (e) { msg = String(e.message || e); }
    let b = document.getElementById('db-banner');
    if (!ok) {
      if (!b) {
        b = text('div', 'db-banner', '');
        b.id = 'db-banner';
        b.setAttribute('role', 'alert');
        document.body.insertBefore(b, document.querySelector('main'));
      }
      b.textContent = `${t('The database is unreachable')}: ${msg} — ${t('the pages show what they last read; this banner goes away when it is back.')}`;
      down = true;
    } else if (down) {
      down = false;
      if (b) b.remove();
      if (typeof window.route === 'function') window.route();
      const toast = document.getElementById('toast');
      if (toast) { toast.textContent = t('The database is back.'); toast.className = 'toast'; toast.hidden = false; setTimeout(() => { toast.hidden = true; }, 4000); }
    }
  }
  window.addEventListener('load', () => { check(); setInterval(check, 3000); });
  window.BSRuns = { facts, listReason, t, check };
})();

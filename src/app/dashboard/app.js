// ytwatch dashboard: plain browser JavaScript, no build step. Data from the REST API, live updates
// over server-sent events (/events), charts with uPlot (served from node_modules by the server).
'use strict';
(() => {
  const HOUR = 3_600_000;
  const $ = (id) => document.getElementById(id);
  const nf = new Intl.NumberFormat();
  const cf = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
  const state = { videos: [], selected: null, range: 7 * 24 * HOUR, feed: [], chart: null, sparks: new Map() };

  const fmt = (n) => (n === null || n === undefined ? '—' : nf.format(n));
  const compact = (n) => (n === null || n === undefined ? '—' : Math.abs(n) < 10_000 ? nf.format(n) : cf.format(n));
  const signed = (n) => (n === null || n === undefined ? '—' : n > 0 ? `+${nf.format(n)}` : n < 0 ? `−${nf.format(-n)}` : '0');
  const cls = (n) => (n === null || n === undefined || n === 0 ? 'zero' : n > 0 ? 'up' : 'down');
  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function ago(t) {
    const s = Math.max(0, Math.round((Date.now() - t) / 1000));
    if (s < 45) return 'just now';
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    if (s < 86400) return `${Math.round(s / 3600)} h ago`;
    return new Date(t).toLocaleDateString();
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('data-')) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  // With an API token (YTWATCH_API_TOKEN), open the dashboard as /?access_token=…; API calls carry
  // it as a header, and only /events (EventSource cannot set headers) in the query string.
  const token = new URLSearchParams(location.search).get('access_token');
  const authed = (url) => (token ? `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` : url);
  const headers = (extra) => (token ? { ...extra, authorization: `Bearer ${token}` } : extra);

  async function getJson(url) {
    const res = await fetch(url, { headers: headers({ accept: 'application/json' }) });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.json();
  }

  /** Raw snapshots when they fit, else downsampled to about `points` buckets. */
  async function history(id, range, points) {
    const to = Date.now();
    const from = to - range;
    const base = `/videos/${encodeURIComponent(id)}/history?from=${from}&to=${to}`;
    const raw = await getJson(`${base}&limit=${points * 2}`);
    if (!raw.truncated) return raw.points;
    const step = Math.max(1, Math.ceil(range / points / 1000));
    return (await getJson(`${base}&step=${step}&limit=${points * 2}`)).points;
  }

  // ---- totals and table -------------------------------------------------------------------

  function renderTotals() {
    const sum = (f) => state.videos.reduce((a, v) => a + (f(v) ?? 0), 0);
    $('t-videos').textContent = nf.format(state.videos.length);
    const last = Math.max(0, ...state.videos.map((v) => v.fetchedAt));
    $('t-updated').textContent = last ? `updated ${ago(last)}` : '\u00a0';
    for (const m of ['views', 'likes', 'comments']) {
      $(`t-${m}`).textContent = compact(sum((v) => v.stats[m]));
      const d = sum((v) => v.deltas['24h'][m]);
      const sub = $(`t-${m}-d`);
      sub.textContent = `${signed(d)} in 24h`;
      sub.className = `sub ${cls(d)}`;
    }
  }

  function deltaCell(n) {
    return el('td', { class: `num ${cls(n)}`, text: signed(n) });
  }

  function metricCell(v, m) {
    return el('td', { class: 'num' }, fmt(v.stats[m]), el('span', { class: `d ${cls(v.deltas['24h'][m])}`, text: v.stats[m] === null ? 'hidden' : `${signed(v.deltas['24h'][m])} 24h` }));
  }

  function renderTable() {
    const q = $('filter').value.trim().toLowerCase();
    const rows = state.videos.filter((v) => !q || v.title.toLowerCase().includes(q) || (v.channelTitle || '').toLowerCase().includes(q));
    const body = document.querySelector('#videos tbody');
    const fresh = [];
    for (const v of rows) {
      const title = el('td', { class: 'title-col' },
        el('span', { class: 'vt', text: v.title, title: v.title }, v.available ? null : el('span', { class: 'gone', text: 'unavailable' })),
        el('span', { class: 'vc', text: `${v.channelTitle || v.id} · ${ago(v.fetchedAt)}` }));
      const canvas = el('canvas', { class: 'spark', width: 240, height: 60 });
      const tr = el('tr', { 'data-id': v.id, class: v.id === state.selected ? 'sel' : '' },
        title,
        el('td', { class: 'num', text: fmt(v.stats.views) }),
        deltaCell(v.deltas['1h'].views),
        deltaCell(v.deltas['24h'].views),
        deltaCell(v.deltas['7d'].views),
        metricCell(v, 'likes'),
        metricCell(v, 'comments'),
        el('td', { class: 'spark-col' }, canvas));
      tr.addEventListener('click', () => select(v.id));
      fresh.push(tr);
      const cached = state.sparks.get(v.id);
      if (cached) drawSpark(canvas, cached);
    }
    body.replaceChildren(...fresh);
    $('video-count').textContent = state.videos.length ? `(${state.videos.length})` : '';
    $('videos-empty').hidden = state.videos.length > 0;
  }

  function drawSpark(canvas, points) {
    const ctx = canvas.getContext('2d');
    const w = canvas.width;
    const h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    const ys = points.map((p) => p.views).filter((y) => y !== null);
    if (ys.length < 2) {
      ctx.fillStyle = css('--muted');
      ctx.fillRect(0, h / 2, w, 2);
      return;
    }
    const ts = points.filter((p) => p.views !== null).map((p) => p.t);
    const [t0, t1] = [ts[0], ts[ts.length - 1]];
    const [lo, hi] = [Math.min(...ys), Math.max(...ys)];
    const x = (t) => (t1 === t0 ? w : ((t - t0) / (t1 - t0)) * (w - 4) + 2);
    const y = (v) => (hi === lo ? h / 2 : h - 6 - ((v - lo) / (hi - lo)) * (h - 12));
    const color = ys[ys.length - 1] > ys[0] ? css('--c-views') : css('--muted');
    ctx.beginPath();
    ys.forEach((v, i) => (i ? ctx.lineTo(x(ts[i]), y(v)) : ctx.moveTo(x(ts[i]), y(v))));
    ctx.lineWidth = 3;
    ctx.lineJoin = 'round';
    ctx.strokeStyle = color;
    ctx.stroke();
    ctx.lineTo(x(t1), h);
    ctx.lineTo(x(t0), h);
    ctx.closePath();
    ctx.globalAlpha = 0.12;
    ctx.fillStyle = color;
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  async function loadSparks() {
    const ids = state.videos.slice(0, 200).map((v) => v.id);
    for (let i = 0; i < ids.length; i += 6) {
      await Promise.all(ids.slice(i, i + 6).map(async (id) => {
        try {
          state.sparks.set(id, await history(id, 7 * 24 * HOUR, 80));
          const canvas = document.querySelector(`tr[data-id="${CSS.escape(id)}"] canvas.spark`);
          if (canvas) drawSpark(canvas, state.sparks.get(id));
        } catch { /* a failed sparkline stays empty */ }
      }));
    }
  }

  async function loadVideos() {
    const data = await getJson(`/videos?limit=1000&sort=${encodeURIComponent($('sort').value)}`);
    state.videos = data.videos;
    renderTotals();
    renderTable();
    if (!state.selected && state.videos.length) select(state.videos[0].id);
  }

  // ---- chart -------------------------------------------------------------------------------

  // Counts are whole numbers: tick steps of 1, 2, 5 × 10^k only (no 0.5 likes).
  const INTEGER_INCRS = Array.from({ length: 13 }, (_, k) => [1, 2, 5].map((m) => m * 10 ** k)).flat();

  function chartOptions(width) {
    const muted = css('--muted');
    const grid = { stroke: css('--grid'), width: 1 };
    const axis = { stroke: muted, grid, ticks: grid, font: '11px system-ui, sans-serif' };
    const value = (u, v) => (v === null || v === undefined ? '—' : nf.format(Math.round(v)));
    return {
      width,
      height: 300,
      cursor: { drag: { x: true, y: false } },
      // With the pointer off the chart, the legend shows the latest values instead of dashes.
      hooks: {
        ready: [(u) => u.setLegend({ idx: u.data[0].length - 1 })],
        setCursor: [(u) => u.cursor.idx === null && u.setLegend({ idx: u.data[0].length - 1 })],
      },
      scales: { x: { time: true }, v: {}, n: {} },
      series: [
        { value: (u, t) => (t === null ? '—' : new Date(t * 1000).toLocaleString()) },
        { label: 'Views', scale: 'v', stroke: css('--c-views'), fill: css('--c-views-fill'), width: 2, value, points: { size: 5 } },
        { label: 'Likes', scale: 'n', stroke: css('--c-likes'), width: 2, value, points: { size: 5 } },
        { label: 'Comments', scale: 'n', stroke: css('--c-comments'), width: 2, value, dash: [6, 4], points: { size: 5 } },
      ],
      axes: [
        axis,
        { ...axis, scale: 'v', size: 64, incrs: INTEGER_INCRS, values: (u, vals) => vals.map(compact) },
        { ...axis, scale: 'n', side: 1, size: 64, grid: { show: false }, label: 'Likes · comments', labelSize: 18, labelFont: '11px system-ui, sans-serif', incrs: INTEGER_INCRS, values: (u, vals) => vals.map(compact) },
      ],
    };
  }

  async function drawChart() {
    const id = state.selected;
    if (!id) return;
    const box = $('chart');
    const points = await history(id, state.range, 600);
    if (id !== state.selected) return;
    const data = [points.map((p) => p.t / 1000), points.map((p) => p.views), points.map((p) => p.likes), points.map((p) => p.comments)];
    if (state.chart) state.chart.destroy();
    state.chart = null;
    box.replaceChildren();
    if (points.length === 0) {
      box.append(el('p', { class: 'empty', text: 'No snapshots in this range.' }));
      return;
    }
    if (typeof uPlot === 'undefined') {
      box.append(el('p', { class: 'empty', text: 'The chart library did not load (see the browser console).' }));
      return;
    }
    state.chart = new uPlot(chartOptions(Math.max(300, box.clientWidth - 16)), data, box);
    box.uplot = state.chart; // for the browser test: axes and ticks
  }

  function select(id) {
    state.selected = id;
    const v = state.videos.find((x) => x.id === id);
    $('chart-title').textContent = v ? v.title : id;
    const link = $('chart-link');
    link.textContent = 'open on YouTube ↗';
    link.href = `https://www.youtube.com/watch?v=${encodeURIComponent(id)}`;
    for (const tr of document.querySelectorAll('#videos tbody tr')) tr.classList.toggle('sel', tr.dataset.id === id);
    drawChart().catch(showError);
  }

  // ---- live feed ---------------------------------------------------------------------------

  const LABEL = { views: 'Views', likes: 'Likes', comments: 'Comments' };

  function feedItem(e, isNew) {
    let what;
    let chips = [];
    let metric = null;
    if (e.kind === 'alert') {
      const a = e.alert;
      metric = a.metric;
      what = a.kind === 'new' ? '🆕 New video' : a.kind === 'unavailable' ? 'No longer available' : `${LABEL[a.metric]} ${fmt(a.previous)} → ${fmt(a.current)}`;
      if (a.kind === 'change' && a.previous !== null && a.current !== null) what += ` (${signed(a.current - a.previous)})`;
      chips = a.rules.map((r) => el('span', { class: 'chip', text: r }));
    } else {
      const c = e.change;
      const parts = ['views', 'likes', 'comments']
        .filter((m) => c[`${m}_previous`] !== c[`${m}_current`] && c[`${m}_previous`] !== null && c[`${m}_current`] !== null)
        .map((m) => `${LABEL[m]} ${signed(c[`${m}_current`] - c[`${m}_previous`])}`);
      what = c.unavailable ? 'Became unavailable' : parts.length ? parts.join(' · ') : 'Changed';
    }
    const li = el('li', { class: `${e.kind}${metric ? ` m-${metric}` : ''}${isNew ? ' new' : ''}`, 'data-id': e.id },
      el('span', { class: 'dot' }),
      el('span', { class: 'what', text: what }),
      el('span', { class: 'who', text: e.title, title: e.title }),
      el('span', { class: 'meta' }, el('time', { text: ago(e.at), title: new Date(e.at).toLocaleString() }), el('span', { text: e.kind }), ...chips, ...deliveryChips(e)));
    li.addEventListener('click', () => select(e.videoId));
    return li;
  }

  // An alert's outcome per sink: "delivered" / "failed" (with the reason as tooltip), or "pending".
  function deliveryChips(e) {
    if (e.kind !== 'alert') return [];
    if (!e.delivery || e.delivery.length === 0) return [el('span', { class: 'chip d-pending', text: 'pending', title: 'not handled by notify yet' })];
    return e.delivery.map((d) => el('span', {
      class: `chip d-${d.outcome}`,
      text: `${d.outcome === 'delivered' ? '✓' : '✗'} ${d.sink}`,
      title: d.outcome === 'delivered' ? `delivered ${new Date(d.at).toLocaleString()}` : `failed: ${d.reason || 'unknown'} (see \`ytwatch dlq list\`)`,
    }));
  }

  function applyDelivery(u) {
    const entry = state.feed.find((x) => x.id === u.id && x.kind === 'alert');
    if (!entry) return;
    entry.delivery = u.delivery;
    const li = document.querySelector(`#feed li[data-id="${CSS.escape(u.id)}"]`);
    if (li) li.replaceWith(feedItem(entry, false));
  }

  function renderFeed() {
    $('feed').replaceChildren(...state.feed.map((e) => feedItem(e, false)));
    $('feed-empty').hidden = state.feed.length > 0;
  }

  function addLive(e) {
    if (state.feed.some((x) => x.id === e.id)) return;
    state.feed.unshift(e);
    state.feed.length = Math.min(state.feed.length, 150);
    const list = $('feed');
    list.prepend(feedItem(e, true));
    while (list.children.length > 150) list.lastElementChild.remove();
    $('feed-empty').hidden = true;
    const row = document.querySelector(`tr[data-id="${CSS.escape(e.videoId)}"]`);
    if (row) {
      row.classList.remove('flash');
      void row.offsetWidth;
      row.classList.add('flash');
    }
    scheduleRefresh(e.videoId);
  }

  let refreshTimer = null;
  const dirty = new Set();
  function scheduleRefresh(id) {
    dirty.add(id);
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      const ids = [...dirty];
      dirty.clear();
      try {
        await loadVideos();
        for (const vid of ids) {
          state.sparks.set(vid, await history(vid, 7 * 24 * HOUR, 80));
          const canvas = document.querySelector(`tr[data-id="${CSS.escape(vid)}"] canvas.spark`);
          if (canvas) drawSpark(canvas, state.sparks.get(vid));
        }
        if (ids.includes(state.selected)) await drawChart();
      } catch (err) {
        showError(err);
      }
    }, 600);
  }

  function setPill(id, mode, text) {
    const pill = $(id);
    pill.className = `pill ${mode}`;
    pill.querySelector('b').textContent = text;
  }

  function connect() {
    const es = new EventSource(authed('/events'));
    es.addEventListener('open', () => setPill('live', 'ok', 'live'));
    es.addEventListener('error', () => setPill('live', 'warn', 'reconnecting'));
    for (const kind of ['change', 'alert']) es.addEventListener(kind, (m) => addLive(JSON.parse(m.data)));
    es.addEventListener('delivery', (m) => applyDelivery(JSON.parse(m.data)));
  }

  async function checkHealth() {
    try {
      const res = await fetch('/health', { headers: headers({}) });
      const body = await res.json().catch(() => ({}));
      const degraded = body.status === 'degraded';
      setPill('health', res.ok ? (degraded ? 'warn' : 'ok') : 'bad', !res.ok ? 'unavailable' : degraded ? 'degraded' : 'healthy');
      $('health').title = degraded ? body.reasons.join('\n') : res.ok ? 'Polling, delivery, store and event log are fine' : 'The store or the event log does not answer';
      const reason = $('health-reason');
      reason.textContent = degraded ? body.reasons[0] : '';
      reason.hidden = !degraded;
    } catch {
      setPill('health', 'bad', 'offline');
    }
  }

  const when = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');

  async function loadStatus() {
    const s = await getJson('/status');
    $('s-last').textContent = s.poll.lastAt ? `${when(s.poll.lastAt)} · ${s.poll.ok ? `${fmt(s.poll.videos)} videos` : `failed: ${s.poll.error}`}` : 'none yet';
    $('s-next').textContent = when(s.poll.nextAt);
    $('s-quota').textContent = `${fmt(s.quota.unitsToday)} / ${fmt(s.quota.dailyBudget)} units · resets ${when(s.quota.resetsAt)}`;
    $('s-sinks').replaceChildren(...(s.sinks.length ? s.sinks.map((k) => {
      const failing = k.lastFailureAt && (!k.lastSuccessAt || k.lastFailureAt > k.lastSuccessAt);
      return el('div', { class: failing ? 'bad' : 'ok', title: k.lastFailure || '' , text: `${k.sink}: ${failing ? `failing since ${when(k.lastFailureAt)}` : `ok ${when(k.lastSuccessAt)}`}` });
    }) : [document.createTextNode('nothing delivered yet')]));
    $('s-dlq').textContent = `${fmt(s.deadLetters.waiting)} waiting`;
    $('s-lag').textContent = s.lag.map((l) => `${l.stage} ${fmt(l.lag)}`).join(' · ');
    $('status-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  // ---- subscriptions (writes need the API token: open the dashboard with ?access_token=…) ----

  async function send(method, url, body) {
    const res = await fetch(url, { method, headers: headers(body ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' }), body: body ? JSON.stringify(body) : undefined });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.message || `${res.status}`);
    return data;
  }

  function subscriptionItem(s) {
    const who = s.recipient.kind === 'telegram' ? `chat ${s.recipient.chatId}` : s.recipient.kind;
    const muted = s.mutedUntil && s.mutedUntil > Date.now() ? ` · muted until ${new Date(s.mutedUntil).toLocaleString()}` : '';
    const item = el('li', { 'data-id': s.id }, el('span', { text: `${s.target} → ${who}${s.source === 'config' ? ' (config)' : ''}${muted}` }));
    if (s.source !== 'config') {
      item.append(
        el('button', { type: 'button', class: 'sub-mute', text: 'Mute 1 h', onclick: () => act('PATCH', s.id, { mutedUntil: '1h' }) }),
        el('button', { type: 'button', class: 'sub-remove', text: 'Remove', onclick: () => act('DELETE', s.id) }),
      );
    }
    return item;
  }

  async function act(method, id, body) {
    try {
      await send(method, `/subscriptions/${encodeURIComponent(id)}`, body);
      $('sub-msg').textContent = method === 'DELETE' ? 'Removed.' : 'Muted for an hour.';
    } catch (err) {
      $('sub-msg').textContent = err.message;
    }
    loadSubscriptions().catch(showError);
  }

  async function loadSubscriptions() {
    const { subscriptions } = await getJson('/subscriptions');
    $('subs').replaceChildren(...subscriptions.map(subscriptionItem));
    $('subs-count').textContent = `${subscriptions.length}`;
  }

  $('sub-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chat = $('sub-chat').value.trim();
    try {
      const s = await send('POST', '/subscriptions', { target: $('sub-target').value.trim(), recipient: chat ? { kind: 'telegram', chatId: chat } : { kind: 'console' } });
      $('sub-msg').textContent = `Added ${s.target}${s.quota ? ` (${s.quota})` : ''}.`;
      $('sub-target').value = '';
    } catch (err) {
      $('sub-msg').textContent = err.message;
    }
    loadSubscriptions().catch(showError);
  });

  function showError(err) {
    console.error(err);
  }

  // ---- start -------------------------------------------------------------------------------

  $('filter').addEventListener('input', renderTable);
  $('sort').addEventListener('change', () => loadVideos().catch(showError));
  for (const b of document.querySelectorAll('#range button')) {
    b.addEventListener('click', () => {
      for (const o of document.querySelectorAll('#range button')) o.classList.toggle('on', o === b);
      state.range = Number(b.dataset.range);
      drawChart().catch(showError);
    });
  }
  let resizeTimer = null;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => state.chart && state.chart.setSize({ width: Math.max(300, $('chart').clientWidth - 16), height: 300 }), 100);
  }).observe($('chart'));
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    drawChart().catch(showError);
    renderTable();
  });

  connect();
  checkHealth();
  setInterval(checkHealth, 30_000);
  loadStatus().catch(showError);
  setInterval(() => loadStatus().catch(showError), 15_000);
  loadSubscriptions().catch(showError);
  setInterval(() => loadSubscriptions().catch(showError), 15_000);
  setInterval(() => loadVideos().catch(showError), 60_000);
  getJson('/changes?limit=100').then((d) => {
    state.feed = d.items;
    renderFeed();
  }).catch(showError);
  loadVideos().then(loadSparks).catch(showError);
})();

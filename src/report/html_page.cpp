// The style and script of the HTML report and the live page (html_report.hpp): a small
// hand-written SVG line and bar chart renderer, so a report needs no chart library and its data
// points are elements a test can count. Data is written with textContent, never as markup.
#include <string_view>

namespace tf::report {

std::string_view page_style() {
  return R"css(body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 8px}
.facts{color:#555}.cards{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}
.card{background:#fff;border-radius:6px;padding:8px 12px;min-width:110px;box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:20px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px}
.panel{background:#fff;border-radius:6px;padding:8px;box-shadow:0 1px 2px #0002}
svg{width:100%;height:auto}svg text{font-size:11px;fill:#555}.axis{stroke:#bbb}
table{border-collapse:collapse;background:#fff;width:100%}td,th{padding:4px 8px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}.ok{color:#1a7f37}.bad{color:#c62828;font-weight:bold}
.legend span{margin-right:12px}.controls{margin:8px 0}.controls input{width:80px}
)css";
}

std::string_view page_script() {
  return R"js((function () {
'use strict';
const colors = {acked: '#1a7f37', rejected: '#c62828', failed: '#e65100', unconfirmed: '#8e24aa', not_sent: '#757575',
  p50: '#1565c0', p95: '#ef6c00', p99: '#c62828', requested_rate: '#757575', achieved_rate: '#1565c0', in_flight: '#00897b'};
const svgNs = 'http://www.w3.org/2000/svg';
const page = document.getElementById('tf-page');
const live = document.body.dataset.mode === 'live';
const outcomeNames = ['acked', 'rejected', 'failed', 'unconfirmed', 'not_sent'];
let updates = 0;
// Live: one point per poll (about a second) for the last 10 minutes, from the differences of
// successive /data answers; the summary's series has one point per 10 s.
const history = {t: [], p50: [], p95: [], p99: [], requested_rate: [], achieved_rate: [], in_flight: []};
for (const n of outcomeNames) history[n] = [];
let previous = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function svgEl(tag, attrs) {
  const e = document.createElementNS(svgNs, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
}
function fmt(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(v < 10 ? 3 : 1);
  return String(v);
}
function clock(t) { return new Date(t * 1000).toISOString().substring(11, 19); }

// A line chart of series[name] over series.t; one polyline and one circle per point and name.
function lineChart(title, series, names, unit) {
  const w = 560, h = 200, l = 48, b = 22, panel = el('div', null, 'panel');
  panel.appendChild(el('h2', title));
  const ts = series.t || [];
  let max = 0, points = 0;
  for (const n of names) for (const v of series[n] || []) if (v !== null && v > max) max = v;
  max = max > 0 ? max * 1.1 : 1;
  const t0 = ts.length ? ts[0] : 0, t1 = ts.length > 1 ? ts[ts.length - 1] : t0 + 1;
  const x = t => l + (w - l - 8) * (t - t0) / (t1 - t0 || 1), y = v => h - b - (h - b - 8) * v / max;
  const svg = svgEl('svg', {viewBox: `0 0 ${w} ${h}`, class: 'chart', role: 'img', 'aria-label': title});
  svg.appendChild(svgEl('line', {x1: l, y1: h - b, x2: w, y2: h - b, class: 'axis'}));
  svg.appendChild(svgEl('line', {x1: l, y1: 0, x2: l, y2: h - b, class: 'axis'}));
  const top = svgEl('text', {x: 2, y: 12}); top.textContent = fmt(max) + ' ' + unit; svg.appendChild(top);
  if (ts.length) {
    const a = svgEl('text', {x: l, y: h - 6}); a.textContent = clock(t0); svg.appendChild(a);
    const z = svgEl('text', {x: w - 60, y: h - 6}); z.textContent = clock(t1); svg.appendChild(z);
  }
  const legend = el('div', null, 'legend');
  for (const n of names) {
    const values = series[n] || [], coords = [];
    values.forEach((v, i) => { if (v !== null) coords.push([x(ts[i]), y(v)]); });
    svg.appendChild(svgEl('polyline', {points: coords.map(c => c.join(',')).join(' '), fill: 'none',
      stroke: colors[n] || '#333', 'stroke-width': 1.5}));
    if (coords.length <= 400) for (const c of coords) svg.appendChild(svgEl('circle', {cx: c[0], cy: c[1], r: 2,
      fill: colors[n] || '#333', class: 'pt'}));
    points += coords.length;
    const s = el('span', '● ' + n); s.style.color = colors[n] || '#333'; legend.appendChild(s);
  }
  svg.dataset.points = points;
  panel.appendChild(svg);
  panel.appendChild(legend);
  return panel;
}

// A bar chart of counts with one label per bar.
function barChart(title, labels, counts, color) {
  const w = 560, h = 200, b = 34, panel = el('div', null, 'panel');
  panel.appendChild(el('h2', title));
  const max = Math.max(1, ...counts), bw = (w - 8) / Math.max(1, counts.length);
  const svg = svgEl('svg', {viewBox: `0 0 ${w} ${h}`, class: 'chart', role: 'img', 'aria-label': title});
  counts.forEach((c, i) => {
    const bh = (h - b - 14) * c / max;
    svg.appendChild(svgEl('rect', {x: 4 + i * bw, y: h - b - bh, width: bw - 4, height: bh, fill: color, class: 'pt'}));
    const t = svgEl('text', {x: 4 + i * bw, y: h - b + 14}); t.textContent = labels[i]; svg.appendChild(t);
    const v = svgEl('text', {x: 4 + i * bw, y: h - b - bh - 2}); v.textContent = fmt(c); svg.appendChild(v);
  });
  svg.dataset.points = counts.length;
  panel.appendChild(svg);
  return panel;
}

function table(head, rows) {
  const t = el('table'), hr = el('tr');
  for (const h of head) hr.appendChild(el('th', h));
  t.appendChild(hr);
  for (const r of rows) {
    const tr = el('tr');
    for (const c of r) tr.appendChild(el('td', fmt(c)));
    t.appendChild(tr);
  }
  return t;
}
function cell(text, cls) { const td = el('td', text, cls); return td; }

function controls() {
  const box = el('div', null, 'controls');
  const token = el('input'); token.type = 'password'; token.placeholder = 'token'; token.id = 'tf-token';
  const speed = el('input'); speed.type = 'number'; speed.step = 'any'; speed.min = '0.001'; speed.id = 'tf-speed';
  const answer = el('span', '', 'facts');
  const post = path => fetch(path, {method: 'POST', headers: {Authorization: 'Bearer ' + token.value}})
    .then(r => r.text().then(t => { answer.textContent = r.status + ' ' + t; }));
  const stop = el('button', 'Stop (drain)'); stop.onclick = () => post('/stop');
  const set = el('button', 'Set speed'); set.onclick = () => post('/speed?value=' + encodeURIComponent(speed.value));
  for (const e of [token, stop, speed, set, answer]) box.appendChild(e);
  return box;
}

// The quantile q of per-bucket counts over the le bounds, interpolated as histogram_quantile does.
function quantile(counts, le, q) {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0 && below + counts[i] >= rank) {
      if (i >= le.length) return le[le.length - 1];
      const lower = i === 0 ? 0 : le[i - 1];
      return lower + (le[i] - lower) * (rank - below) / counts[i];
    }
    below += counts[i];
  }
  return le[le.length - 1];
}

// Differences are taken over the server's clock (elapsed_s), which moves once a second.
function remember(d) {
  const now = d.elapsed_s;
  if (previous && now <= previous.at) return;
  if (previous) {
    const seconds = now - previous.at;
    history.t.push(Math.round(Date.parse(d.started) / 1000 + now));
    for (const n of outcomeNames) history[n].push(Math.max(0, d.outcomes[n] - previous.d.outcomes[n]) / seconds);
    const counts = d.latency.counts.map((c, i) => Math.max(0, c - (previous.d.latency.counts[i] || 0)));
    for (const [name, q] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]]) history[name].push(quantile(counts, d.latency.le_ms, q));
    history.requested_rate.push(d.visit_rate.requested);
    history.achieved_rate.push(Math.max(0, d.totals.visits - previous.d.totals.visits) / seconds);
    history.in_flight.push(d.totals.in_flight);
    if (history.t.length > 600) for (const k in history) history[k].shift();
  }
  previous = {at: now, d: d};
}

// The ledger's visit mix: what Matomo should hold (acked, and up to acked + unconfirmed).
function visitMix(mix) {
  if (!mix.length) return;
  page.appendChild(el('h2', 'Visit mix'));
  const acked = m => (mix.find(x => x.measure === m) || {acked: 0}).acked;
  const visits = acked('visits');
  const money = m => m.measure === 'revenue_cents';
  const rows = mix.map(m => [money(m) ? 'revenue' : m.measure, money(m) ? (m.acked / 100).toFixed(2) : m.acked,
    money(m) ? (m.unconfirmed / 100).toFixed(2) : m.unconfirmed,
    visits > 0 && m.measure !== 'visits' ? fmt((money(m) ? m.acked / 100 : m.acked) / visits) : '-']);
  const mt = table(['measure', 'acked', 'unconfirmed (may be recorded)', 'per visit'], rows); mt.id = 'tf-visit-mix';
  const actions = mix.filter(m => !['visits', 'visitors', 'revenue_cents'].includes(m.measure));
  const grid = el('div', null, 'grid');
  grid.appendChild(barChart('Visit mix (acked)', actions.map(m => m.measure), actions.map(m => m.acked), '#6a1b9a'));
  grid.appendChild(mt);
  page.appendChild(grid);
}

function render(d) {
  page.textContent = '';
  page.appendChild(el('h1', live ? 'trafficinator — live' : 'trafficinator — report'));
  const facts = `started ${d.started} · ${fmt(d.elapsed_s)} s · ` + (d.stop_reason ? 'stopped: ' + d.stop_reason : 'running') +
    ` · seed ${d.seed} · shards ${d.shards}`;
  page.appendChild(el('div', facts, 'facts'));
  if (live) {
    const u = el('div', null, 'facts'); u.append('updates: '); const n = el('span', updates); n.id = 'tf-updates';
    u.appendChild(n); page.appendChild(u);
  }
  const cards = el('div', null, 'cards');
  const card = (label, value, id) => { const c = el('div', label, 'card'); const b = el('b', fmt(value)); b.id = id;
    c.prepend(b); cards.appendChild(c); };
  for (const k of outcomeNames) card(k, d.outcomes[k], 'tf-total-' + k);
  card('visits/s requested', d.visit_rate.requested, 'tf-rate-requested');
  card('visits/s achieved', d.visit_rate.achieved, 'tf-rate-achieved');
  page.appendChild(cards);
  const grid = el('div', null, 'grid');
  const perSecond = live && history.t.length >= 2;
  const series = perSecond ? history : d.series, span = perSecond ? ', each second' : ', per ' + d.interval_s + ' s';
  grid.appendChild(lineChart('Hits/s by outcome' + span, series, outcomeNames, '/s'));
  grid.appendChild(lineChart('Latency (ms)' + span, series, ['p50', 'p95', 'p99'], 'ms'));
  grid.appendChild(lineChart('Visit rate (visits/s)' + span, series, ['requested_rate', 'achieved_rate'], '/s'));
  grid.appendChild(lineChart('In flight' + span, series, ['in_flight'], ''));
  grid.appendChild(barChart('Outcomes', outcomeNames, outcomeNames.map(n => d.outcomes[n]), '#1565c0'));
  grid.appendChild(barChart('Latency distribution (ms, le)', d.latency.le_ms.map(String).concat(['+Inf']),
    d.latency.counts, '#00897b'));
  page.appendChild(grid);
  page.appendChild(el('h2', 'Targets'));
  const cols = ['name', 'status', 'visits', 'generated', 'acked', 'rejected', 'failed', 'unconfirmed', 'not_sent',
    'success_rate', 'latency_p50', 'latency_p99', 'breaker', 'top_error'];
  const rows = d.targets.concat([d.totals]).map(t => cols.map(c => t[c]));
  const tt = table(cols, rows); tt.id = 'tf-targets'; page.appendChild(tt);
  visitMix(d.visit_mix || []);
  page.appendChild(el('h2', 'Thresholds'));
  const th = el('table'); th.id = 'tf-thresholds';
  th.appendChild(table(['threshold', 'value', 'state'], []).firstChild);
  for (const t of d.thresholds) {
    const tr = el('tr'); tr.appendChild(cell(t.expr)); tr.appendChild(cell(fmt(t.value)));
    tr.appendChild(cell(t.ok ? 'ok' : 'FAIL', t.ok ? 'ok' : 'bad')); th.appendChild(tr);
  }
  page.appendChild(th);
  page.appendChild(el('h2', 'Configuration (secrets redacted)'));
  const ct = table(['setting', 'value'], Object.keys(d.config).sort().map(k => [k,
    typeof d.config[k] === 'object' ? JSON.stringify(d.config[k]) : d.config[k]]));
  ct.id = 'tf-config'; page.appendChild(ct);
}

const first = JSON.parse(document.getElementById('tf-data').textContent);
render(first);
if (live) {
  const bar = el('div'); bar.style.cssText = 'max-width:1200px;margin:0 auto;padding:0 16px';
  bar.appendChild(controls()); document.body.insertBefore(bar, page.nextSibling);
  const poll = () => fetch('/data', {cache: 'no-store'}).then(r => r.json()).then(d => { updates++; remember(d); render(d); })
    .catch(() => {}).finally(() => setTimeout(poll, 1000));
  setTimeout(poll, 1000);
}
})();
)js";
}

}  // namespace tf::report

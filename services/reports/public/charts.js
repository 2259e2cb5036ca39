import { bucketLabel } from './format.js';

/** The dashboard's charts (Chart.js, loaded as a global from /vendor). One instance per canvas, updated in place. */
const COLORS = { success: '#2e9d57', denied: '#d9534f', fraud: '#7b1fa2' };
const PALETTE = ['#2457c5', '#2e9d57', '#e39b22', '#d9534f', '#7b1fa2', '#00838f', '#8d6e63', '#c2185b', '#546e7a', '#9e9d24', '#5d4037'];
const charts = new Map();

function draw(id, config) {
  const existing = charts.get(id);
  if (existing !== undefined) {
    existing.data = config.data;
    existing.update();
    return;
  }
  const canvas = document.getElementById(id);
  charts.set(id, new globalThis.Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } }));
}

export function drawVolume(report) {
  draw('chart-volume', {
    type: 'bar',
    data: {
      labels: report.buckets.map((bucket) => bucketLabel(bucket.start, report.interval)),
      datasets: ['success', 'denied', 'fraud'].map((result) => ({ label: result, data: report.buckets.map((bucket) => bucket[result]), backgroundColor: COLORS[result], stack: 'results' })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
}

export function drawBreakdown(id, report, type = 'bar') {
  const items = [...report.items];
  if (report.other.events > 0) items.push({ label: 'other', events: report.other.events });
  if (report.missing.events > 0) items.push({ label: '(unknown)', events: report.missing.events });
  draw(id, {
    type,
    data: {
      labels: items.map((item) => item.label),
      datasets: [{ label: 'events', data: items.map((item) => item.events), backgroundColor: type === 'bar' ? PALETTE[0] : items.map((_, index) => PALETTE[index % PALETTE.length]) }],
    },
    options: type === 'bar' ? { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true }, y: { ticks: { autoSkip: false } } } } : { plugins: { legend: { position: 'right' } } },
  });
}

export function drawDistinctUsers(report) {
  draw('chart-users', {
    type: 'line',
    data: {
      labels: report.days.map((day) => day.date),
      datasets: [{ label: report.distinct.exact ? 'distinct users (exact)' : 'distinct users (approximate)', data: report.days.map((day) => day.distinct_users), borderColor: PALETTE[0], backgroundColor: PALETTE[0], tension: 0.2 }],
    },
    options: { scales: { y: { beginAtZero: true } } },
  });
}

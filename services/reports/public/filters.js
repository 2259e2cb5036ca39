import { listOf } from './dom.js';
import { addDays, todayIn } from './format.js';

/**
 * The filter form as API parameters. Dates in the form are local days in the chosen time zone and
 * "To" is inclusive; the API's `to` is exclusive, hence the day added.
 */
export function readFilters(form) {
  const data = new FormData(form);
  const list = (value) => listOf(String(value ?? ''));
  const results = data.getAll('results').map(String);
  return {
    from: String(data.get('from')),
    to: addDays(String(data.get('to')), 1),
    tz: String(data.get('tz') ?? '').trim(),
    // All three results checked means no filter at all.
    results: results.length === 3 ? [] : results,
    applications: list(data.get('applications')),
    factors: list(data.get('factors')),
    users: list(data.get('users')),
    ip: list(data.get('ip')),
    exact: data.get('exact') === 'on',
  };
}

export function initialiseForm(form, timeZone) {
  const today = todayIn(timeZone);
  form.elements.namedItem('from').value = addDays(today, -6);
  form.elements.namedItem('to').value = today;
  form.elements.namedItem('tz').value = timeZone;
  const zones = form.ownerDocument.getElementById('time-zones');
  if (zones.childElementCount === 0 && typeof Intl.supportedValuesOf === 'function') {
    for (const zone of Intl.supportedValuesOf('timeZone')) zones.append(new Option(zone, zone));
  }
}

/** Parameters each endpoint accepts (the API refuses unknown ones). */
export function paramsFor(endpoint, filters) {
  const { from, to, tz, results, applications, factors, users, ip, exact } = filters;
  const range = { from, to, tz };
  switch (endpoint) {
    case 'distinct-users':
      return { ...range, applications, factors, users, ip, exact: exact ? 'true' : undefined };
    case 'out-of-date':
      return { ...range, applications, users, ip };
    default:
      return { ...range, results, applications, factors, users, ip };
  }
}

/** Fills a <select> with breakdown items, keeping the current choice. */
export function fillSelect(select, items) {
  const current = select.value;
  const known = new Set([...select.options].map((option) => option.value));
  for (const item of items) {
    if (!known.has(item.key)) select.append(new Option(item.label === item.key ? item.key : `${item.label} (${item.key})`, item.key));
  }
  select.value = current;
}

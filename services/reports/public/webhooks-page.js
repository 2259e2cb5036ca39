import { ApiError } from './api.js';
import { DeliveriesView } from './deliveries-view.js';
import { EndpointForm } from './endpoint-form.js';
import { OperationalView } from './operational-view.js';
import { WebhooksView } from './webhooks-view.js';

/**
 * Wires the webhook pages: endpoint list, create/edit dialog, deliveries, the operational endpoint. Times are shown in the
 * browser's time zone, the one its date-time inputs (attempt filters, recover since) are typed in.
 */
export function startWebhooks(api, { onSignOut }) {
  const errorLine = document.getElementById('webhooks-error');
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const onError = (error) => {
    const where = error instanceof ApiError && error.field !== undefined ? ` (${error.field})` : '';
    errorLine.textContent = `${error.message}${where}`;
    if (error instanceof ApiError && error.status === 401) onSignOut();
  };
  let list;
  const deliveries = new DeliveriesView(api, { timeZone, onError, onChanged: () => void list.load() });
  const form = new EndpointForm(api, {
    onSaved: async (saved) => {
      if (saved.secret !== undefined) list.showSecret(saved.secret, `Signing secret of ${saved.url}:`);
      await list.load();
    },
  });
  list = new WebhooksView(api, {
    timeZone,
    onError,
    onEdit: (endpoint) => form.open(endpoint),
    onDeliveries: (endpoint, options) => {
      errorLine.textContent = '';
      void deliveries.show(endpoint, options);
    },
  });
  const operational = new OperationalView(api, { timeZone, onError, showSecret: (secret, what) => list.showSecret(secret, what) });
  void list.load();
  void list.loadEventTypes();
  void operational.load();
  return { list, deliveries, operational };
}

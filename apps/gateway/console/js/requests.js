// The authority's requests and their MIG-10.3 deadlines (publishers: the API shows a client
// only its own authority's requests).
import { api, query } from './api.js';
import { clear, el, say, sayRefusal } from './dom.js';
import { t } from './i18n.js';

export function setUpRequests() {
  const form = document.getElementById('request-filter');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    void load({ state: data.state, overdue: data.overdue });
  });
}

export async function load(filters = {}) {
  const table = document.getElementById('request-table');
  const body = clear(table.tBodies[0]);
  say(t('loading'));
  try {
    const answer = await api(`/requests${query(filters)}`);
    for (const r of answer.requests) {
      body.append(
        el(
          'tr',
          { class: r.overdue ? 'overdue' : '' },
          el('td', {}, r.id),
          el('td', {}, r.side),
          el('td', {}, r.state),
          el('td', {}, r.receivedOn ?? ''),
          el('td', {}, r.dueOn ?? '', r.overdue ? ` (${t('requests.isOverdue')})` : ''),
        ),
      );
    }
    table.hidden = body.rows.length === 0;
    say(body.rows.length === 0 ? t('none') : '');
  } catch (error) {
    sayRefusal(error);
  }
}

// The authority's requests and their MIG-10.3 deadlines (publishers: the API shows a client
// only its own authority's requests), soonest due first, a page at a time.
import { api, query } from './api.js';
import { clear, el, say, sayRefusal } from './dom.js';
import { t } from './i18n.js';

let next = null;
let filters = {};

export function setUpRequests() {
  const form = document.getElementById('request-filter');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    void load({ state: data.state, overdue: data.overdue });
  });
  document.getElementById('requests-more').addEventListener('click', () => void page(true));
}

export async function load(chosen = {}) {
  filters = chosen;
  clear(document.getElementById('request-table').tBodies[0]);
  next = null;
  await page(false);
}

async function page(more) {
  say(t('loading'));
  try {
    const answer = await api(
      `/requests${query({ ...filters, limit: 50, cursor: more ? next : undefined })}`,
    );
    const table = document.getElementById('request-table');
    const body = table.tBodies[0];
    for (const r of answer.requests) {
      body.append(
        el(
          'tr',
          { class: r.overdue ? 'overdue' : '', 'data-request-id': r.id },
          el('td', {}, r.id),
          el('td', {}, r.side),
          el('td', {}, r.state),
          el('td', {}, r.receivedOn ?? ''),
          el('td', {}, r.dueOn ?? '', r.overdue ? ` (${t('requests.isOverdue')})` : ''),
        ),
      );
    }
    next = answer.next;
    table.hidden = body.rows.length === 0;
    document.getElementById('requests-more').hidden = next === null;
    say(body.rows.length === 0 ? t('none') : '');
  } catch (error) {
    sayRefusal(error);
  }
}

// Message search and timeline (security officers, auditors): routing data only — the console
// never asks for a message's content, whose reads the API audits (MIG-11.4).
import { api, query } from './api.js';
import { clear, el, say, sayRefusal, utc } from './dom.js';
import { t } from './i18n.js';

let next = null;
let filters = {};

export function setUpMessages() {
  const form = document.getElementById('message-search');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    void search(data);
  });
  document.getElementById('messages-more').addEventListener('click', () => void page(true));
}

async function search(data) {
  const table = document.getElementById('message-table');
  clear(table.tBodies[0]);
  document.getElementById('timeline').hidden = true;
  if (data.id) {
    try {
      const message = await api(`/messages/${encodeURIComponent(data.id.trim())}`);
      show([message], null);
    } catch (error) {
      table.hidden = true;
      sayRefusal(error);
    }
    return;
  }
  filters = {
    type: data.type,
    direction: data.direction,
    status: data.status,
    since: data.since,
    until: data.until,
  };
  next = null;
  await page(false);
}

async function page(more) {
  say(t('loading'));
  try {
    const answer = await api(
      `/messages${query({ ...filters, limit: 50, cursor: more ? next : undefined })}`,
    );
    show(answer.messages, answer.next);
  } catch (error) {
    sayRefusal(error);
  }
}

function show(messages, cursor) {
  const table = document.getElementById('message-table');
  const body = table.tBodies[0];
  for (const m of messages) {
    body.append(
      el(
        'tr',
        { dataset: { messageId: m.id } },
        el(
          'td',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'link',
              'aria-label': `${t('messages.timeline')}: ${m.id}`,
              onclick: () => void timeline(m.id),
            },
            m.id,
          ),
        ),
        el('td', {}, m.type),
        el('td', {}, t(`direction.${m.direction}`)),
        el('td', {}, `${m.from.authority} → ${m.to.authority}`),
        el('td', {}, m.statusCode ? `${m.status} (${m.statusCode})` : m.status),
        el('td', {}, utc(m.createdAt)),
      ),
    );
  }
  next = cursor;
  table.hidden = body.rows.length === 0;
  document.getElementById('messages-more').hidden = cursor === null;
  say(body.rows.length === 0 ? t('none') : '');
}

async function timeline(id) {
  const section = document.getElementById('timeline');
  const list = clear(document.getElementById('timeline-list'));
  document.getElementById('timeline-title').textContent = t('timeline.title', { id });
  say(t('loading'));
  try {
    let cursor;
    do {
      const answer = await api(`/messages/${id}/timeline${query({ cursor })}`);
      for (const entry of answer.entries) {
        list.append(
          el(
            'li',
            { class: entry.outcome === 'success' ? '' : 'failed', dataset: { type: entry.type } },
            t('timeline.entry', { seq: entry.seq, time: utc(entry.time), type: entry.type }),
            entry.code ? ` — ${entry.code}` : '',
          ),
        );
      }
      cursor = answer.next;
    } while (cursor);
    section.hidden = false;
    say('');
    section.querySelector('h3').focus?.();
  } catch (error) {
    sayRefusal(error);
  }
}

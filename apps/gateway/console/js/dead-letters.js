// Dead letters (security officers and auditors see them; only a security officer replays or
// discards one, and the API audits each decision).
import { api, query } from './api.js';
import { clear, el, say, sayRefusal, utc } from './dom.js';
import { t } from './i18n.js';

let next = null;
let status = 'held';
let mayDecide = false;

/** Only a security officer is offered replay and discard (the API holds to the same rule). */
export function setDeadLetterRoles(roles) {
  mayDecide = roles.includes('security-officer');
}

export function setUpDeadLetters() {
  const form = document.getElementById('dead-letter-filter');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status = new FormData(form).get('status');
    void load();
  });
  document.getElementById('dead-letters-more').addEventListener('click', () => void page(true));
}

export async function load() {
  clear(document.getElementById('dead-letter-table').tBodies[0]);
  next = null;
  await page(false);
}

async function page(more) {
  say(t('loading'));
  try {
    const answer = await api(
      `/dead-letters${query({ status, limit: 50, cursor: more ? next : undefined })}`,
    );
    const table = document.getElementById('dead-letter-table');
    const body = table.tBodies[0];
    for (const letter of answer.deadLetters) body.append(row(letter));
    next = answer.next;
    table.hidden = body.rows.length === 0;
    document.getElementById('dead-letters-more').hidden = next === null;
    say(body.rows.length === 0 ? t('none') : '');
  } catch (error) {
    sayRefusal(error);
  }
}

function row(letter) {
  const actions = el('td', {});
  if (mayDecide && letter.status === 'held') {
    // One refused for its size was never kept: there is nothing to replay (only to discard).
    const actionsAllowed = letter.payloadKept === false ? ['discard'] : ['replay', 'discard'];
    for (const action of actionsAllowed) {
      actions.append(
        el(
          'button',
          {
            type: 'button',
            class: action === 'discard' ? 'danger' : '',
            'aria-label': `${t(`deadLetters.${action}`)}: ${letter.id}`,
            onclick: () => void decide(letter, action),
          },
          t(`deadLetters.${action}`),
        ),
      );
    }
  } else if (letter.decidedAt) {
    actions.append(
      t('deadLetters.decided', {
        status: t(`deadLetters.${letter.status}`),
        by: letter.decidedBy ?? '',
        at: utc(letter.decidedAt),
      }),
    );
  }
  return el(
    'tr',
    { dataset: { deadLetterId: letter.id } },
    el('td', {}, utc(letter.deadLetteredAt)),
    el('td', {}, el('code', {}, letter.code), letter.reason ? ` ${letter.reason}` : ''),
    el('td', {}, letter.from ?? ''),
    el('td', {}, letter.messageId ?? ''),
    el('td', {}, String(letter.size ?? '')),
    el('td', { class: 'dead-letter-status' }, t(`deadLetters.${letter.status}`)),
    actions,
  );
}

async function decide(letter, action) {
  const confirmKey =
    action === 'replay' ? 'deadLetters.confirmReplay' : 'deadLetters.confirmDiscard';
  if (!window.confirm(t(confirmKey, { id: letter.id }))) return;
  try {
    const answer = await api(`/dead-letters/${encodeURIComponent(letter.id)}/${action}`, {
      method: 'POST',
    });
    const decided = answer.deadLetter;
    document
      .querySelector(`tr[data-dead-letter-id="${CSS.escape(letter.id)}"]`)
      ?.replaceWith(row(decided));
    say(t('deadLetters.done', { id: decided.id, status: t(`deadLetters.${decided.status}`) }));
  } catch (error) {
    sayRefusal(error);
  }
}

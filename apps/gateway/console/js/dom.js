// Building the page from API data: text only (textContent), never HTML from a string, so nothing
// the API returns can become markup or script.
import { t } from './i18n.js';

/** `<tag>` with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'onclick') element.addEventListener('click', value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return element;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

/** A status line for everyone, read out by screen readers. */
export function say(message, kind = 'info') {
  const status = document.getElementById('status');
  status.textContent = message;
  status.dataset.kind = kind;
}

export function sayRefusal(error) {
  say(t('error', { code: error.code ?? 'ERROR', message: error.message }), 'error');
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS UTC` (all times are UTC, as in the audit log). */
export function utc(iso) {
  return iso ? `${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')} UTC` : '';
}

/** A list of checks, each with its name, outcome, code and detail. */
export function checkList(checks) {
  return el(
    'ul',
    { class: 'checks' },
    checks.map((check) => {
      const ok = check.ok ?? check.status === 'ok';
      return el(
        'li',
        { class: ok ? 'ok' : 'failed', dataset: { check: check.name ?? '' } },
        el('strong', {}, `${check.name ?? ''}: ${ok ? t('check.ok') : t('check.failed')}`),
        check.code ? ` ${check.code}` : '',
        check.detail ? ` — ${check.detail}` : '',
      );
    }),
  );
}

// The signature check: the user's .p7s/.p7m goes to POST /v1/signatures/verify and the answer is
// shown as `mxg verify` shows it — the verdict, then every check with its code and detail.
import { api } from './api.js';
import { checkList, clear, el, say, sayRefusal, utc } from './dom.js';
import { t } from './i18n.js';

const TYPES = { p7s: 'application/pkcs7-signature', p7m: 'application/pkcs7-mime' };

export function setUpSignature() {
  const form = document.getElementById('signature-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void check(form);
  });
}

async function check(form) {
  const report = clear(document.getElementById('signature-report'));
  const file = form.elements.file.files[0];
  const content = form.elements.content.files[0];
  if (file === undefined) return;
  say(t('signature.checking'));
  try {
    let body;
    let type;
    if (content !== undefined) {
      // Detached: multipart with the parts the API names; the browser writes the boundary.
      body = new FormData();
      body.append('signature', file, file.name);
      body.append('content', content, content.name);
    } else {
      body = await file.arrayBuffer();
      const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
      type = TYPES[extension] ?? 'application/octet-stream';
    }
    const answer = await api('/signatures/verify', { method: 'POST', body, type });
    const verdict = String(answer.verdict).toUpperCase();
    const layers = [answer.report, answer.alternative].filter((r) => r && Array.isArray(r.checks));
    report.append(
      el(
        'p',
        { class: `verdict ${answer.valid ? 'ok' : 'failed'}`, id: 'signature-verdict' },
        t('signature.verdict', { verdict }),
        answer.code ? ` — ${answer.code}` : '',
      ),
      el(
        'dl',
        { class: 'facts' },
        el('dt', {}, 'kind'),
        el('dd', {}, answer.kind ?? ''),
        el('dt', {}, 'party'),
        el('dd', {}, answer.party ?? ''),
        el('dt', {}, 'sha256'),
        el('dd', {}, answer.sha256 ?? ''),
        el('dt', {}, 'at'),
        el('dd', {}, utc(answer.at)),
      ),
      ...layers.flatMap((layer) => [
        el('h3', {}, String(layer.layer ?? '')),
        checkList(layer.checks),
      ]),
    );
    say('');
  } catch (error) {
    sayRefusal(error);
  }
}

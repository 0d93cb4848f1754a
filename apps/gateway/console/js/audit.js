// The audit log (auditors): its latest signed checkpoint and a verify button. The check is the
// gateway's (POST /v1/audit/verify, libs/audit's verifier); an auditor who will not rely on the
// gateway runs `mxg audit verify` on an export.
import { api } from './api.js';
import { checkList, clear, el, say, sayRefusal, utc } from './dom.js';
import { t } from './i18n.js';

export function setUpAudit() {
  document.getElementById('audit-verify').addEventListener('click', () => void verify());
}

export async function load() {
  const facts = clear(document.getElementById('checkpoint'));
  const note = document.getElementById('checkpoint-note');
  note.textContent = '';
  try {
    const checkpoint = await api('/audit/checkpoints/latest');
    const [body, signatures = ''] = checkpoint.note.split('\n\n');
    const [origin, size, root] = body.split('\n');
    const fact = (label, value) => [el('dt', {}, t(label)), el('dd', {}, value)];
    facts.append(
      ...fact('audit.origin', origin),
      ...fact('audit.size', size),
      ...fact('audit.root', root),
      ...fact(
        'audit.signatures',
        signatures
          .split('\n')
          .filter((line) => line.startsWith('— '))
          .map((line) => line.split(' ')[1])
          .join(', '),
      ),
    );
    note.textContent = checkpoint.note;
  } catch (error) {
    if (error.status === 404) say(t('audit.noCheckpoint'));
    else sayRefusal(error);
  }
}

async function verify() {
  const report = clear(document.getElementById('audit-report'));
  const button = document.getElementById('audit-verify');
  button.disabled = true;
  say(t('audit.verifying'));
  try {
    const answer = await api('/audit/verify', { method: 'POST' });
    report.append(
      el(
        'p',
        { class: `verdict ${answer.verdict === 'VALID' ? 'ok' : 'failed'}`, id: 'audit-verdict' },
        t('audit.verdict', { verdict: answer.verdict }),
      ),
      checkList(answer.checks),
      el('h3', {}, t('audit.witnesses')),
      answer.witnesses.length === 0
        ? el('p', {}, t('audit.noWitness'))
        : el(
            'ul',
            { class: 'witnesses' },
            answer.witnesses.map((w) =>
              el(
                'li',
                { class: w.ok ? 'ok' : 'failed' },
                t('audit.witness', {
                  witness: w.witness,
                  size: w.treeSize,
                  at: utc(w.receivedAt),
                  result: w.ok ? t('check.ok') : t('check.failed'),
                }),
              ),
            ),
          ),
    );
    say('');
    await load();
  } catch (error) {
    sayRefusal(error);
  } finally {
    button.disabled = false;
  }
}

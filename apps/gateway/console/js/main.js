// The console: log in with an API token, ask the gateway who that is, show the sections its
// roles allow (the API refuses the rest anyway).
import { api, clearToken, setToken, token } from './api.js';
import { say, sayRefusal } from './dom.js';
import { currentLanguage, setLanguage, t, translatePage } from './i18n.js';
import { load as loadAudit, setUpAudit } from './audit.js';
import { load as loadDeadLetters, setDeadLetterRoles, setUpDeadLetters } from './dead-letters.js';
import { setUpMessages } from './messages.js';
import { load as loadRequests, setUpRequests } from './requests.js';
import { setUpSignature } from './signature.js';

const SECTIONS = ['messages', 'requests', 'audit', 'dead-letters', 'signature'];
const LOADERS = {
  requests: () => loadRequests(),
  audit: () => loadAudit(),
  'dead-letters': () => loadDeadLetters(),
};
let client = null;

function allowedSections() {
  const allowed = [];
  for (const item of document.querySelectorAll('#nav li')) {
    const roles = item.dataset.roles.split(' ');
    const visible = client !== null && roles.some((r) => client.roles.includes(r));
    item.hidden = !visible;
    if (visible) allowed.push(item.querySelector('a').hash.slice(1));
  }
  return allowed;
}

function route() {
  const allowed = allowedSections();
  document.getElementById('login').hidden = client !== null;
  document.getElementById('nav').hidden = client === null;
  document.getElementById('logout').hidden = client === null;
  const wanted = location.hash.slice(1);
  const current = allowed.includes(wanted) ? wanted : allowed[0];
  for (const id of SECTIONS) document.getElementById(id).hidden = id !== current;
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.hash === `#${current}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (current !== undefined) void LOADERS[current]?.();
}

function showWho() {
  document.getElementById('who').textContent =
    client === null
      ? ''
      : t('who', {
          id: client.id,
          roles: client.roles.join(', '),
          authority: client.authority ? t('who.authority', { authority: client.authority }) : '',
        });
}

async function logIn() {
  try {
    client = await api('/whoami');
  } catch (error) {
    client = null;
    clearToken();
    if (error.status === 401) say(t('login.failed'), 'error');
    else sayRefusal(error);
  }
  setDeadLetterRoles(client?.roles ?? []);
  showWho();
  route();
}

function translate() {
  translatePage();
  const button = document.getElementById('lang');
  button.textContent = t('lang.switch');
  // The button names the other language, in that language.
  button.lang = currentLanguage() === 'en' ? 'ru' : 'en';
  showWho();
}

function setUp() {
  translate();
  document.getElementById('lang').addEventListener('click', () => {
    setLanguage(currentLanguage() === 'en' ? 'ru' : 'en');
    translate();
  });
  document.getElementById('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = document.getElementById('token');
    setToken(input.value.trim());
    input.value = '';
    void logIn();
  });
  document.getElementById('logout').addEventListener('click', () => {
    clearToken();
    client = null;
    showWho();
    say('');
    route();
    document.getElementById('token').focus();
  });
  window.addEventListener('hashchange', route);
  setUpMessages();
  setUpRequests();
  setUpAudit();
  setUpSignature();
  setUpDeadLetters();
  if (token()) void logIn();
  else route();
}

setUp();

// Every string the console shows is in strings/en.json and strings/ru.json (the same keys in
// both: test/console.e2e-spec.ts holds them to it). A key missing from Russian falls back to English.
import en from '../strings/en.json' with { type: 'json' };
import ru from '../strings/ru.json' with { type: 'json' };

export const DICTIONARIES = { en, ru };

const STORAGE_KEY = 'mxg.console.lang';
let language = sessionStorage.getItem(STORAGE_KEY) === 'ru' ? 'ru' : 'en';

export const currentLanguage = () => language;

export function setLanguage(next) {
  language = next === 'ru' ? 'ru' : 'en';
  sessionStorage.setItem(STORAGE_KEY, language);
}

/** The string for `key` in the current language, `{name}` replaced by `values.name`. */
export function t(key, values = {}) {
  const text = DICTIONARIES[language][key] ?? DICTIONARIES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** Translates every element marked `data-i18n` under `root`, and the page's language. */
export function translatePage(root = document) {
  document.documentElement.lang = language;
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  }
}

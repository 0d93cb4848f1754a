import type { Names } from '../treaty/treaty.types';

/** One code of a closed list, with the article it comes from and its labels. */
export interface VocabularyEntry {
  readonly code: string;
  readonly article: string;
  readonly names: Names;
}

/** The closed lists of `config/vocabularies.yaml`, which message bodies are checked against. */
export interface Vocabulary {
  /** MIG-3: areas of cooperation. */
  readonly topics: readonly VocabularyEntry[];
  /** MIG-4, MIG-5: information categories, incl. entry bans and exit restrictions. */
  readonly categories: readonly VocabularyEntry[];
  /** MIG-10.4: grounds for refusing a request. */
  readonly refusalGrounds: readonly VocabularyEntry[];
  /** MIG-11.2: what a request's results may be used for; any other use needs consent. */
  readonly purposes: readonly VocabularyEntry[];
}

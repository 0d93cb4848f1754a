import { z } from 'zod';

const names = z.strictObject({
  // MIG-15: Russian is the working language; English is for operators and auditors.
  ru: z.string().min(1),
  en: z.string().min(1),
});

const entry = (article: z.ZodType<string>) =>
  z.strictObject({
    code: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
      error: 'expected a kebab-case code such as public-order',
    }),
    article,
    names,
  });

/**
 * `config/vocabularies.yaml`: the closed lists message bodies are checked against. Each entry
 * names the treaty article it comes from, so a code can always be traced to the text.
 */
export const vocabularyFileSchema = z.strictObject({
  topics: z.array(entry(z.literal('MIG-3'))).min(1),
  categories: z.array(entry(z.enum(['MIG-4', 'MIG-5']))).min(1),
  refusalGrounds: z.array(entry(z.literal('MIG-10.4'))).min(1),
  purposes: z.array(entry(z.literal('MIG-11.2'))).min(1),
});

export type VocabularyFile = z.infer<typeof vocabularyFileSchema>;

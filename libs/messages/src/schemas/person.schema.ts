import { z } from 'zod';
import { attachmentId, calendarDate, nonEmpty, text } from './field-schemas';

const CYRILLIC = '\\u0400-\\u04FF';
// Latin letters with the diacritics national passports print (e.g. Azerbaijani Ə, Ş, Ç, Ğ, I, Ö, Ü).
const LATIN = 'A-Za-z\\u00C0-\\u024F';
const nameOf = (letters: string) => new RegExp(`^[${letters}]+(?:[ '’-][${letters}]+)*$`, 'u');

/**
 * MIG-6: a name in Russian **and** Latin script. The Latin form is the one printed in the
 * passport; when it is missing it is derived (ICAO 9303, `transliteration/icao-9303.ts`), and a
 * given form that differs from the derived one is flagged, not refused.
 */
const nameForms = z.strictObject({
  cyrillic: z.string().regex(nameOf(CYRILLIC), { error: 'must be written in Cyrillic letters' }),
  latin: z
    .string()
    .regex(nameOf(LATIN), { error: 'must be written in Latin letters, as in the passport' })
    .optional(),
});

/** A decision on administrative or criminal liability (MIG-6). */
const liabilityDecision = z.strictObject({
  date: calendarDate(),
  /** The article of the code applied, e.g. «ст. 517 КоАП РК». */
  article: text(),
  description: text().optional(),
});

/** A term with its grounds: entry refused or exit restricted (MIG-5.2, MIG-6 "with their terms"). */
const restriction = z.strictObject({
  from: calendarDate(),
  until: calendarDate().optional(),
  grounds: text(),
});

/**
 * MIG-6: the only personal data the parties may exchange — and nothing else. The object is
 * strict: any other field (an address, a phone number, a personal number …) is refused with
 * FIELD_NOT_ALLOWED naming it. Registration names the locality, never a street address.
 */
export const personSchema = z.strictObject({
  surname: nameForms,
  name: nameForms,
  patronymic: nameForms.optional(),
  sex: z.enum(['male', 'female'], { error: 'must be male or female' }),
  /** Not in the future (DATE_INVALID). */
  birthDate: calendarDate(),
  birthPlace: text(),
  /** ISO 3166-1 alpha-3 as in the MRZ (KAZ, AZE; XXA stateless). */
  citizenship: z
    .string()
    .regex(/^[A-Z]{3}$/u, { error: 'must be a country code as in the MRZ: KAZ, AZE, XXA …' }),
  /** The travel document, or the identity document for residence. */
  document: z
    .strictObject({
      kind: z.enum(['passport', 'identity-card', 'residence-permit', 'travel-document'], {
        error: 'must be passport, identity-card, residence-permit or travel-document',
      }),
      series: z
        .string()
        .regex(/^[0-9A-Za-zА-ЯЁа-яё]{1,12}$/u, { error: 'must be letters and digits, at most 12' })
        .optional(),
      number: z
        .string()
        .regex(/^[0-9A-Za-zА-ЯЁа-яё]{1,20}$/u, { error: 'must be letters and digits, at most 20' }),
      issuedOn: calendarDate(),
      issuer: text(),
    })
    .optional(),
  administrativeLiability: nonEmpty(liabilityDecision).optional(),
  criminalLiability: nonEmpty(liabilityDecision).optional(),
  /** Registration at the place of stay or residence (MIG-5.1): the locality only. */
  registration: nonEmpty(
    z.strictObject({
      kind: z.enum(['stay', 'residence'], { error: 'must be stay or residence' }),
      from: calendarDate(),
      to: calendarDate().optional(),
      locality: text(),
    }),
  ).optional(),
  /** A temporary or permanent residence permit (MIG-5.2). */
  residencePermit: z
    .strictObject({
      kind: z.enum(['temporary', 'permanent'], { error: 'must be temporary or permanent' }),
      number: z
        .string()
        .regex(/^[0-9A-Za-zА-ЯЁа-яё-]{1,30}$/u, { error: 'must be letters, digits and -' })
        .optional(),
      issuedOn: calendarDate(),
      validUntil: calendarDate().optional(),
    })
    .optional(),
  /** The right to work (MIG-5.2). */
  rightToWork: z
    .strictObject({
      from: calendarDate(),
      until: calendarDate().optional(),
      basis: text().optional(),
    })
    .optional(),
  entryRefusal: restriction.optional(),
  exitRestriction: restriction.optional(),
  /** Ids of this message's attachments of kind `photograph`. */
  photographs: nonEmpty(attachmentId()).optional(),
  /** Id of this message's attachment of kind `fingerprint-card` (if any). */
  fingerprintCard: attachmentId().optional(),
});

export type Person = z.infer<typeof personSchema>;

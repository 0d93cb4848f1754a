import type { ClaimDocumentKind, ClaimLineKind } from '@mxg/messages';

/** Every claim: the return act (RET-3.1), (a) stay in institutions and (b) the minor's travel. */
export const ALWAYS_REQUIRED: readonly { kind: ClaimDocumentKind; treaty: string }[] = [
  { kind: 'return-act', treaty: 'RET-3.1' },
  { kind: 'institution-stay', treaty: 'RET-3.2' },
  { kind: 'minor-travel', treaty: 'RET-3.2' },
];

/** RET-3.2 (c)–(e): what a line of a kind needs besides. */
export const REQUIRED_FOR_LINE: Readonly<
  Partial<Record<ClaimLineKind, readonly ClaimDocumentKind[]>>
> = {
  'escort-travel': ['escort-travel'],
  accommodation: ['accommodation', 'payment-proof'],
  'per-diem': ['per-diem-statement'],
};

/** The document kinds that can support a line of each kind (RET-3.6: its supporting document). */
export const SUPPORTING_KINDS: Readonly<Record<ClaimLineKind, readonly ClaimDocumentKind[]>> = {
  'institution-stay': ['institution-stay'],
  'minor-travel': ['minor-travel', 'fare-certificate'],
  'escort-travel': ['escort-travel', 'fare-certificate'],
  accommodation: ['accommodation', 'payment-proof'],
  'per-diem': ['per-diem-statement'],
  'internal-travel': ['minor-travel', 'escort-travel', 'fare-certificate', 'other'],
  'medical-insurance': ['medical-insurance', 'other'],
};

/** Travel documents: one that shows no fare needs the carrier's fare certificate (RET-3.2). */
export const TRAVEL_KINDS: readonly ClaimDocumentKind[] = ['minor-travel', 'escort-travel'];

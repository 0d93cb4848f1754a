/** How a line's exact USD amount is rounded, once (RET-3.6; the treaty sets no rule). */
export interface RoundingPolicy {
  readonly mode: 'half-up' | 'half-even';
  /** Digits after the decimal point, 2 for cents. */
  readonly scale: number;
}

/**
 * RET-3.3/3.4: a party's caps for escorts' accommodation (per person-night) and per diems (per
 * person-day), decimal strings in the party's national currency.
 */
export interface PartyCaps {
  readonly currency: string;
  readonly accommodationPerNight: string;
  readonly perDiemPerDay: string;
}

/** `config/settlements.yaml`, validated against `config/parties.yaml`. */
export interface SettlementsConfig {
  readonly rounding: RoundingPolicy;
  /** Per party code. */
  readonly caps: Readonly<Record<string, PartyCaps>>;
}

/** The rounding policy of config/settlements.yaml, named in the calculation's footnote. */
export interface CalculationRounding {
  readonly mode: 'half-up' | 'half-even';
  readonly scale: number;
}

/**
 * What the calculation shows besides the claim: names in Russian from config/ (parties.yaml's
 * `names.ru`, `nationalBank.ru`) and the rounding policy the USD amounts were checked under.
 * Codes without a name are shown as codes.
 */
export interface CalculationContext {
  /** Party code → the state's name in Russian, e.g. KZ → «Республика Казахстан». */
  readonly states: Readonly<Record<string, string>>;
  /** National bank code → its name in Russian, e.g. NBK → «Национальный Банк Республики Казахстан». */
  readonly banks?: Readonly<Record<string, string>>;
  /** The state of stay's national currency (ISO 4217), e.g. KZT: rates read «1 EUR = 515.20 KZT». */
  readonly nationalCurrency?: string;
  readonly rounding: CalculationRounding;
}

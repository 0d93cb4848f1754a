import type { RoundingPolicy, SettlementsConfig, TreatyRegistry } from '@mxg/config';

/**
 * What the calculation shows besides the claim: names in Russian from config/ (parties.yaml's
 * `names.ru`, `nationalBank.ru`) and the rounding policy the USD amounts were checked under
 * (settlements.yaml), named in its footnote. Codes without a name are shown as codes.
 */
export interface CalculationContext {
  /** Party code → the state's name in Russian, e.g. KZ → «Республика Казахстан». */
  readonly states: Readonly<Record<string, string>>;
  /** National bank code → its name in Russian, e.g. NBK → «Национальный Банк Республики Казахстан». */
  readonly banks?: Readonly<Record<string, string>>;
  /** The state of stay's national currency (ISO 4217), e.g. KZT: rates read «515.20 KZT за 1 EUR». */
  readonly nationalCurrency?: string;
  readonly rounding: RoundingPolicy;
}

/** The calculation's context for a claim from the configuration both gateways and the CLI load. */
export function calculationContext(
  claim: { readonly stayState: string },
  treaty: TreatyRegistry,
  settlements: SettlementsConfig,
): CalculationContext {
  const parties = treaty.allParties();
  return {
    states: Object.fromEntries(parties.map((p) => [p.code, p.names.ru])),
    banks: Object.fromEntries(parties.map((p) => [p.nationalBank.code, p.nationalBank.ru])),
    nationalCurrency: parties.find((p) => p.code === claim.stayState)?.currency,
    rounding: settlements.rounding,
  };
}

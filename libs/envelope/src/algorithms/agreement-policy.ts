import { type AlgorithmPolicy, defaultAlgorithmPolicy, type TreatyRegistry } from '@mxg/config';

/** The agreement's algorithm allow-list; an unknown or absent agreement gets the strict default. */
export function agreementPolicy(
  agreementCode: string | undefined,
  treaty: TreatyRegistry,
): AlgorithmPolicy {
  return (
    treaty.allAgreements().find((a) => a.code === agreementCode)?.algorithms ??
    defaultAlgorithmPolicy()
  );
}

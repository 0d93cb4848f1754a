/**
 * Names of a gateway's audit keys in signed notes. The log signs as its origin,
 * `mxg.<party>/audit` (tlog-checkpoint: the key name equals the origin); the same
 * audit-checkpoint key countersigns peers' checkpoints as `mxg.<party>/witness`. cosignCheckpoint
 * insists the log's key name equals the checkpoint's origin, so a witness signature can never
 * pass as the witness's own log signature.
 */
export function auditLogOrigin(party: string): string {
  return `mxg.${party.toLowerCase()}/audit`;
}

export function witnessKeyName(party: string): string {
  return `mxg.${party.toLowerCase()}/witness`;
}

const KEY_NAME = /^mxg\.([a-z]{2})\/(audit|witness)$/;

/** The party (upper case) whose key a name denotes, or undefined if it is not one of ours. */
export function partyOfKeyName(keyName: string): string | undefined {
  return KEY_NAME.exec(keyName)?.[1]?.toUpperCase();
}

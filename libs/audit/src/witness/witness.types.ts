/** A log asks a peer's witness to countersign its checkpoint (c2sp.org/tlog-witness, in JSON). */
export interface WitnessRequest {
  /** The log's signed note. */
  readonly note: string;
  /** The size the witness last saw (0 on first contact); the proof starts there. */
  readonly oldSize: number;
  /** RFC 9162 consistency proof from `oldSize` to the note's size, base64 hashes. */
  readonly consistency: readonly string[];
  /** PEM of the log's audit-checkpoint certificate; the witness checks it against the party CA. */
  readonly certificate: string;
}

export interface WitnessResponse {
  /** The note with the witness's cosignature line added. */
  readonly note: string;
  /** PEM of the witness's audit-checkpoint certificate. */
  readonly certificate: string;
}

/** What a witness last countersigned of one log. */
export interface WitnessedHead {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly timestamp: string;
}

/**
 * How a log reaches one peer's witness. HTTP today (`HttpWitnessTransport`); the exchange
 * capability may move it onto AMQP without touching the witnessing logic.
 */
export interface WitnessTransport {
  lastSeen(origin: string): Promise<WitnessedHead | undefined>;
  submit(request: WitnessRequest): Promise<WitnessResponse>;
}

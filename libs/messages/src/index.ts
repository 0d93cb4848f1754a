// @mxg/messages — the body of every message type: one JSON Schema each, the MIG-6 person-data
// contract, typed attachments, and the checks shared by the API, the receiver and the CLI.
export {};

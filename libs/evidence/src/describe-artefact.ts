import type { MessageHeader, Receipt } from '@mxg/envelope';

/** A header in one line: ids, codes and times only, never the body. */
export function describeHeader(header: MessageHeader): string {
  const reply = header.inReplyTo ? `, in reply to ${header.inReplyTo.id}` : '';
  return `${header.type} ${header.id} under ${header.agreement}, ${header.from.authority} (${header.from.party}) → ${header.to.authority} (${header.to.party}), created ${header.createdAt}${reply}`;
}

/** What the receiving gateway stated under its seal: ids, codes and times only. */
export function describeReceipt(receipt: Receipt): string[] {
  const outcome =
    receipt.status === 'accepted' ? 'accepted' : `rejected (${receipt.code ?? 'no code'})`;
  const lines = [
    `  receipt: message ${receipt.messageId} ${outcome} by ${receipt.from} (sent by ${receipt.to})`,
    `  received at: ${receipt.receivedAt}`,
  ];
  if (receipt.signedAt)
    lines.push(`  signed at: ${receipt.signedAt} (the signatory's signing time)`);
  if (receipt.sealedAt) lines.push(`  sealed at: ${receipt.sealedAt} (the sending gateway's seal)`);
  if (receipt.digest) lines.push(`  content digest: ${receipt.digest}`);
  if (receipt.receivedOn && receipt.dueOn)
    lines.push(`  received on ${receipt.receivedOn}, due on ${receipt.dueOn} (MIG-10.3)`);
  return lines;
}

import { HttpApiError } from '../api/api-errors';
import { CMS_MEDIA_TYPES, UPLOAD_MEDIA_TYPES } from '../api/media-types';
import type { RequestBody } from '../api/request-body.decorator';
import { validationFailed } from '../exchange/exchange.errors';

/** A detached signature's file and the content it signs, as two parts of one form. */
export const MULTIPART_MEDIA_TYPE = 'multipart/form-data';

/** What `POST /v1/signatures/verify` takes: a signature file as it is, or a form with its content. */
export const SIGNATURE_UPLOAD_MEDIA_TYPES: readonly string[] = [
  ...CMS_MEDIA_TYPES,
  ...UPLOAD_MEDIA_TYPES,
];

/** The form's parts: the signature (required) and, for a detached one, the content. */
const PARTS = ['signature', 'content'] as const;

/** The uploaded signature file (DER or PEM, as sent) and the detached content, if any. */
export interface SignatureUpload {
  readonly file: Uint8Array;
  readonly content?: Uint8Array;
}

/**
 * Reads an upload. A bare body is the signature file; `multipart/form-data` has a part
 * `signature` and, for a detached signature, a part `content` (each a file or a field; nothing
 * else). The body reader has bounded the whole request already (413). Multipart is parsed by
 * the platform's own WHATWG `FormData` reader (undici), not by code of ours.
 */
export async function readSignatureUpload(
  body: RequestBody,
  contentType: string | undefined,
): Promise<SignatureUpload> {
  if (body.mediaType !== MULTIPART_MEDIA_TYPE) return { file: body.bytes };
  let form: FormData;
  try {
    form = await new Response(body.bytes, {
      headers: { 'content-type': contentType ?? MULTIPART_MEDIA_TYPE },
    }).formData();
  } catch {
    throw new HttpApiError(
      'MALFORMED_REQUEST',
      'the multipart/form-data body cannot be read (boundary, part headers)',
    );
  }
  const names = [...new Set([...form.keys()])];
  const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  const problems = [
    ...unknown.map((field) => ({
      field,
      rule: 'part',
      message: 'is not a part this call takes (signature, content)',
    })),
    ...PARTS.filter((p) => form.getAll(p).length > 1).map((field) => ({
      field,
      rule: 'part',
      message: 'is given more than once',
    })),
    ...(form.has('signature')
      ? []
      : [{ field: 'signature', rule: 'required', message: 'the signature file is required' }]),
  ];
  if (problems.length > 0) throw validationFailed(problems);
  const file = await bytesOf(form.get('signature')!);
  const content = form.has('content') ? await bytesOf(form.get('content')!) : undefined;
  return { file, content };
}

async function bytesOf(part: NonNullable<ReturnType<FormData['get']>>): Promise<Uint8Array> {
  return typeof part === 'string'
    ? new Uint8Array(Buffer.from(part, 'utf8'))
    : new Uint8Array(await part.arrayBuffer());
}

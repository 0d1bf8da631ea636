import { data, unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { readForm } from "#app/http/form.server";
import { replaceControlChars } from "#app/shared/text";
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { detectSource, recordsOf } from "./detect";
import { appendChunk, createUpload, discardImport, fileOf, finishUpload } from "./imports.server";
import { FILE_TOO_BIG, MAX_IMPORT_BYTES } from "./import-schema";

// An import's upload, read as it arrives (docs/decisions/0029): the file is
// written to the database in chunks as the request body streams in, so the
// server holds one chunk of it at a time, never the whole file. The size is
// refused early by the server's policy (Content-Length over 20 MB: 413) and
// again here while reading, for a body that says less than it sends.

const CHUNK_BYTES = 256 * 1024;
/** A form field that is not the file (the submission key): a few bytes. */
const MAX_FIELD_BYTES = 4 * 1024;
const FILE_FIELD = "file";

class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function textOf(part: AsyncIterable<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for await (const chunk of part) {
    bytes += chunk.length;
    if (bytes > MAX_FIELD_BYTES) throw new UploadRefused(413, "A form field is too long.");
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/** A file name as the browser sent it, made safe to show: no path, no control characters, bounded. */
function displayName(name: string | undefined): string {
  const base = replaceControlChars(name ?? "", "").trim();
  return [...base].slice(0, 200).join("") || "upload";
}

/**
 * The upload form's fields, the file stored as an upload on the way: its
 * `file` field is the upload's id (an import in state "uploading"), or
 * missing when no file was chosen (an empty file part). A body that cannot
 * be read, or a file over 20 MB, is a 4xx, and whatever of the file had
 * been stored is removed. `discardUpload` removes an upload whose form was
 * then refused (invalid, a repeat, rate limited).
 */
export async function readUploadForm(request: Request, ownerId: string): Promise<FormData> {
  const type = request.headers.get("Content-Type") ?? "";
  // Not multipart (a form without enctype): the file field holds only a name. No file.
  if (!/^multipart\/form-data\b/i.test(type)) {
    const form = await readForm(request);
    form.delete(FILE_FIELD);
    return form;
  }
  let uploadId: string | null = null;
  const handler: UploadHandler = async (part) => {
    if (part.name !== FILE_FIELD || part.filename === undefined) return textOf(part.data);
    if (uploadId !== null) throw new UploadRefused(400, "Send one file at a time.");
    // No file chosen: the browser sends an empty part without a name.
    if (!part.filename) {
      for await (const _chunk of part.data); // drained, so the parser goes on
      return undefined;
    }
    // An empty file is an upload too: openUpload says it is empty.
    uploadId = await createUpload(ownerId, displayName(part.filename));
    let size = 0;
    let seq = 0;
    let buffer = new Uint8Array(CHUNK_BYTES);
    let filled = 0;
    for await (const chunk of part.data) {
      size += chunk.length;
      if (size > MAX_IMPORT_BYTES) throw new UploadRefused(413, FILE_TOO_BIG);
      for (let at = 0; at < chunk.length;) {
        const take = Math.min(CHUNK_BYTES - filled, chunk.length - at);
        buffer.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === CHUNK_BYTES) {
          await appendChunk(uploadId, seq++, buffer);
          buffer = new Uint8Array(CHUNK_BYTES);
          filled = 0;
        }
      }
    }
    if (filled > 0) await appendChunk(uploadId, seq, buffer.subarray(0, filled));
    return uploadId;
  };
  try {
    return await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    if (uploadId !== null) await discardImport(ownerId, uploadId);
    if (error instanceof UploadRefused) throw data(error.message, { status: error.status });
    if (request.signal.aborted) throw error; // the client went away: no one to answer
    throw data("The upload could not be read. Please choose the file and send it again.", { status: 400 });
  }
}

/** Removes the upload a refused form carried (see readUploadForm). */
export async function discardUpload(ownerId: string, form: FormData): Promise<void> {
  const id = form.get(FILE_FIELD);
  if (typeof id === "string" && id) await discardImport(ownerId, id);
}

export type OpenedUpload = { ok: true } | { ok: false; problem: string };

/**
 * Looks at a stored upload (`file` of the form readUploadForm read) and makes
 * it an import ready for review, or says why the file cannot be imported
 * (empty, binary, not a CSV or vCard). In the write's transaction `trx`.
 */
export async function openUpload(ownerId: string, uploadId: string, trx: Kysely<Database>): Promise<OpenedUpload> {
  if (!uploadId) return { ok: false, problem: "The file is empty. Choose the file your address book exported." };
  const detected = detectSource(await headOf(uploadId, trx));
  if ("problem" in detected) return { ok: false, problem: detected.problem };
  // A header row (or a vCard file) with nothing after it: there is nothing to review.
  const first = await recordsOf(fileOf(uploadId, {}, trx), detected).next();
  if (first.done)
    return { ok: false, problem: "The file has no contacts in it, only its column names. Choose the file your address book exported." };
  if (!(await finishUpload(ownerId, uploadId, detected, trx)))
    return { ok: false, problem: "The upload could not be found. Please send the file again." };
  return { ok: true };
}

/** The first `bytes` of an upload (for detection): its first chunks, read until there are enough. */
async function headOf(uploadId: string, executor: Kysely<Database>, bytes = 64 * 1024): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let have = 0;
  for await (const chunk of fileOf(uploadId, {}, executor)) {
    parts.push(chunk.subarray(0, bytes - have));
    have += Math.min(chunk.length, bytes - have);
    if (have >= bytes) break;
  }
  const head = new Uint8Array(have);
  let at = 0;
  for (const part of parts) {
    head.set(part, at);
    at += part.length;
  }
  return head;
}

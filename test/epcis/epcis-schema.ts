import { createHash } from 'node:crypto';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import schema from './EPCIS-JSON-Schema.json';

/**
 * GS1's copy re-serialised as GS1 wrote it (JSON.stringify with two spaces, a final newline);
 * Prettier only reflowed the whitespace of the copy kept here. See README.md beside it.
 */
export const UPSTREAM_SHA256 = 'bcab07516c8b90db6e48227bbc7d0a8d7f0b1c89697bbe93964b1a0a399fdbc0';

export function schemaSha256(): string {
  return createHash('sha256')
    .update(`${JSON.stringify(schema, null, 2)}\n`)
    .digest('hex');
}

// draft-07 ($schema), so Ajv's default class; its `if` branches leave out `type: object`, which
// strictTypes would only log about.
const ajv = new Ajv({ allErrors: true, strictTypes: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** The schema's complaints about a document or event, as `path: message` lines; none if valid. */
export function epcisSchemaErrors(document: unknown): string[] {
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}

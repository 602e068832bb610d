/**
 * How the Direct Line routes read and check their input, before any handler runs:
 *
 * - a JSON body parser that refuses nesting deeper than `maxJsonDepth` (a linear scan of the text
 *   before it is parsed, so a body of 5 000 nested arrays never reaches `JSON.parse` or the bot),
 *   then parses like Fastify's own (`__proto__` and `constructor.prototype` refused);
 * - a schema validator (Ajv) that never coerces: `"text": 42` is an error, not the string "42"
 *   (Fastify's default validator coerces types, which a protocol must not do).
 *
 * Both are installed in the channel's encapsulated context only (directLinePlugin.ts); a failed
 * check reaches the channel's error handler and is answered `400 BadArgument` (errors.ts).
 */
import { Ajv, type AnySchema } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { BadArgumentError } from './errors.js';

/** True when the JSON text nests objects and arrays deeper than `maxDepth` (strings are skipped). */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Replaces the context's JSON body parser: an empty body is no body (the schema decides whether
 * one is needed), a body nested deeper than `maxDepth` is `400 BadArgument`, the rest is parsed as
 * Fastify parses it.
 */
export function useDepthLimitedJson(fastify: FastifyInstance, maxDepth: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (nestsDeeperThan(text, maxDepth)) {
      done(new BadArgumentError('The request body is nested too deeply.'), undefined);
      return;
    }
    parse(request, text, done);
  });
}

/** Compiles the route schemas of the context with an Ajv that checks and never changes the input. */
export function useStrictSchemas(fastify: FastifyInstance): void {
  const ajv = new Ajv({ allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false, allowUnionTypes: true, strictTypes: false });
  fastify.setValidatorCompiler(({ schema }) => ajv.compile(schema as AnySchema));
}

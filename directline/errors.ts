/**
 * The errors of the Direct Line channel, in one list, and the one mapping of anything thrown on a
 * Direct Line route to the Direct Line error body `{ error: { code, message } }`.
 *
 * Each error carries the HTTP status and the Direct Line `code` it is answered with, so routes
 * simply throw them (`defineError` from contracts/httpErrors.ts, like staff/ and handoff/; not
 * `@fastify/error`, whose codes are meant as `FST_…`-style constants, while these are part of the
 * wire contract). Messages are fixed English sentences: they never repeat the request (no text, no
 * token, no id, no host).
 *
 * Codes: `BadArgument` (400, 415), `Unauthorized` (401), `TokenInvalid`, `TokenExpired`,
 * `Forbidden`, `ConversationEnded`, `ReturnCodeInvalid` (403), `NotFound` (404), `MessageSizeTooBig` (413),
 * `TooManyRequests` (429), `ServiceError` (500). See docs/protocol.md, "Errors".
 */
import { bodyProblem, defineError, HttpError, statusOf, type BodyProblem } from '../contracts/httpErrors.js';

/** Base of every error the Direct Line routes answer with a Direct Line error body. */
export class DirectLineError extends HttpError {
  override name = 'DirectLineError';
}

/** 401: no `Authorization: Bearer …` header, or a token that is not even shaped like one. */
export const MalformedTokenError = defineError(DirectLineError, 'MalformedTokenError', 401, 'Unauthorized', 'A Direct Line token is required: Authorization: Bearer <token>.');
/** 403: the token is shaped right but its signature or claims are not valid. */
export const InvalidTokenError = defineError(DirectLineError, 'InvalidTokenError', 403, 'TokenInvalid', 'The token is not valid.');
/** 403 `TokenExpired`: the token was valid but has expired (Direct Line's own code). */
export const TokenExpiredError = defineError(DirectLineError, 'TokenExpiredError', 403, 'TokenExpired', 'The token has expired.');
/** 403: a valid token used for another conversation, or a stream token used as a bearer token. */
export const ForbiddenError = defineError(DirectLineError, 'ForbiddenError', 403, 'Forbidden', 'This token does not give access to this conversation.');
/** 403: the conversation has ended; it accepts no new activities. */
export const ConversationEndedError = defineError(DirectLineError, 'ConversationEndedError', 403, 'ConversationEnded', 'The conversation has ended.');
/** 404: the conversation does not exist (never started, expired or deleted). */
export const ConversationNotFoundError = defineError(DirectLineError, 'ConversationNotFoundError', 404, 'NotFound', 'The conversation was not found.');
/** 404: no Direct Line endpoint at this path and method (`/upload`, `/session/getsessionid`, a typo). */
export const RouteNotFoundError = defineError(DirectLineError, 'RouteNotFoundError', 404, 'NotFound', 'This Direct Line endpoint does not exist on this service.');
/** 400: the request body or a parameter is not acceptable. */
export const BadArgumentError = defineError(DirectLineError, 'BadArgumentError', 400, 'BadArgument', 'The request is not valid.');
/** 400: the watermark is not one this service handed out. */
export const InvalidWatermarkError = defineError(DirectLineError, 'InvalidWatermarkError', 400, 'BadArgument', 'The watermark is not valid.');
/** 400: the request's Host is not one this service answers to (no PUBLIC_URL, and not in the allowlist). */
export const HostNotAllowedError = defineError(DirectLineError, 'HostNotAllowedError', 400, 'BadArgument', 'This service does not answer to that host name.');
/** 415: a body in a media type other than JSON. */
export const UnsupportedMediaTypeError = defineError(DirectLineError, 'UnsupportedMediaTypeError', 415, 'BadArgument', 'The request body must be JSON (Content-Type: application/json).');
/** 413: an activity (or request body) is larger than the channel accepts. */
export const ActivityTooLargeError = defineError(DirectLineError, 'ActivityTooLargeError', 413, 'MessageSizeTooBig', 'The activity is too large.');
/** 403 `ReturnCodeInvalid`: a return code that is unknown, already used, expired, or of a conversation that ended or was deleted (one answer for all). */
export const ReturnCodeInvalidError = defineError(DirectLineError, 'ReturnCodeInvalidError', 403, 'ReturnCodeInvalid', 'The return code is not valid or no longer works.');
/** 400: a return code was sent, but this service has no return codes wired. */
export const ReturnCodesUnavailableError = defineError(DirectLineError, 'ReturnCodesUnavailableError', 400, 'BadArgument', 'This service does not accept return codes.');
/** 500: something failed inside the service (Redis down, a bug). Never used for bad input. */
export const ServiceError = defineError(DirectLineError, 'ServiceError', 500, 'ServiceError', 'The service could not handle the request.');

/** 429: too many requests from this client; see the Retry-After header. */
export class RateLimitedError extends DirectLineError {
  override name = 'RateLimitedError';
  /**
   * @param message Fixed explanation.
   * @param retryAfterSeconds When set, the answer carries `Retry-After: <seconds>`.
   */
  constructor(
    message = 'Too many requests, try again later.',
    readonly retryAfterSeconds?: number,
  ) {
    super(429, 'TooManyRequests', message);
  }
}

/** The Direct Line answer to each body Fastify (or the channel's JSON parser) refused to read. */
const BODY_ERRORS: Record<BodyProblem, () => DirectLineError> = {
  tooLarge: () => new ActivityTooLargeError('The request body is too large.'),
  notJson: () => new UnsupportedMediaTypeError(),
  empty: () => new BadArgumentError('The request body is empty.'),
  invalidJson: () => new BadArgumentError('The request body is not valid JSON.'),
};

/** Where a failed schema check looked (Fastify's `validationContext`). */
const PARTS: Record<string, string> = { body: 'request body', querystring: 'query', params: 'path', headers: 'headers' };
/** A property name of one of the channel's own schemas (never a key the client made up). */
const SCHEMA_FIELD = /^\/[A-Za-z]{1,32}$/;

/** A schema validation failure as a fixed sentence: the part, and the field when it is one of ours. */
function validationError(error: { validationContext?: unknown; validation?: unknown }): DirectLineError {
  const part = PARTS[String(error.validationContext)] ?? 'request';
  const first = Array.isArray(error.validation) ? (error.validation[0] as { instancePath?: unknown } | undefined) : undefined;
  const field = typeof first?.instancePath === 'string' && SCHEMA_FIELD.test(first.instancePath) ? ` (${first.instancePath.slice(1)})` : '';
  return new BadArgumentError(`The ${part} is not valid${field}.`);
}

/**
 * Maps anything thrown on a Direct Line route to a Direct Line error: the channel's own errors as
 * they are, schema and body failures as `BadArgument`/`MessageSizeTooBig`, Fastify's other 4xx as
 * `BadArgument` with their status, everything else as `ServiceError`. Bad input never becomes a 500.
 */
export function toDirectLineError(error: unknown): DirectLineError {
  if (error instanceof DirectLineError) return error;
  if (error && typeof error === 'object' && 'validation' in error) return validationError(error as { validation?: unknown });
  const problem = bodyProblem(error);
  if (problem) return BODY_ERRORS[problem]();
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return new BadArgumentError('The Content-Length does not match the body.');
  const status = statusOf(error);
  if (status === 404) return new RouteNotFoundError();
  if (status >= 400 && status < 500) return new DirectLineError(status, 'BadArgument', 'The request is not valid.');
  return new ServiceError();
}

/** The body of a Direct Line error answer. */
export function errorBody(error: DirectLineError): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}

/**
 * The answer to the errors Fastify meets before any route is chosen (a URL that does not decode,
 * a path parameter over its maximum length), for Fastify's `frameworkErrors` option: the one
 * error shape, and never the path in it (Fastify's own body would repeat the URL with its ids).
 */
export function frameworkErrorAnswer(error: { code?: unknown }): { statusCode: number; body: { error: { code: string; message: string } } } {
  if (error.code === 'FST_ERR_BAD_URL') return { statusCode: 400, body: errorBody(new BadArgumentError('The URL is not valid.')) };
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return { statusCode: 414, body: errorBody(new DirectLineError(414, 'BadArgument', 'A part of the URL is too long.')) };
  return { statusCode: 500, body: errorBody(new ServiceError()) };
}

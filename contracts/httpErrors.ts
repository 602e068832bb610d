/**
 * The one shape of the errors routes answer with `{ error: { code, message } }`, and the one way to
 * name them: each area keeps its errors as a list of `defineError(...)` lines (directline/errors.ts,
 * staff/errors.ts, handoff/errors.ts), so a route simply throws one.
 *
 * Like `createError` of `@fastify/error`, but the code is kept as written: the codes are part of
 * the wire contract (Direct Line's `TokenExpired`, `BadArgument`), which `createError` would
 * upper-case. Messages are fixed English sentences: never message text, tokens or addresses.
 */

/** An error with the HTTP status and the stable `error.code` it is answered with. */
export class HttpError extends Error {
  override name = 'HttpError';

  /**
   * @param statusCode HTTP status of the answer.
   * @param code Stable error code (`error.code`).
   * @param message Fixed, non-identifying explanation (`error.message`).
   */
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A constructor of HttpErrors of one kind (its status and code fixed, the message optional). */
export type HttpErrorClass<T extends HttpError = HttpError> = new (message?: string) => T;

/**
 * Defines one kind of error: a subclass of `Base` named `name`, answered with `statusCode` and
 * `code`, whose message is `defaultMessage` unless a more precise fixed one is given.
 */
export function defineError<T extends HttpError>(
  Base: new (statusCode: number, code: string, message: string) => T,
  name: string,
  statusCode: number,
  code: string,
  defaultMessage: string,
): HttpErrorClass<T> {
  const Base_ = Base as unknown as new (statusCode: number, code: string, message: string) => HttpError;
  const Defined = class extends Base_ {
    constructor(message = defaultMessage) {
      super(statusCode, code, message);
      this.name = name;
    }
  };
  Object.defineProperty(Defined, 'name', { value: name });
  return Defined as unknown as HttpErrorClass<T>;
}

/** What was wrong with a request body Fastify refused to parse. */
export type BodyProblem = 'tooLarge' | 'notJson' | 'empty' | 'invalidJson';

/** The body problem behind an error Fastify raised while parsing, or undefined for any other error. */
export function bodyProblem(error: unknown): BodyProblem | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'tooLarge';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'notJson';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'empty';
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') return 'invalidJson';
  return undefined;
}

/** The HTTP status of an error (500 when it has none). */
export function statusOf(error: unknown): number {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : 500;
}

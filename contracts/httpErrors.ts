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

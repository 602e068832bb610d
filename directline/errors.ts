/**
 * Named errors of the Direct Line channel. Each carries the HTTP status and the Direct Line error
 * `code` it is answered with (`{ error: { code, message } }`), so routes can simply throw them.
 * Messages are fixed English sentences: they never contain message text, tokens or addresses.
 */

/** Base of every error the Direct Line routes answer with a Direct Line error body. */
export class DirectLineError extends Error {
  override name = 'DirectLineError';

  /**
   * @param statusCode HTTP status of the answer.
   * @param code Stable Direct Line error code (`error.code`).
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

/** 401: no `Authorization: Bearer …` header, or a token that is not even shaped like one. */
export class MalformedTokenError extends DirectLineError {
  override name = 'MalformedTokenError';
  constructor(message = 'A Direct Line token is required: Authorization: Bearer <token>.') {
    super(401, 'Unauthorized', message);
  }
}

/** 403: the token is shaped right but its signature or claims are not valid. */
export class InvalidTokenError extends DirectLineError {
  override name = 'InvalidTokenError';
  constructor(message = 'The token is not valid.') {
    super(403, 'TokenInvalid', message);
  }
}

/** 403 `TokenExpired`: the token was valid but has expired (Direct Line's own code). */
export class TokenExpiredError extends DirectLineError {
  override name = 'TokenExpiredError';
  constructor(message = 'The token has expired.') {
    super(403, 'TokenExpired', message);
  }
}

/** 403: a valid token used for another conversation, or a stream token used as a bearer token. */
export class ForbiddenError extends DirectLineError {
  override name = 'ForbiddenError';
  constructor(message = 'This token does not give access to this conversation.') {
    super(403, 'Forbidden', message);
  }
}

/** 403: the conversation has ended; it accepts no new activities. */
export class ConversationEndedError extends DirectLineError {
  override name = 'ConversationEndedError';
  constructor(message = 'The conversation has ended.') {
    super(403, 'ConversationEnded', message);
  }
}

/** 404: the conversation does not exist (never started, expired or deleted). */
export class ConversationNotFoundError extends DirectLineError {
  override name = 'ConversationNotFoundError';
  constructor(message = 'The conversation was not found.') {
    super(404, 'NotFound', message);
  }
}

/** 400: the request body or a parameter is not acceptable. */
export class BadArgumentError extends DirectLineError {
  override name = 'BadArgumentError';
  constructor(message = 'The request is not valid.') {
    super(400, 'BadArgument', message);
  }
}

/** 400: the watermark is not one this service handed out. */
export class InvalidWatermarkError extends DirectLineError {
  override name = 'InvalidWatermarkError';
  constructor(message = 'The watermark is not valid.') {
    super(400, 'BadArgument', message);
  }
}

/** 413: an activity (or request body) is larger than the channel accepts. */
export class ActivityTooLargeError extends DirectLineError {
  override name = 'ActivityTooLargeError';
  constructor(message = 'The activity is too large.') {
    super(413, 'MessageSizeTooBig', message);
  }
}

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

/** 500: something failed inside the service (Redis down, a bug). Never used for bad input. */
export class ServiceError extends DirectLineError {
  override name = 'ServiceError';
  constructor(message = 'The service could not handle the request.') {
    super(500, 'ServiceError', message);
  }
}

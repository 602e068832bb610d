/**
 * The errors of the Direct Line channel, in one list: each carries the HTTP status and the Direct
 * Line error `code` it is answered with (`{ error: { code, message } }`), so routes simply throw them.
 */
import { defineError, HttpError } from '../contracts/httpErrors.js';

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
/** 400: the request body or a parameter is not acceptable. */
export const BadArgumentError = defineError(DirectLineError, 'BadArgumentError', 400, 'BadArgument', 'The request is not valid.');
/** 400: the watermark is not one this service handed out. */
export const InvalidWatermarkError = defineError(DirectLineError, 'InvalidWatermarkError', 400, 'BadArgument', 'The watermark is not valid.');
/** 413: an activity (or request body) is larger than the channel accepts. */
export const ActivityTooLargeError = defineError(DirectLineError, 'ActivityTooLargeError', 413, 'MessageSizeTooBig', 'The activity is too large.');
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

/**
 * The errors of the handoff, in one list: each carries the HTTP status and the stable `code` the
 * counsellors' API answers with (`{ error: { code, message } }`); messages are fixed English
 * sentences, never message text.
 */
import { defineError, HttpError } from '../contracts/httpErrors.js';

/** Base of every error the counsellors' API answers with an error body. */
export class HandoffError extends HttpError {
  override name = 'HandoffError';
}

/** 400: a request that is not valid (unknown outcome, empty message, unknown colleague). */
export const HandoffRequestError = defineError(HandoffError, 'HandoffRequestError', 400, 'HandoffRequestError', 'The request is not valid.');
/** 401: no staff member on the request (the route's guard was not passed). */
export const NotSignedInError = defineError(HandoffError, 'NotSignedInError', 401, 'Unauthorized', 'Not signed in.');
/** 404: a session is not there (ended, expired) or belongs to another counsellor. */
export const SessionNotFoundError = defineError(HandoffError, 'SessionNotFoundError', 404, 'SessionNotFoundError', 'No open conversation with that id for you.');
/** 409: a conversation is not (or no longer) waiting: someone else took it, or it was cancelled. */
export const NotWaitingError = defineError(HandoffError, 'NotWaitingError', 409, 'NotWaitingError', 'This conversation is not waiting any more.');
/** 409: the counsellor (or the colleague a conversation is passed to) has the maximum open already. */
export const AtCapacityError = defineError(HandoffError, 'AtCapacityError', 409, 'AtCapacity', 'There is no room for another conversation.');
/** 409: the colleague is not on duty now. */
export const ColleagueNotOnDutyError = defineError(HandoffError, 'ColleagueNotOnDutyError', 409, 'ColleagueNotOnDuty', 'This colleague is not on duty now.');
/** 503: the claim lock could not be had in time (very busy queue). */
export const ClaimBusyError = defineError(HandoffError, 'ClaimBusyError', 503, 'ClaimBusyError', 'The queue is busy; try again.');
/** 404: an interpreter's link that does not work (unknown, used already, withdrawn, expired, or the conversation ended). */
export const InterpreterLinkInvalidError = defineError(HandoffError, 'InterpreterLinkInvalidError', 404, 'InterpreterLinkInvalid', 'This interpreter link does not work (any more). Ask the counsellor for a new one.');
/** 401: no interpreter session on the request (or it ended). */
export const NotInterpreterError = defineError(HandoffError, 'NotInterpreterError', 401, 'NotInterpreter', 'Not joined as an interpreter, or the link has ended.');

/**
 * The interpreter's API, under /api/interpreter: an interpreter opens the one-time link a
 * counsellor made (POST /session with the token from the link's fragment) and gets a session for
 * that one conversation, in an HttpOnly, SameSite=Strict cookie limited to this path. With it they
 * read the chat since they joined (the young person, the counsellor and themselves; never the bot's
 * part, the notes, the screening or anything else) and write in it, until the conversation ends,
 * the counsellor withdraws the link, or it expires. Documented in docs/api.md.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { AuditRecord } from '../audit/AuditTrail.js';
import type { InterpreterView } from '../contracts/counsellorApi.js';
import { bodyProblem, HttpError, statusOf } from '../contracts/httpErrors.js';
import { HandoffRequestError, InterpreterLinkInvalidError, NotInterpreterError } from './errors.js';
import type { InterpreterLinkState } from './InterpreterLinks.js';
import type { HandoffService } from './HandoffService.js';

/** Name of the interpreter's session cookie. */
export const INTERPRETER_COOKIE = 'lantern_interpreter';
/** Path prefix of the interpreter's routes (the cookie's path). */
export const INTERPRETER_API_BASE = '/api/interpreter';

/** Options of interpreterApiPlugin. */
export interface InterpreterApiOptions {
  service: HandoffService;
  /** A conversation's short reference. */
  reference(conversationId: string): Promise<string>;
  /** Records who did what. */
  audit(entry: AuditRecord): Promise<void>;
  /** Mark the cookie `Secure`. */
  secureCookies: boolean;
}

const BODY_LIMIT = 8 * 1024;

function errorReply(reply: FastifyReply, error: unknown): FastifyReply {
  let known: HttpError | undefined = error instanceof HttpError ? error : undefined;
  if (!known && bodyProblem(error)) known = new HandoffRequestError('The request body must be JSON.');
  if (!known && statusOf(error) >= 400 && statusOf(error) < 500) known = new HandoffRequestError();
  if (!known) {
    reply.log.error({ event: 'interpreter_api_error' }, 'interpreter api error');
    return reply.code(500).send({ error: { code: 'ServiceError', message: 'Something went wrong on our side.' } });
  }
  return reply.code(known.statusCode).send({ error: { code: known.code, message: known.message } });
}

/** Registers the interpreter's routes (their own error handler and no-store answers). */
export const interpreterApiPlugin: FastifyPluginAsync<InterpreterApiOptions> = async (app, options) => {
  const { service } = options;
  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, path: INTERPRETER_API_BASE, secure: options.secureCookies };
  app.setErrorHandler((error, _request, reply) => errorReply(reply, error));
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  const linkOf = async (request: FastifyRequest): Promise<InterpreterLinkState> => {
    const state = await service.interpreters.session(request.cookies[INTERPRETER_COOKIE]);
    if (!state) throw new NotInterpreterError();
    return state;
  };

  app.post(`${INTERPRETER_API_BASE}/session`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const token = (request.body as { token?: unknown } | undefined)?.token;
    const joined = await service.interpreterJoins(token);
    if (!joined) throw new InterpreterLinkInvalidError();
    reply.setCookie(INTERPRETER_COOKIE, joined.sessionId, { ...cookieOptions, expires: new Date(joined.state.expiresAt) });
    await options.audit({ by: 'interpreter', action: 'interpreter.joined', conversationId: joined.state.conversationId, target: joined.state.createdBy });
    return reply.code(201).send(await view(joined.state));
  });

  const view = async (state: InterpreterLinkState, after?: string): Promise<InterpreterView> => {
    const session = await service.interpreterTranscript(state, after);
    return {
      language: (await service.conversationLanguage(state.conversationId)) ?? 'und',
      reference: await options.reference(state.conversationId),
      expiresAt: new Date(state.expiresAt).toISOString(),
      ...session,
    };
  };

  app.get<{ Querystring: { after?: string } }>(`${INTERPRETER_API_BASE}/conversation`, async (request) => {
    const state = await service.interpreters.session(request.cookies[INTERPRETER_COOKIE]);
    // The link ended (the conversation ended, it was withdrawn or expired): the page says so and stops.
    if (!state) return { language: 'und', reference: '', expiresAt: new Date(0).toISOString(), lines: [], ended: true } satisfies InterpreterView;
    const after = typeof request.query.after === 'string' ? request.query.after : undefined;
    return view(state, after);
  });

  app.post(`${INTERPRETER_API_BASE}/messages`, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const state = await linkOf(request);
    const activity = await service.interpreterMessage(state, (request.body as { text?: unknown } | undefined)?.text);
    return reply.code(201).send({ id: activity.id });
  });

  app.post(`${INTERPRETER_API_BASE}/leave`, async (request, reply) => {
    const state = await service.interpreters.session(request.cookies[INTERPRETER_COOKIE]);
    if (state) await service.interpreterLeaves(state);
    reply.clearCookie(INTERPRETER_COOKIE, cookieOptions);
    return reply.code(204).send();
  });
};

/**
 * The JSON Schemas of the Direct Line routes (Fastify's `schema:` option): what a client may send,
 * with bounds, checked before any handler runs (validation.ts; a failure is `400 BadArgument`).
 * Which values are meaningful beyond their shape (a watermark in range, a token) the routes check.
 */

/** A conversation id in a path: what TokenService issues (base64url), with room to spare. */
const CONVERSATION_ID = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } as const;
/** A watermark: empty (from the start) or a Redis Stream entry id; the range is checked by the routes. */
const WATERMARK = { type: 'string', maxLength: 41, pattern: '^(\\d{1,20}-\\d{1,20})?$' } as const;
/** A BCP 47-like language tag. */
export const LOCALE_PATTERN = '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$';

/** `:id` of the conversation routes. */
export const conversationParams = {
  type: 'object',
  required: ['id'],
  properties: { id: CONVERSATION_ID },
} as const;

/** `?watermark=` (given once, if at all). */
export const watermarkQuery = {
  type: 'object',
  properties: { watermark: WATERMARK },
} as const;

/** `?t=<stream token>&watermark=` of the stream URL. The token's validity is the route's to check (401/403). */
export const streamQuery = {
  type: 'object',
  properties: { t: { type: 'string', maxLength: 4_096 }, watermark: WATERMARK },
} as const;

/**
 * `POST /tokens/generate`: none or a small JSON object (directlinejs sends none); `returnCode`
 * (a code the bot gave, as typed: digits of any script, spaces, dashes) asks for a token of that
 * code's conversation instead of a new one.
 */
export const generateTokenBody = {
  type: ['object', 'null'],
  maxProperties: 32,
  properties: { returnCode: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** Bodies the token routes ignore: none, or a small JSON object (directlinejs sends none). */
export const ignoredBody = {
  type: ['object', 'null'],
  maxProperties: 32,
} as const;

/**
 * `POST /conversations`: Direct Line's start body. `locale` (from `conversationStartProperties`)
 * chooses the conversation's language when it is a tag of one of Lantern's five; `user` is ignored
 * (the token names the user).
 */
export const startConversationBody = {
  type: ['object', 'null'],
  maxProperties: 32,
  properties: {
    locale: { type: ['string', 'null'], maxLength: 64 },
    user: { type: ['object', 'null'], maxProperties: 16 },
  },
} as const;

/**
 * `POST /conversations/{id}/activities`: one activity of the young person. Only these fields are
 * kept (routes/activities.ts); anything else a client sends (`from`, `recipient`, `entities`, …) is
 * allowed here and dropped there.
 */
export function activityBody(maxTextLength: number) {
  return {
    type: 'object',
    required: ['type'],
    maxProperties: 64,
    properties: {
      type: { enum: ['message', 'event', 'endOfConversation', 'typing'] },
      text: { type: ['string', 'null'], maxLength: maxTextLength },
      textFormat: { enum: ['plain', 'markdown', 'xml'] },
      locale: { type: 'string', maxLength: 64, pattern: LOCALE_PATTERN },
      name: { type: 'string', minLength: 1, maxLength: 128 },
      value: {},
      channelData: { type: 'object', maxProperties: 64 },
      replyToId: { type: 'string', maxLength: 128 },
      attachments: { type: 'array', maxItems: 0 },
    },
    allOf: [
      // An event needs a name.
      { if: { properties: { type: { const: 'event' } } }, then: { required: ['name'] } },
      // A message needs text or a value.
      {
        if: { properties: { type: { const: 'message' } } },
        then: { anyOf: [{ required: ['text'], properties: { text: { type: 'string' } } }, { required: ['value'] }] },
      },
    ],
  } as const;
}

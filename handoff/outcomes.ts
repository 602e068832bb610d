/**
 * The fixed, anonymous list of outcomes a counsellor ends a conversation with. Only these codes
 * are kept (as counts); labels are in locales/staff/{nl,en}.json.
 */
export const OUTCOMES = [
  'information_given',
  'safety_plan',
  'referred_112',
  'referred_veilig_thuis',
  'referred_care_coordinator',
  'referred_guardian_mentor',
  'referred_comensha',
  'young_person_left',
  'no_contact',
  'language_barrier',
  'other',
] as const;

/** An outcome code. */
export type Outcome = (typeof OUTCOMES)[number];

/** Type guard for an outcome code. */
export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}

import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { compileValidator } from '../../../models/src/schema/validate.ts';
import { DEFAULT_RULE, RuleConfigSchema } from '../../../models/src/train/forecast/rule.ts';

const Int = (minimum: number, maximum: number, def: number) => Type.Integer({ minimum, maximum, default: def });

/** Account-wide spike detection on cloud-ingest event counts (forecast/README.md). Validated; errors name the key. */
export const AccountSpikeOptionsSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    /** How often the job judges newly closed hourly buckets. */
    intervalSeconds: Int(10, 86_400, 300),
    /** A bucket is judged this long after it ended, so late-delivered logs (CloudTrail ~15 min) are in it. */
    settleMinutes: Int(0, 24 * 60, 20),
    /** History each fit sees, in days (4 weeks = the seasonal-naive median over 4 same-hours-of-week). */
    trainDays: Int(7, 90, 28),
    /** History a series needs before its first judgement. */
    minTrainDays: Int(1, 90, 14),
    /** Buckets judged per series per run at most; older unjudged buckets are skipped and counted. */
    maxCatchUpHours: Int(1, 24 * 31, 168),
    /** Buckets forecast per fit (re-fit cadence while catching up). */
    retrainEveryHours: Int(1, 168, 24),
    intervalWidth: Type.Number({ exclusiveMinimum: 0.5, exclusiveMaximum: 1, default: 0.999 }),
    model: Type.Union([Type.Literal('seasonal_naive'), Type.Literal('prophet')], { default: 'seasonal_naive' }),
    rule: Type.Optional(RuleConfigSchema),
    /** Account of events that carry none (S3 access logs, Lambda) and of malformed account ids. */
    defaultAccount: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'default' }),
    /** Distinct accounts tracked; events of further accounts are counted as dropped, not stored. */
    maxAccounts: Int(1, 100_000, 100),
  },
  { additionalProperties: false },
);
export type AccountSpikeOptions = Static<typeof AccountSpikeOptionsSchema> & {
  rule: NonNullable<Static<typeof RuleConfigSchema>>;
};

const check = compileValidator(AccountSpikeOptionsSchema);

export function accountSpikeOptions(input: unknown = {}): AccountSpikeOptions {
  const o = check(Value.Default(AccountSpikeOptionsSchema, structuredClone(input ?? {})), 'accountSpikes');
  if (o.minTrainDays > o.trainDays) throw new Error('accountSpikes.minTrainDays must be <= trainDays');
  return { ...o, rule: o.rule ?? DEFAULT_RULE };
}

/** VIGIL_ACCOUNT_SPIKES (JSON of the options above), or the defaults when unset. */
export function accountSpikeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): AccountSpikeOptions {
  const raw = env.VIGIL_ACCOUNT_SPIKES;
  if (!raw) return accountSpikeOptions();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`VIGIL_ACCOUNT_SPIKES: not JSON (${(err as Error).message})`);
  }
  return accountSpikeOptions(parsed);
}

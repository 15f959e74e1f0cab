import { type Static, Type } from '@sinclair/typebox';
import { AnomalyTypeSchema, EntityRefSchema } from './anomaly.ts';
import { LogSourceSchema } from './event.ts';

export const VARIANTS = ['standard', 'low_and_slow'] as const;
export const VariantSchema = Type.Union(VARIANTS.map((v) => Type.Literal(v)));
export type Variant = (typeof VARIANTS)[number];

/**
 * Ground truth for one injected anomaly: one line of labels.jsonl. An anomaly that spans several sources
 * (account_spike) has one label per source, sharing `incident`.
 */
export const LabelSchema = Type.Object(
  {
    id: Type.String(),
    /** Groups the labels of one injected incident. */
    incident: Type.String(),
    type: AnomalyTypeSchema,
    source: LogSourceSchema,
    entity: EntityRefSchema,
    /** Epoch ms, start inclusive, end exclusive. */
    start: Type.Number(),
    end: Type.Number(),
    /** 0..1 scale of how far from normal the injection is (1 = blatant). */
    intensity: Type.Number({ minimum: 0, maximum: 1 }),
    variant: VariantSchema,
    /** Events written for this label. */
    events: Type.Integer({ minimum: 0 }),
    description: Type.Optional(Type.String()),
    /** Identities a correct fix acts on (attacker IP, miner pid, mount). */
    targets: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
  },
  { additionalProperties: false },
);
export type Label = Static<typeof LabelSchema>;

import { type Static, Type } from '@sinclair/typebox';

export const ProcessSourceConfigSchema = Type.Object(
  {
    type: Type.Literal('process'),
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    /** Floor of 1 s: a sample reads every /proc/<pid>/stat. */
    intervalMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 3_600_000 })),
    maxProcesses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    topN: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    emitAll: Type.Optional(Type.Boolean()),
    includeKernelThreads: Type.Optional(Type.Boolean()),
    maxCmdlineBytes: Type.Optional(Type.Integer({ minimum: 64, maximum: 1 << 20 })),
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    procRoot: Type.Optional(Type.String({ pattern: '^/' })),
    passwdPath: Type.Optional(Type.String({ pattern: '^/' })),
    maxInFlightBatches: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    /** Sample only processes whose cwd is inside one of these trees (a container or sandbox root). */
    cwdUnder: Type.Optional(
      Type.Array(Type.String({ pattern: '^/[^\\u0000-\\u001f\\u007f]*$', maxLength: 4096 }), {
        minItems: 1,
        maxItems: 64,
      }),
    ),
  },
  { additionalProperties: false },
);
export type ProcessSourceConfig = Static<typeof ProcessSourceConfigSchema>;

export const PROCESS_SOURCE_DEFAULTS = {
  intervalMs: 10_000,
  maxProcesses: 4096,
  topN: 20,
  emitAll: false,
  includeKernelThreads: false,
  maxCmdlineBytes: 4096,
  procRoot: '/proc',
  passwdPath: '/etc/passwd',
  maxInFlightBatches: 4,
};

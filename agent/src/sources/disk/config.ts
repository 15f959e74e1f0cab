import { type Static, Type } from '@sinclair/typebox';

export const DiskSourceConfigSchema = Type.Object(
  {
    type: Type.Literal('disk'),
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    intervalMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 3_600_000 })),
    /** Mount points (or directories: reported under the given path) to watch; default: every real filesystem. */
    paths: Type.Optional(Type.Array(Type.String({ pattern: '^/', maxLength: 4096 }), { maxItems: 256 })),
    /** Filesystem types found automatically when `paths` is not set. */
    fsTypes: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9._-]{1,32}$' }), { maxItems: 64 })),
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    mountsFile: Type.Optional(Type.String({ pattern: '^/' })),
    maxInFlightBatches: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type DiskSourceConfig = Static<typeof DiskSourceConfigSchema>;

export const DISK_SOURCE_DEFAULTS = {
  intervalMs: 60_000,
  fsTypes: ['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'zfs', 'f2fs', 'vfat', 'overlay', 'nfs', 'nfs4', 'cifs'],
  mountsFile: '/proc/self/mounts',
  maxInFlightBatches: 4,
};
